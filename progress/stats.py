"""Progress figures: how far a learner (or many learners) are, per section, phase and overall.

The progress of a scope is (done + skipped) / leaves, with done and skipped
also kept apart. In an elective phase only the sections the learner chose
count, toward that phase and toward the overall figure.

Counting happens in SQL (grouped counts); Python only adds up a few numbers
per section, so the cost is a fixed number of queries whatever the number of
topics, rows or learners.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from progress.models import PathChoice, TopicProgress, TopicStatus
from roadmap.models import Section


@dataclass
class Tally:
    leaves: int = 0
    done: int = 0
    skipped: int = 0
    in_progress: int = 0

    @property
    def completed(self) -> int:
        return self.done + self.skipped

    @property
    def not_started(self) -> int:
        return max(self.leaves - self.completed - self.in_progress, 0)

    @property
    def percent(self) -> int:
        """Whole percent, rounded down so 100 means every leaf is done or skipped."""
        return (100 * self.completed // self.leaves) if self.leaves else 0

    @property
    def is_complete(self) -> bool:
        return self.leaves > 0 and self.completed >= self.leaves

    def add(self, other: "Tally") -> None:
        self.leaves += other.leaves
        self.done += other.done
        self.skipped += other.skipped
        self.in_progress += other.in_progress


@dataclass(frozen=True)
class SectionInfo:
    id: int
    phase_id: int
    elective: bool
    leaves: int


@dataclass
class RoadmapProgress:
    sections: dict[int, Tally] = field(default_factory=dict)
    phases: dict[int, Tally] = field(default_factory=dict)
    overall: Tally = field(default_factory=Tally)
    chosen_sections: frozenset[int] = frozenset()


def roadmap_sections(roadmap) -> list[SectionInfo]:
    """Every section of the roadmap with its leaf count (one query)."""
    rows = (
        Section.objects.filter(phase__roadmap=roadmap)
        .annotate(leaf_count=Count("topics", filter=Q(topics__children__isnull=True)))
        .values_list("id", "phase_id", "phase__is_elective", "leaf_count")
        .order_by("phase__number", "order")
    )
    return [SectionInfo(*row) for row in rows]


def status_counts(*, user_ids, roadmap) -> dict[int, dict[int, Counter]]:
    """{user_id: {section_id: Counter(status -> n)}} for the given users (one query)."""
    rows = (
        TopicProgress.objects.filter(user_id__in=user_ids, topic__section__phase__roadmap=roadmap)
        .exclude(status=TopicStatus.NOT_STARTED)
        .values_list("user_id", "topic__section_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    result: dict[int, dict[int, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for user_id, section_id, status, n in rows:
        result[user_id][section_id][status] = n
    return result


def chosen_sections(*, user_ids) -> dict[int, set[int]]:
    """{user_id: {section ids chosen in elective phases}} (one query)."""
    result: dict[int, set[int]] = defaultdict(set)
    for user_id, section_id in PathChoice.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "section_id"
    ):
        result[user_id].add(section_id)
    return result


def summarize(sections: list[SectionInfo], counts: dict[int, Counter], chosen: set[int]) -> RoadmapProgress:
    """Add up one learner's figures from the grouped counts."""
    result = RoadmapProgress(chosen_sections=frozenset(chosen))
    for section in sections:
        counter = counts.get(section.id, Counter())
        tally = Tally(
            leaves=section.leaves,
            done=counter[TopicStatus.DONE],
            skipped=counter[TopicStatus.SKIPPED],
            in_progress=counter[TopicStatus.IN_PROGRESS],
        )
        result.sections[section.id] = tally
        phase_tally = result.phases.setdefault(section.phase_id, Tally())
        if section.elective and section.id not in chosen:
            continue  # outside the learner's path: browsable, but not counted
        phase_tally.add(tally)
        result.overall.add(tally)
    return result


def learner_progress(*, user, roadmap) -> RoadmapProgress:
    """One learner's figures (three queries)."""
    sections = roadmap_sections(roadmap)
    counts = status_counts(user_ids=[user.pk], roadmap=roadmap).get(user.pk, {})
    chosen = chosen_sections(user_ids=[user.pk]).get(user.pk, set())
    return summarize(sections, counts, chosen)

"""The whole roadmap through one learner's eyes: every topic in roadmap order with their status.

One query brings every topic of the roadmap with the learner's status, its
time, whether they wrote a note and whether its section is on their chosen
path (LEFT JOINs on the one-row-per-learner constraints, so nothing
multiplies). Trees are walked in Python, because `order` is only an order
among siblings: the roadmap's reading order is a depth-first walk.

The dashboard counts from it with `progress.stats.summarize`, so its figures
are the same as everyone else's (done + skipped over leaves, Phase 8 by path).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, FilteredRelation, OuterRef, Q
from django.urls import reverse

from progress.models import PathChoice, TopicStatus
from progress.stats import RoadmapProgress, SectionInfo, summarize
from roadmap.models import Topic

COMPLETED = frozenset({TopicStatus.DONE, TopicStatus.SKIPPED})


@dataclass
class TopicRow:
    id: int
    title: str
    path: tuple[str, ...]  # titles from the tree's root down to this topic
    is_leaf: bool
    status: str
    updated_at: datetime | None
    has_note: bool
    section_id: int
    section_title: str
    phase_id: int
    phase_number: int
    phase_title: str
    phase_slug: str
    on_path: bool  # False only in an elective phase's sections the learner did not choose

    @property
    def status_label(self) -> str:
        return TopicStatus(self.status).label

    @property
    def is_completed(self) -> bool:
        return self.status in COMPLETED

    @property
    def url(self) -> str:
        return reverse("roadmap:phase", kwargs={"slug": self.phase_slug}) + f"#topic-{self.id}"


@dataclass
class Outline:
    topics: list[TopicRow]
    progress: RoadmapProgress

    @property
    def leaves(self) -> list[TopicRow]:
        return [topic for topic in self.topics if topic.is_leaf]

    def next_topics(self, limit: int = 5) -> list[TopicRow]:
        """Leaves to study next: in progress first, then the rest in roadmap order,
        leaving out completed ones and sections off the learner's path."""
        open_leaves = [leaf for leaf in self.leaves if leaf.on_path and not leaf.is_completed]
        started = [leaf for leaf in open_leaves if leaf.status == TopicStatus.IN_PROGRESS]
        others = [leaf for leaf in open_leaves if leaf.status != TopicStatus.IN_PROGRESS]
        return (started + others)[:limit]


def learner_outline(*, user, roadmap_id: int) -> Outline:
    """Every topic of the roadmap in reading order, with the learner's figures (one query)."""
    rows = (
        Topic.objects.filter(section__phase__roadmap_id=roadmap_id)
        .annotate(
            mine=FilteredRelation("progress", condition=Q(progress__user=user)),
            my_note=FilteredRelation("notes", condition=Q(notes__user=user)),
            chosen=Exists(PathChoice.objects.filter(user=user, section_id=OuterRef("section_id"))),
        )
        .values(
            "id",
            "parent_id",
            "order",
            "title",
            "section_id",
            "section__order",
            "section__title",
            "section__phase_id",
            "section__phase__number",
            "section__phase__title",
            "section__phase__slug",
            "section__phase__is_elective",
            "mine__status",
            "mine__updated_at",
            "my_note__id",
            "chosen",
        )
    )
    rows = list(rows)
    children = defaultdict(list)
    for row in rows:
        children[row["parent_id"]].append(row)
    for siblings in children.values():
        siblings.sort(key=lambda row: (row["order"], row["id"]))
    roots = sorted(
        children[None],
        key=lambda row: (
            row["section__phase__number"],
            row["section__order"],
            row["section_id"],
            row["order"],
            row["id"],
        ),
    )

    topics: list[TopicRow] = []
    stack = [(root, ()) for root in reversed(roots)]
    while stack:
        row, ancestors = stack.pop()
        path = (*ancestors, row["title"])
        elective = row["section__phase__is_elective"]
        topics.append(
            TopicRow(
                id=row["id"],
                title=row["title"],
                path=path,
                is_leaf=row["id"] not in children,
                status=row["mine__status"] or TopicStatus.NOT_STARTED,
                updated_at=row["mine__updated_at"],
                has_note=row["my_note__id"] is not None,
                section_id=row["section_id"],
                section_title=row["section__title"],
                phase_id=row["section__phase_id"],
                phase_number=row["section__phase__number"],
                phase_title=row["section__phase__title"],
                phase_slug=row["section__phase__slug"],
                on_path=not elective or row["chosen"],
            )
        )
        stack.extend((child, path) for child in reversed(children.get(row["id"], [])))

    return Outline(topics=topics, progress=_figures(topics, rows))


def _figures(topics: list[TopicRow], rows: list[dict]) -> RoadmapProgress:
    """The stats module's figures, counted from the rows already fetched."""
    sections: dict[int, tuple[int, bool]] = {}  # section id: (phase id, elective)
    leaves: Counter = Counter()
    counts: dict[int, Counter] = defaultdict(Counter)
    chosen = set()
    for topic in topics:
        if topic.is_leaf:
            leaves[topic.section_id] += 1
            if topic.status != TopicStatus.NOT_STARTED:
                counts[topic.section_id][topic.status] += 1
    for row in rows:
        if row["section_id"] not in sections:
            sections[row["section_id"]] = (row["section__phase_id"], row["section__phase__is_elective"])
        if row["chosen"]:
            chosen.add(row["section_id"])
    infos = [
        SectionInfo(id=section_id, phase_id=phase_id, elective=elective, leaves=leaves[section_id])
        for section_id, (phase_id, elective) in sections.items()
    ]
    return summarize(infos, counts, chosen)

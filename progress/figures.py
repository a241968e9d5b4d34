"""A learner's figures, in one place: the read model every page, export and htmx answer uses.

What a learner has completed is counted in SQL, over the roadmap's *current*
leaves only (a topic an editor has since given subtopics counts for nothing),
by grouped counts at three levels: each topic, each section, and each phase
on the learner's path. Everything else is arithmetic on those counts and the
cached structure (`roadmap.structure`), done once here:

- a scope's progress is (done + skipped) / leaves, with done, skipped and in
  progress also kept apart (`Tally`);
- a section of an elective phase (Phase 8) counts toward its phase and the
  overall figure only once the learner chose it (`on_path`; in SQL, `_PHASES`);
  an elective phase with no section chosen "needs a path" and counts for nothing;
- the current phase is the first one not completed on the learner's path;
- the plan starts on the learner's saved start date, else on their cohort's
  start date (`PlanInput.start`), and its status comes from `progress.plan`;
- next topics are the open leaves on the path: in progress first, then the
  rest in reading order.

For one learner (`learner_figures`) one query brings it all (a UNION of the
counts, the chosen sections and a row of facts: plan, cohort start, project
counts, the learner's change stamp). For many (`many_learner_figures`, a cohort) one query brings the
per-phase counts and chosen sections of every member; the caller brings the
plan facts it already read with the memberships. The SQL is written out, the
same for PostgreSQL and SQLite (see "Counting in SQL").
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db import connection

from progress import plan as plans
from progress.mentoring.models import Cohort, Membership
from progress.models import (
    ChangeStamp,
    LearningPlan,
    Pace,
    PathChoice,
    ProjectProgress,
    TopicProgress,
    TopicStatus,
)
from roadmap.structure import PhaseNode, SectionNode, Structure, TopicNode

COMPLETED = frozenset({TopicStatus.DONE, TopicStatus.SKIPPED})


@dataclass(frozen=True, slots=True)
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

    @property
    def status(self) -> str:
        """The status a branch shows: done when every leaf is, in progress once one is touched."""
        if self.is_complete:
            return TopicStatus.DONE
        if self.completed or self.in_progress:
            return TopicStatus.IN_PROGRESS
        return TopicStatus.NOT_STARTED

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(
            self.leaves + other.leaves,
            self.done + other.done,
            self.skipped + other.skipped,
            self.in_progress + other.in_progress,
        )

    def with_leaves(self, leaves: int) -> "Tally":
        return Tally(leaves, self.done, self.skipped, self.in_progress)


def on_path(section: SectionNode, chosen) -> bool:
    """Whether a section counts toward its phase and the overall figure (see ON_PATH)."""
    return not section.phase_is_elective or section.id in chosen


# The same rule is written in SQL below (`_PHASES`): keep the two alike.


@dataclass(frozen=True, slots=True)
class PlanInput:
    """What a learner's plan is made of: their saved plan, and their cohort's start date."""

    saved_start: date | None = None
    saved_pace: str | None = None
    cohort_start: date | None = None

    @property
    def start(self) -> date | None:
        """The plan's start: the learner's own, else their cohort's (None: no plan)."""
        return self.saved_start or self.cohort_start

    @property
    def pace(self) -> str:
        return self.saved_pace or Pace.TWELVE_MONTHS

    @property
    def is_saved(self) -> bool:
        return self.saved_start is not None


@dataclass(frozen=True, slots=True)
class ProjectCounts:
    total: int
    done: int
    in_progress: int
    unseen_reviews: int = 0  # reviews the mentor wrote since the learner last saw their projects

    @property
    def not_started(self) -> int:
        return max(self.total - self.done - self.in_progress, 0)


@dataclass(frozen=True)
class PhaseFigure:
    phase: PhaseNode
    tally: Tally  # over the sections on the learner's path
    needs_path: bool  # an elective phase with no section chosen: it counts for nothing yet

    @property
    def bar(self):
        from progress.presentation import Bar

        return Bar.of(self.tally, f"Phase {self.phase.number}")


@dataclass(frozen=True)
class Figures:
    """One learner's figures. Built by `learner_figures` or `many_learner_figures` only."""

    structure: Structure
    user_id: int
    phases: tuple[PhaseFigure, ...]
    overall: Tally
    chosen: frozenset[int]
    plan: plans.PlanReport | None
    # Only what was asked for: sections and topics for one learner, neither for a cohort.
    sections: Mapping[int, Tally] = field(default_factory=dict)
    topics: Mapping[int, Tally] = field(default_factory=dict)  # leaves (each 0 or 1 of a status)
    projects: ProjectCounts | None = None
    # The learner's change stamp as the figures were read (`progress.models.ChangeStamp`):
    # what was computed from their activity at the same stamp still holds. One learner only.
    stamp: int = 0

    @property
    def overall_bar(self):
        from progress.presentation import Bar

        return Bar.of(self.overall, "Overall")

    @property
    def leaves_off_path(self) -> int:
        """The roadmap's leaves the learner's figures leave out: elective sections not chosen."""
        return self.structure.leaf_count - self.overall.leaves

    def phase(self, phase_id: int) -> PhaseFigure:
        return next(figure for figure in self.phases if figure.phase.id == phase_id)

    def section(self, section: SectionNode) -> Tally:
        return self.sections.get(section.id, Tally()).with_leaves(section.leaf_count)

    def on_path(self, section: SectionNode) -> bool:
        return on_path(section, self.chosen)

    def status(self, topic_id: int) -> str:
        """A leaf's own status ("not_started" when the learner never marked it)."""
        tally = self.topics.get(topic_id, Tally())
        if tally.done:
            return TopicStatus.DONE
        if tally.skipped:
            return TopicStatus.SKIPPED
        if tally.in_progress:
            return TopicStatus.IN_PROGRESS
        return TopicStatus.NOT_STARTED

    def branch(self, topic: TopicNode) -> Tally:
        """A topic's leaves, added up (a leaf is a tree of one)."""
        total = Tally()
        for leaf in topic.leaf_ids:
            total = total + self.topics.get(leaf, Tally())
        return total.with_leaves(topic.leaf_count)

    @property
    def current_phase(self) -> PhaseFigure | None:
        """The first phase not yet completed on the learner's path; None when every one is."""
        for figure in self.phases:
            if figure.needs_path or (figure.tally.leaves and not figure.tally.is_complete):
                return figure
        return None

    def next_topics(self, limit: int = 5) -> list[TopicNode]:
        """Leaves to study next: in progress first, then the rest in reading order,
        leaving out completed ones and sections off the learner's path."""
        started, others = [], []
        for leaf in self.structure.leaves:
            if not self.on_path(self.structure.section_by_id[leaf.section_id]):
                continue
            tally = self.topics.get(leaf.id, Tally())
            if tally.completed:
                continue
            (started if tally.in_progress else others).append(leaf)
        return (started + others)[:limit]


# Summing up: the one formula --------------------------------------------------------------


def _figures(
    structure: Structure,
    *,
    user_id: int,
    phase_counts: Mapping[int, Tally],
    chosen: frozenset[int],
    plan_input: PlanInput,
    today: date,
    sections: Mapping[int, Tally] | None = None,
    topics: Mapping[int, Tally] | None = None,
    projects: ProjectCounts | None = None,
    schedules: dict | None = None,
    stamp: int = 0,
) -> Figures:
    """A learner's figures from their counts (per phase, on their path) and the structure."""
    phases, overall = [], Tally()
    for phase, leaves, needs_path in _path_sizes(structure, chosen):
        tally = phase_counts.get(phase.id, Tally()).with_leaves(leaves)
        phases.append(PhaseFigure(phase=phase, tally=tally, needs_path=needs_path))
        overall = overall + tally
    report = None
    if plan_input.start is not None and phases:
        report = _plan_report(phases, plan_input, today, schedules)
    return Figures(
        structure=structure,
        user_id=user_id,
        phases=tuple(phases),
        overall=overall,
        chosen=chosen,
        plan=report,
        sections=sections or {},
        topics=topics or {},
        projects=projects,
        stamp=stamp,
    )


_PATH_SIZES: dict = {}


def _path_sizes(structure: Structure, chosen: frozenset[int]) -> list[tuple[PhaseNode, int, bool]]:
    """(phase, leaves on the path, needs a path) for each phase, for a set of chosen sections.
    Remembered per content version and choice: a cohort's learners mostly share both."""
    key = (structure.version, chosen)
    sizes = _PATH_SIZES.get(key)
    if sizes is None:
        if len(_PATH_SIZES) > 256:
            _PATH_SIZES.clear()
        sizes = _PATH_SIZES[key] = [
            (
                phase,
                sum(section.leaf_count for section in phase.sections if on_path(section, chosen)),
                phase.is_elective and not any(section.id in chosen for section in phase.sections),
            )
            for phase in structure.phases
        ]
    return sizes


def _plan_report(phases, plan_input: PlanInput, today: date, schedules: dict | None) -> plans.PlanReport:
    facts = [
        plans.PhaseFacts(
            id=figure.phase.id,
            number=figure.phase.number,
            title=figure.phase.title,
            slug=figure.phase.slug,
            leaves=figure.tally.leaves,
            completed=figure.tally.completed,
            duration_max_months=figure.phase.duration_max_months,
            timeline_start_month=figure.phase.timeline_start_month,
            timeline_end_month=figure.phase.timeline_end_month,
        )
        for figure in phases
    ]
    return plans.plan_report(
        facts,
        start_date=plan_input.start,
        pace=plan_input.pace,
        today=today,
        is_saved=plan_input.is_saved,
        schedules=schedules,
    )


# Counting in SQL ----------------------------------------------------------------------------
#
# One statement, written out rather than built by the ORM: composing five grouped
# querysets and their UNION cost three times as long as running it. The same SQL
# runs on PostgreSQL and SQLite. Every part has the same columns:
#   kind, user, ref, done, skipped, in progress, day1, day2, text
# "topic", "section" and "phase" rows count a learner's statuses per topic, per
# section and per phase (on their path only); "chosen" rows are their path's
# sections; the one "facts" row holds project counts (done, reviews not seen yet
# in the "skipped" column, in progress), the saved plan's start (day1) and pace
# (text), and the start date of their latest cohort (day2).

_COUNTED = """
    SELECT p.user_id, p.topic_id, p.status, leaf.section_id, leaf.phase_id, leaf.elective AS is_elective
    FROM {progress} p
    JOIN leaf ON leaf.topic_id = p.topic_id
    WHERE p.user_id IN ({users}) AND p.status <> 'not_started'
"""
_SUMS = (
    "SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN status = 'skipped' THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN status = 'in_progress' THEN 1 ELSE 0 END)"
)
_NO_FACTS = "CAST(NULL AS DATE), CAST(NULL AS DATE), CAST(NULL AS VARCHAR(20))"
_TOPICS = f"SELECT 'topic', user_id, topic_id, {_SUMS}, {_NO_FACTS} FROM counted {{where}} GROUP BY user_id, topic_id"
_SECTIONS = (
    f"SELECT 'section', user_id, section_id, {_SUMS}, {_NO_FACTS} FROM counted GROUP BY user_id, section_id"
)
# The on-path rule of `on_path`, in SQL.
_PHASES = f"""
    SELECT 'phase', user_id, phase_id, {_SUMS}, {_NO_FACTS} FROM counted c
    WHERE c.is_elective = 0
       OR EXISTS (SELECT 1 FROM {{choice}} pc WHERE pc.user_id = c.user_id AND pc.section_id = c.section_id)
    GROUP BY user_id, phase_id
"""
_CHOSEN = (
    f"SELECT 'chosen', user_id, section_id, 0, 0, 0, {_NO_FACTS} FROM {{choice}} WHERE user_id IN ({{users}})"
)
_FACTS = """
    SELECT 'facts', u.id, COALESCE((SELECT s.value FROM {stamp} s WHERE s.user_id = u.id), 0),
        (SELECT COUNT(*) FROM {project} pp WHERE pp.user_id = u.id AND pp.status = 'done'),
        (SELECT COUNT(*) FROM {project} pp WHERE pp.user_id = u.id AND pp.reviewed_at IS NOT NULL
           AND (pp.review_seen_at IS NULL OR pp.review_seen_at < pp.reviewed_at)),
        (SELECT COUNT(*) FROM {project} pp WHERE pp.user_id = u.id AND pp.status = 'in_progress'),
        plan.start_date,
        (SELECT c.start_date FROM {membership} m JOIN {cohort} c ON c.id = m.cohort_id
          WHERE m.user_id = u.id AND c.start_date IS NOT NULL ORDER BY m.joined_at DESC, m.id DESC LIMIT 1),
        plan.pace
    FROM {user} u LEFT JOIN {plan} plan ON plan.user_id = u.id
    WHERE u.id = %s
"""


def _tables() -> dict[str, str]:
    return {
        "progress": TopicProgress._meta.db_table,
        "choice": PathChoice._meta.db_table,
        "project": ProjectProgress._meta.db_table,
        "membership": Membership._meta.db_table,
        "cohort": Cohort._meta.db_table,
        "plan": LearningPlan._meta.db_table,
        "user": get_user_model()._meta.db_table,
        "stamp": ChangeStamp._meta.db_table,
    }


_LEAVES: dict[tuple[str, str], str] = {}


def _leaves(structure: Structure) -> str:
    """The current leaves as a table of literals: (topic, section, phase, elective 0/1).

    Joining a learner's statuses to this rather than to the topic, section and
    phase tables (and testing each topic for children) took a third off the
    cohort's query. Integers from the cached structure, written once per
    content version."""
    key = (structure.version, connection.vendor)
    sql = _LEAVES.get(key)
    if sql is None:
        leaves = [
            (leaf.id, leaf.section_id, leaf.phase_id, structure.phase_by_id[leaf.phase_id].is_elective)
            for leaf in structure.leaves
        ]
        if not leaves:
            sql = "SELECT 0, 0, 0, 0 WHERE 1 = 0"
        elif connection.vendor == "postgresql":
            # Four arrays, unnested side by side: PostgreSQL plans them in half the time
            # it takes over two hundred rows of VALUES.
            columns = (", ".join(str(int(value)) for value in column) for column in zip(*leaves, strict=True))
            sql = "SELECT * FROM unnest(" + ", ".join(f"'{{{column}}}'::bigint[]" for column in columns) + ")"
        else:
            sql = "VALUES " + ", ".join(
                f"({int(topic)}, {int(section)}, {int(phase)}, {int(elective)})"
                for topic, section, phase, elective in leaves
            )
        _LEAVES.clear()
        _LEAVES[key] = sql
    return sql


def _query(parts: list[str], *, users: str, structure: Structure) -> str:
    tables = _tables()
    counted = _COUNTED.format(users=users, **tables)
    body = "\nUNION ALL\n".join(part.format(users=users, **tables) for part in parts)
    return (
        f"WITH leaf(topic_id, section_id, phase_id, elective) AS ({_leaves(structure)}),\n"
        f"counted AS ({counted})\n{body}"
    )


def _rows(sql: str, params: list):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _day(value) -> date | None:
    """A date as the database gave it (SQLite gives text to a raw cursor)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def learner_figures(
    user,
    structure: Structure,
    *,
    today: date,
    topics: Iterable[int] | None = None,
    cohort_start: date | None = None,
) -> Figures:
    """One learner's figures, in one query.

    `topics` (ids) limits the per-topic statuses to what the page shows (a
    phase, a section); by default every leaf's. `cohort_start`, when given
    (a mentor looking from their cohort), stands in for the learner's
    latest cohort start when they have saved no plan of their own.
    """
    topics = None if topics is None else list(topics)
    where = "" if topics is None else f"WHERE topic_id IN ({', '.join(['%s'] * len(topics))})"
    if topics == []:
        where = "WHERE 1 = 0"
    sql = _query(
        [_TOPICS.replace("{where}", where), _SECTIONS, _PHASES, _CHOSEN, _FACTS],
        users="%s",
        structure=structure,
    )
    params = [user.pk, *(topics or []), user.pk, user.pk]
    parts: dict[str, dict] = defaultdict(dict)
    chosen, facts, stamp = set(), None, 0
    for kind, _uid, ref, done, skipped, in_progress, day1, day2, text in _rows(sql, params):
        if kind == "chosen":
            chosen.add(ref)
        elif kind == "facts":
            facts, stamp = (done, in_progress, skipped, _day(day1), _day(day2), text), int(ref)
        else:
            parts[kind][ref] = Tally(0, done, skipped, in_progress)
    projects_done, projects_started, unseen, plan_start, latest_cohort_start, pace = facts or (
        (0, 0, 0, None, None, None)
    )
    figures = _figures(
        structure,
        user_id=user.pk,
        stamp=stamp,
        phase_counts=parts["phase"],
        chosen=frozenset(chosen),
        plan_input=PlanInput(
            saved_start=plan_start, saved_pace=pace, cohort_start=cohort_start or latest_cohort_start
        ),
        today=today,
        sections=parts["section"],
        topics=parts["topic"],
        projects=ProjectCounts(
            total=len(structure.projects),
            done=projects_done,
            in_progress=projects_started,
            unseen_reviews=unseen,
        ),
    )
    return figures


def _members(user_ids) -> tuple[str, list]:
    """SQL for the learners' ids, and its parameters: a queryset's own SQL, or placeholders."""
    if hasattr(user_ids, "query"):
        sql, params = user_ids.query.sql_with_params()
        return sql, list(params)
    user_ids = list(user_ids)
    return ", ".join(["%s"] * len(user_ids)) or "NULL", user_ids


def many_learner_figures(
    user_ids, structure: Structure, *, learners: Mapping[object, tuple[int, PlanInput, date]]
) -> dict[object, Figures]:
    """{key: figures} for many learners, in one query: their counts per phase and chosen sections.

    `learners` maps a key of the caller's (a membership) to (user id, plan
    input, the learner's today): one learner may appear under several keys,
    each with the plan of its own context (a cohort's start date). `user_ids`
    may be a subquery (the members of a cohort): a thousand ids as parameters
    cost SQLite more than the counting itself. Figures carry no section or
    topic counts.
    """
    members, params = _members(user_ids)
    sql = _query([_PHASES, _CHOSEN], users=members, structure=structure)
    counts: dict[int, dict[int, Tally]] = defaultdict(dict)
    chosen: dict[int, set[int]] = defaultdict(set)
    for kind, uid, ref, done, skipped, in_progress, *_rest in _rows(sql, params + params):
        if kind == "chosen":
            chosen[uid].add(ref)
        else:
            counts[uid][ref] = Tally(0, done, skipped, in_progress)
    schedules: dict = {}  # learners sharing a start date share their plan's dates
    return {
        key: _figures(
            structure,
            user_id=uid,
            phase_counts=counts.get(uid, {}),
            chosen=frozenset(chosen.get(uid, ())),
            plan_input=plan_input,
            today=today,
            schedules=schedules,
        )
        for key, (uid, plan_input, today) in learners.items()
    }

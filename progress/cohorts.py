"""Cohorts, read side: the cohort table, the mentor's overview, and a learner's cohort facts.

Whatever the number of learners, a cohort table costs four queries: the
roadmap's sections with their phases (leaf counts, timeline months), the
memberships (with each learner, their plan, their last activity as a correlated
MAX subquery and their project counts as filtered COUNTs), and the two grouped
counts of `progress.stats` (statuses per learner and section, chosen sections).
Everything after that is arithmetic on a few numbers per learner, with the
same functions as the learner's own dashboard (`stats.summarize`,
`plan.plan_report`), so a mentor sees the figures the learner sees.

Who may see what is asked through `Cohort.objects.visible_to(user)` and the
access helpers in `progress.views.cohorts`; nothing here checks permissions.
"""

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.timesince import timesince

from progress.activity import local_today
from progress.models import Activity, Cohort, LearningPlan, Membership, Pace, ProjectStatus
from progress.plan import PlanReport, PlanStatus, phase_facts, plan_report
from progress.stats import (
    RoadmapProgress,
    SectionInfo,
    Tally,
    chosen_sections,
    status_counts,
    summarize,
)
from roadmap.models import Phase, Section

# A learner who has changed nothing for this long has "gone quiet". Someone who
# never changed anything counts from when they signed up, so a newcomer who
# joined yesterday is not flagged, and one who signed up months ago is.
INACTIVE_AFTER = timedelta(days=14)


@dataclass(frozen=True)
class PhaseCell:
    phase: object
    tally: Tally

    @property
    def needs_path(self) -> bool:
        """An elective phase with no section chosen: nothing of it counts yet."""
        return self.phase.is_elective and not self.tally.leaves

    @property
    def percent(self) -> int:
        return self.tally.percent

    @property
    def width(self) -> str:
        """The bar's width as an SVG attribute (CSP forbids inline styles)."""
        return f"{self.tally.percent}%"


@dataclass
class LearnerRow:
    membership: Membership
    cells: list[PhaseCell]
    overall: Tally
    plan: PlanReport | None
    last_active: datetime | None
    projects_done: int
    projects_waiting: int
    inactive: bool

    @property
    def user(self):
        return self.membership.user

    @property
    def name(self) -> str:
        """The display name; the email only for someone who has not chosen a name."""
        return str(self.membership.user)

    @property
    def current_phase(self):
        """The first phase not yet completed on the learner's path; None when all are."""
        for cell in self.cells:
            if cell.needs_path or (cell.tally.leaves and not cell.tally.is_complete):
                return cell.phase
        return None

    @property
    def last_active_label(self) -> str:
        if self.last_active is None:
            return "Never"
        if timezone.now() - self.last_active < timedelta(minutes=1):
            return "Just now"
        return f"{timesince(self.last_active, depth=1)} ago"

    @property
    def is_behind(self) -> bool:
        return self.plan is not None and self.plan.status == PlanStatus.BEHIND

    @property
    def needs_review(self) -> bool:
        return self.projects_waiting > 0

    @property
    def plan_label(self) -> str:
        return self.plan.summary if self.plan else "No plan"

    @property
    def plan_rank(self) -> int | None:
        """Weeks behind the plan (negative when ahead), for sorting; None without a plan."""
        if self.plan is None:
            return None
        if self.plan.status == PlanStatus.BEHIND:
            return self.plan.weeks
        if self.plan.status == PlanStatus.AHEAD:
            return -self.plan.weeks
        if self.plan.status == PlanStatus.COMPLETE:
            return -10_000
        return 0


def annotated_memberships(cohort_ids):
    """Memberships of the cohorts with each learner, their saved plan, `last_active`,
    `projects_done` and `projects_waiting` (done, not yet reviewed). One query.

    The last activity is a correlated subquery rather than a MAX over a join, so
    it does not multiply the project rows being counted."""
    last_active = (
        Activity.objects.filter(user=OuterRef("user"))
        .order_by()
        .values("user")
        .annotate(last=Max("created_at"))
        .values("last")
    )
    done = Q(user__project_progress__status=ProjectStatus.DONE)
    return (
        Membership.objects.filter(cohort_id__in=list(cohort_ids))
        .select_related("user", "user__plan")
        .annotate(
            last_active=Subquery(last_active),
            projects_done=Count("user__project_progress", filter=done),
            projects_waiting=Count(
                "user__project_progress", filter=done & Q(user__project_progress__reviewed_at__isnull=True)
            ),
        )
        .order_by("cohort_id", "joined_at", "id")
    )


def _saved_plan(user):
    try:
        return user.plan  # selected with the membership: no query
    except LearningPlan.DoesNotExist:
        return None


def learner_row(
    membership: Membership, *, phases, progress: RoadmapProgress, default_start: date | None, now: datetime
) -> LearnerRow:
    """One learner's row from already fetched figures (no query)."""
    user = membership.user
    plan = _saved_plan(user)
    report = None
    if phases and (plan is not None or default_start is not None):
        report = plan_report(
            phase_facts(phases, progress),
            start_date=plan.start_date if plan else default_start,
            pace=plan.pace if plan else Pace.TWELVE_MONTHS,
            today=local_today(user, now),
            is_saved=plan is not None,
        )
    quiet_since = membership.last_active or user.date_joined
    return LearnerRow(
        membership=membership,
        cells=[PhaseCell(phase=phase, tally=progress.phases.get(phase.pk, Tally())) for phase in phases],
        overall=progress.overall,
        plan=report,
        last_active=membership.last_active,
        projects_done=membership.projects_done,
        projects_waiting=membership.projects_waiting,
        inactive=now - quiet_since >= INACTIVE_AFTER,
    )


def roadmap_outline():
    """(phases, sections) of the current roadmap in one query; ([], []) before one is loaded.

    Phases come out as `progress.plan.planning_phases()` gives them (roadmap
    selected, timeline months set); sections as `progress.stats.roadmap_sections()`
    gives them (leaf counts). One query over sections instead of one for each
    keeps the cohort table within its budget. Joining topics and timeline
    entries multiplies rows, which DISTINCT counting and MIN/MAX do not mind."""
    sections = list(
        Section.objects.filter(phase__in=Phase.objects.of_current_roadmap())
        .select_related("phase__roadmap")
        .annotate(
            leaf_count=Count("topics", filter=Q(topics__children__isnull=True), distinct=True),
            timeline_start_month=Min("phase__timeline_entries__start_month"),
            timeline_end_month=Max("phase__timeline_entries__end_month"),
        )
        .order_by("phase__number", "order", "id")
    )
    phases = {}
    for section in sections:
        phase = phases.setdefault(section.phase_id, section.phase)
        phase.timeline_start_month = section.timeline_start_month
        phase.timeline_end_month = section.timeline_end_month
    infos = [SectionInfo(s.pk, s.phase_id, s.phase.is_elective, s.leaf_count) for s in sections]
    return list(phases.values()), infos


def learner_rows(cohorts, *, now: datetime | None = None) -> tuple[list, dict[int, list[LearnerRow]]]:
    """(phases, {cohort id: rows}) for the given cohorts, in four queries in all."""
    now = now or timezone.now()
    start_dates = {cohort.pk: cohort.start_date for cohort in cohorts}
    phases, sections = roadmap_outline()
    memberships = list(annotated_memberships(start_dates.keys()))
    user_ids = {membership.user_id for membership in memberships}
    counts, chosen = {}, {}
    if phases and user_ids:
        # The members as a subquery, not a list of ids: with a thousand learners
        # SQLite took 0.8 s over a thousand-parameter IN list and 0.2 s this way.
        member_ids = Membership.objects.filter(cohort_id__in=start_dates.keys()).values("user_id")
        counts = status_counts(user_ids=member_ids, roadmap=phases[0].roadmap)
        chosen = chosen_sections(user_ids=member_ids)
    rows: dict[int, list[LearnerRow]] = {pk: [] for pk in start_dates}
    for membership in memberships:
        user_id = membership.user_id
        rows[membership.cohort_id].append(
            learner_row(
                membership,
                phases=phases,
                progress=summarize(sections, counts.get(user_id, {}), chosen.get(user_id, set())),
                default_start=start_dates[membership.cohort_id],
                now=now,
            )
        )
    return phases, rows


# The cohort table: sorting and filtering happen on the computed rows, server-side.


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    full_label: str = ""  # for screen readers and a tooltip, when `label` is abbreviated
    descending_first: bool = True  # most progress, most behind, most recent first


def _phase_sort_value(cell: PhaseCell):
    return None if cell.needs_path else cell.tally.percent


def table_columns(phases) -> list[Column]:
    return [
        Column("name", "Learner", descending_first=False),
        Column("overall", "Overall"),
        *(
            Column(f"phase-{phase.number}", f"P{phase.number}", f"Phase {phase.number}: {phase.title}")
            for phase in phases
        ),
        Column("current", "Now in", "Current phase", descending_first=False),
        Column("plan", "Plan"),
        Column("active", "Last active"),
        Column("done", "Projects", "Projects done"),
        Column("waiting", "To review", "Projects waiting for review"),
    ]


def _sort_value(row: LearnerRow, key: str):
    if key == "name":
        return row.name.casefold()
    if key == "overall":
        return row.overall.percent
    if key.startswith("phase-"):
        number = key.removeprefix("phase-")
        cell = next((cell for cell in row.cells if str(cell.phase.number) == number), None)
        return _phase_sort_value(cell) if cell else None
    if key == "current":
        phase = row.current_phase
        return phase.number if phase else 1_000  # finished learners after everyone still going
    if key == "plan":
        return row.plan_rank
    if key == "active":
        return row.last_active
    if key == "done":
        return row.projects_done
    if key == "waiting":
        return row.projects_waiting
    raise KeyError(key)


def parse_sort(value: str | None, columns: list[Column]) -> tuple[str, bool]:
    """("overall", True) from "-overall"; the learner's name, A to Z, for anything unknown."""
    value = value or ""
    descending = value.startswith("-")
    key = value.removeprefix("-")
    if key not in {column.key for column in columns}:
        return "name", False
    return key, descending


def sort_rows(rows: list[LearnerRow], key: str, *, descending: bool) -> list[LearnerRow]:
    """Rows by `key`, then by name; rows without a value (no plan, never active) always last."""
    by_name = sorted(rows, key=lambda row: (row.name.casefold(), row.membership.pk))
    present = [row for row in by_name if _sort_value(row, key) is not None]
    missing = [row for row in by_name if _sort_value(row, key) is None]
    present.sort(key=lambda row: _sort_value(row, key), reverse=descending)
    return present + missing


FILTERS = {
    "behind": ("Behind plan", lambda row: row.is_behind),
    "inactive": ("Inactive 14+ days", lambda row: row.inactive),
    "review": ("Needs review", lambda row: row.needs_review),
}


@dataclass(frozen=True)
class PhaseCompletion:
    phase: object
    finished: int
    of: int

    @property
    def width(self) -> str:
        return f"{100 * self.finished / self.of:.1f}%" if self.of else "0%"


def phase_completion(phases, rows: list[LearnerRow]) -> list[PhaseCompletion]:
    """How many learners finished each phase (every counted topic done or skipped)."""
    return [
        PhaseCompletion(
            phase=phase,
            finished=sum(1 for row in rows if row.cells[index].tally.is_complete),
            of=len(rows),
        )
        for index, phase in enumerate(phases)
    ]


# The mentor's home: one line per cohort.


@dataclass
class CohortSummary:
    cohort: Cohort
    rows: list[LearnerRow] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.rows)

    @property
    def median_progress(self) -> int | None:
        if not self.rows:
            return None
        return round(statistics.median(row.overall.percent for row in self.rows))

    @property
    def behind(self) -> int:
        return sum(row.is_behind for row in self.rows)

    @property
    def inactive(self) -> int:
        return sum(row.inactive for row in self.rows)

    @property
    def waiting(self) -> int:
        return sum(row.projects_waiting for row in self.rows)


def cohort_summaries(cohorts, *, now: datetime | None = None) -> list[CohortSummary]:
    """A summary of each cohort (five queries with the cohorts themselves, however many)."""
    cohorts = list(cohorts)
    _phases, rows = learner_rows(cohorts, now=now)
    return [CohortSummary(cohort=cohort, rows=rows[cohort.pk]) for cohort in cohorts]


# A learner's side.


def default_plan_start(user) -> date | None:
    """The start date of the learner's most recently joined cohort that has one (one query).

    It stands in for the plan's start while the learner has not saved a plan."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, cohort__start_date__isnull=False)
        .order_by("-joined_at", "-id")
        .values_list("cohort__start_date", flat=True)
        .first()
    )


# One learner, read-only: their topic trees grouped for the mentor's page.


@dataclass
class SectionTree:
    id: int
    title: str
    on_path: bool
    tally: Tally
    topics: list = field(default_factory=list)  # outline TopicRows, in reading order


@dataclass
class PhaseTree:
    number: int
    title: str
    slug: str
    tally: Tally
    sections: list[SectionTree] = field(default_factory=list)


def learner_trees(outline) -> list[PhaseTree]:
    """The learner's outline (`progress.outline.Outline`) grouped by phase and section (no query).

    Each topic keeps its `path`, whose length gives its depth in the tree."""
    phases: dict[int, PhaseTree] = {}
    sections: dict[int, SectionTree] = {}
    progress = outline.progress
    for topic in outline.topics:
        phase = phases.get(topic.phase_id)
        if phase is None:
            phase = phases[topic.phase_id] = PhaseTree(
                number=topic.phase_number,
                title=topic.phase_title,
                slug=topic.phase_slug,
                tally=progress.phases.get(topic.phase_id, Tally()),
            )
        section = sections.get(topic.section_id)
        if section is None:
            section = sections[topic.section_id] = SectionTree(
                id=topic.section_id,
                title=topic.section_title,
                on_path=topic.on_path,
                tally=progress.sections.get(topic.section_id, Tally()),
            )
            phase.sections.append(section)
        section.topics.append(topic)
    return list(phases.values())

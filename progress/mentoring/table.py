"""Cohorts, read side: the cohort table, its signals, and the mentor's overview of their cohorts.

Whatever the number of learners, the figures of a set of cohorts cost one
query besides the content version while none of their members changed (the
cohorts' fingerprints: the rows computed at the last look are kept, see
`_KEPT`), and two more when one did: the memberships (with each learner, their
saved plan, last activity, project counts, latest cohort start and what the
signals need) and the read model's per-phase counts for all of them
(`progress.figures.many_learner_figures`). A mentor sees the same figures the
learner sees, computed by the same code.

Signals, each a filter of the table and a chip in its "Signals" column:
- behind plan: the read model's plan status;
- inactive ("gone quiet"): nothing changed for 14 days (`INACTIVE_AFTER`);
- stuck: a topic in progress for 21 days or more without a change (`STUCK_AFTER`):
  the oldest `updated_at` of the learner's in-progress leaves (the status upsert
  keeps `updated_at` while the status stays the same);
- not started: joined the cohort 7 or more days ago with nothing marked
  (`NOT_STARTED_AFTER`): no topic or project in any status but "not started";
- needs review: a done project no mentor has reviewed.

Who may see what is asked through `Cohort.objects.visible_to(user)` and the
access helpers in `progress.mentoring.access`; nothing here checks permissions.
"""

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from progress.activity import local_today
from progress.figures import Figures, PlanInput, many_learner_figures
from progress.kept import Kept
from progress.mentoring.models import Cohort, Membership, Nudge
from progress.models import (
    Activity,
    ChangeStamp,
    LearningPlan,
    ProjectProgress,
    ProjectStatus,
    TopicProgress,
    TopicStatus,
)
from progress.plan import PlanStatus
from progress.presentation import machine_time, percent_width, site_datetime
from roadmap import structure as roadmap_structure

# A learner who has changed nothing for this long has "gone quiet". Someone who
# never changed anything counts from when they signed up, so a newcomer who
# joined yesterday is not flagged, and one who signed up months ago is.
INACTIVE_AFTER = timedelta(days=14)
# A topic in progress this long without a change: the learner is stuck on it.
STUCK_AFTER = timedelta(days=21)
# A member this long in the cohort with nothing marked has not started.
NOT_STARTED_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class LearnerRow:
    membership: Membership
    figures: Figures
    last_active: datetime | None
    projects_done: int
    projects_waiting: int
    inactive: bool
    # The oldest change among their topics in progress (None: no topic in progress).
    in_progress_since: datetime | None = None
    stuck: bool = False
    not_started: bool = False
    last_nudged_at: datetime | None = None
    now: datetime | None = None  # the moment the signals were computed for

    @property
    def user(self):
        return self.membership.user

    @property
    def name(self) -> str:
        """The display name; the email only for someone who has not chosen a name."""
        return str(self.membership.user)

    @property
    def cells(self):
        return self.figures.phases

    @property
    def overall(self):
        return self.figures.overall

    @property
    def plan(self):
        return self.figures.plan

    @property
    def current_phase(self):
        figure = self.figures.current_phase
        return figure.phase if figure else None

    @property
    def last_active_label(self) -> str:
        return _ago(self.last_active) if self.last_active else "Never"

    @property
    def last_nudged_label(self) -> str:
        return _ago(self.last_nudged_at).lower() if self.last_nudged_at else ""

    @property
    def is_behind(self) -> bool:
        return self.plan is not None and self.plan.status == PlanStatus.BEHIND

    @property
    def needs_review(self) -> bool:
        return self.projects_waiting > 0

    @property
    def stuck_weeks(self) -> int:
        """Whole weeks since the oldest topic in progress last changed (0 when none is)."""
        if self.in_progress_since is None:
            return 0
        return ((self.now or timezone.now()) - self.in_progress_since).days // 7

    @property
    def signals(self) -> list[tuple[str, str]]:
        """(filter key, short label) of every signal that applies, in the filters' order."""
        labels = {
            "behind": self.plan_label if self.is_behind else "",
            "inactive": "Inactive",
            "stuck": f"Stuck {self.stuck_weeks} weeks",
            "not_started": "Not started",
            "review": f"{self.projects_waiting} to review",
        }
        return [(key, labels[key]) for key, (_label, matches) in FILTERS.items() if matches(self)]

    @property
    def accepts_nudges(self) -> bool:
        return self.user.accept_nudges

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


def _ago(moment: datetime) -> str:
    if timezone.now() - moment < timedelta(minutes=1):
        return "Just now"
    return f"{timesince(moment, depth=1)} ago"


def annotated_memberships(cohort_ids, *, leaf_ids):
    """Memberships of the cohorts with each learner, their saved plan, `last_active`,
    `latest_cohort_start` (of any cohort they joined), `projects_done`,
    `projects_waiting` (done, not yet reviewed), `oldest_in_progress` (the
    oldest change among their topics in progress, of `leaf_ids` only: the
    current leaves, as the read model counts them), `has_marks` (any topic or
    project in a status other than "not started") and `last_nudged_at` (in
    this cohort). One query.

    The subqueries are correlated rather than a MAX over a join, so they do not
    multiply the project rows being counted. The leaves come from the cached
    structure rather than a "no child topic" test in SQL: without fresh table
    statistics PostgreSQL ran that test as a scan of every topic per row, and
    the memberships query took seven times as long."""
    # The latest row through the (user, -created_at) index, not a MAX over every row of
    # the learner's log: with 300 changes each, a thousand learners took 90 ms the other way.
    last_active = (
        Activity.objects.filter(user=OuterRef("user")).order_by("-created_at").values("created_at")[:1]
    )
    latest_cohort_start = (
        Membership.objects.filter(user=OuterRef("user"), cohort__start_date__isnull=False)
        .order_by("-joined_at", "-id")
        .values("cohort__start_date")[:1]
    )
    in_progress = TopicProgress.objects.filter(
        user=OuterRef("user"), status=TopicStatus.IN_PROGRESS, topic_id__in=list(leaf_ids)
    )
    marked_topic = TopicProgress.objects.filter(user=OuterRef("user")).exclude(status=TopicStatus.NOT_STARTED)
    marked_project = ProjectProgress.objects.filter(user=OuterRef("user")).exclude(
        status=ProjectStatus.NOT_STARTED
    )
    last_nudged = Nudge.objects.filter(
        learner=OuterRef("user"), cohort=OuterRef("cohort"), kind=Nudge.Kind.NUDGE
    ).order_by("-created_at")
    done = Q(user__project_progress__status=ProjectStatus.DONE)
    return (
        Membership.objects.filter(cohort_id__in=list(cohort_ids))
        .select_related("user", "user__plan", "cohort")
        .annotate(
            last_active=Subquery(last_active),
            latest_cohort_start=Subquery(latest_cohort_start),
            oldest_in_progress=Subquery(in_progress.order_by("updated_at").values("updated_at")[:1]),
            has_marks=Exists(marked_topic) | Exists(marked_project),
            last_nudged_at=Subquery(last_nudged.values("created_at")[:1]),
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


# A cohort's rows are computed once per state of its members and kept in this
# process: while the cohort's fingerprint (its members, and the sum of their change
# stamps, `progress.models.ChangeStamp`) and the content version stay the same, a
# mentor's page reads one row of sums instead of every learner's statuses. Any
# change to any member changes the fingerprint, in every process at once: nothing
# is ever invalidated, and nothing shown is older than the fingerprint just read.
# What depends on the time (gone quiet, stuck, not started) is worked out on every
# request; the plan's status depends on the day, so rows are kept a quarter of an
# hour at most (every time zone's day starts on a quarter hour). One entry per
# cohort, {cohort id: (fingerprint, rows)}, the least recently shown dropped first
# once they hold more than KEPT_LEARNERS rows (4.4 KB each, measured: 45 MB a process at most).
KEPT_LEARNERS = 10_000
_KEPT = Kept(limit=KEPT_LEARNERS, weigh=len)
KEPT_FOR = timedelta(minutes=15)

_FINGERPRINTS = """
    SELECT m.cohort_id, COUNT(*), SUM(m.id), SUM(COALESCE(s.value, 0))
    FROM {membership} m LEFT JOIN {stamp} s ON s.user_id = m.user_id
    WHERE m.cohort_id IN ({cohorts})
    GROUP BY m.cohort_id
"""


def _fingerprints(ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """{cohort id: (members, sum of membership ids, sum of their stamps)}; one query.

    Membership ids only grow, so members coming and going change the first two
    even when their stamps add up to the same."""
    sql = _FINGERPRINTS.format(
        membership=Membership._meta.db_table,
        stamp=ChangeStamp._meta.db_table,
        cohorts=", ".join(["%s"] * len(ids)),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return {cohort_id: tuple(int(value) for value in rest) for cohort_id, *rest in cursor.fetchall()}


def forget_kept_rows() -> None:
    """Drop the rows kept in this process (tests, whose rolled-back ids and stamps come back)."""
    _KEPT.clear()


def _member_facts(ids: list[int], structure, now: datetime) -> dict[int, list[dict]]:
    """{cohort id: what each member's row holds that the time does not change}; two queries."""
    memberships = list(annotated_memberships(ids, leaf_ids=[leaf.id for leaf in structure.leaves]))
    facts: dict[int, list[dict]] = {pk: [] for pk in ids}
    if not memberships:
        return facts
    learners = {}
    for membership in memberships:
        plan = _saved_plan(membership.user)
        # The plan's start as everywhere: their own, else this cohort's, else their latest cohort's.
        learners[membership.pk] = (
            membership.user_id,
            PlanInput(
                saved_start=plan.start_date if plan else None,
                saved_pace=plan.pace if plan else None,
                cohort_start=membership.cohort.start_date or membership.latest_cohort_start,
            ),
            local_today(membership.user, now),
        )
    # The members as a subquery, not a list of ids: with a thousand learners
    # SQLite took 0.8 s over a thousand-parameter IN list and 0.2 s this way.
    member_ids = Membership.objects.filter(cohort_id__in=ids).order_by().values("user_id")
    figures = many_learner_figures(member_ids, structure, learners=learners)
    for membership in memberships:
        facts[membership.cohort_id].append(
            {
                "membership": membership,
                "figures": figures[membership.pk],
                "last_active": membership.last_active,
                "projects_done": membership.projects_done,
                "projects_waiting": membership.projects_waiting,
                "in_progress_since": membership.oldest_in_progress,
                "last_nudged_at": membership.last_nudged_at,
                # What the signals are worked out from, request by request:
                "quiet_since": membership.last_active or membership.user.date_joined,
                "has_marks": membership.has_marks,
            }
        )
    return facts


def _row(facts: dict, now: datetime) -> LearnerRow:
    quiet_since, has_marks, since = facts["quiet_since"], facts["has_marks"], facts["in_progress_since"]
    membership = facts["membership"]
    return LearnerRow(
        membership=membership,
        figures=facts["figures"],
        last_active=facts["last_active"],
        projects_done=facts["projects_done"],
        projects_waiting=facts["projects_waiting"],
        inactive=now - quiet_since >= INACTIVE_AFTER,
        in_progress_since=since,
        stuck=since is not None and now - since >= STUCK_AFTER,
        not_started=not has_marks and now - membership.joined_at >= NOT_STARTED_AFTER,
        last_nudged_at=facts["last_nudged_at"],
        now=now,
    )


def learner_rows(cohorts, *, now: datetime | None = None) -> tuple[list, dict[int, list[LearnerRow]]]:
    """(phases, {cohort id: rows}) for the given cohorts.

    The content version and the cohorts' fingerprints (two queries) when every
    cohort's rows are kept; two more for those whose members changed since."""
    now = now or timezone.now()
    ids = [cohort.pk for cohort in cohorts]
    structure = roadmap_structure.current()
    rows: dict[int, list[LearnerRow]] = {pk: [] for pk in ids}
    if structure.roadmap is None or not ids:
        return list(structure.phases), rows
    fingerprints = _fingerprints(ids)
    quarter = int(now.timestamp() // KEPT_FOR.total_seconds())
    keys = {pk: (structure.version, fingerprints[pk], quarter) for pk in ids if pk in fingerprints}
    kept = {pk: facts for pk, key in keys.items() if (facts := _KEPT.get(pk, key)) is not None}
    missing = [pk for pk in keys if pk not in kept]
    if missing:
        for pk, facts in _member_facts(missing, structure, now).items():
            kept[pk] = facts
            _KEPT.put(pk, keys[pk], facts)
    for pk, facts in kept.items():
        rows[pk] = [_row(member, now) for member in facts]
    return list(structure.phases), rows


# The cohort table: sorting and filtering happen on the computed rows, server-side.


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    full_label: str = ""  # for screen readers and a tooltip, when `label` is abbreviated
    descending_first: bool = True  # most progress, most behind, most recent first


def table_columns(phases) -> list[Column]:
    return [
        Column("name", "Learner", descending_first=False),
        Column("signals", "Signals", "Signals: what may need you"),
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
    if key == "signals":
        return len(row.signals)
    if key == "overall":
        return row.overall.percent
    if key.startswith("phase-"):
        number = key.removeprefix("phase-")
        cell = next((cell for cell in row.cells if str(cell.phase.number) == number), None)
        return None if cell is None or cell.needs_path else cell.tally.percent
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
    values = [(_sort_value(row, key), row) for row in by_name]
    present = [(value, row) for value, row in values if value is not None]
    missing = [row for value, row in values if value is None]
    present.sort(key=lambda pair: pair[0], reverse=descending)
    return [row for _value, row in present] + missing


# The signals, as filters of the table: key (the `show` query parameter), label, test.
FILTERS = {
    "behind": ("Behind plan", lambda row: row.is_behind),
    "inactive": ("Inactive 14+ days", lambda row: row.inactive),
    "stuck": ("Stuck 21+ days", lambda row: row.stuck),
    "not_started": ("Not started", lambda row: row.not_started),
    "review": ("Needs review", lambda row: row.needs_review),
}


@dataclass(frozen=True)
class PhaseCompletion:
    phase: object
    finished: int
    of: int

    @property
    def width(self) -> str:
        return percent_width(self.finished, self.of)


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
    def stuck(self) -> int:
        return sum(row.stuck for row in self.rows)

    @property
    def not_started(self) -> int:
        return sum(row.not_started for row in self.rows)

    @property
    def waiting(self) -> int:
        return sum(row.projects_waiting for row in self.rows)


def cohort_summaries(cohorts, *, now: datetime | None = None) -> list[CohortSummary]:
    """A summary of each cohort (three queries with the cohorts themselves, however many)."""
    cohorts = list(cohorts)
    _phases, rows = learner_rows(cohorts, now=now)
    return [CohortSummary(cohort=cohort, rows=rows[cohort.pk]) for cohort in cohorts]


# The mentor's page of one learner: their topics in progress, with how long each has waited.


@dataclass(frozen=True)
class TopicInProgress:
    topic: object  # roadmap.structure.TopicNode
    phase: object  # roadmap.structure.PhaseNode
    since: datetime  # its last change
    now: datetime

    @property
    def days(self) -> int:
        return (self.now - self.since).days

    @property
    def stuck(self) -> bool:
        return self.now - self.since >= STUCK_AFTER

    @property
    def url(self) -> str:
        return f"{self.phase.url}#{self.topic.anchor}"


def topics_in_progress(user, structure, *, now: datetime | None = None) -> list[TopicInProgress]:
    """The learner's topics in progress, the longest unchanged first (one query).

    Current leaves only, as the read model counts them."""
    now = now or timezone.now()
    rows = (
        TopicProgress.objects.filter(user=user, status=TopicStatus.IN_PROGRESS)
        .order_by("updated_at", "topic_id")
        .values_list("topic_id", "updated_at")
    )
    found = []
    for topic_id, updated_at in rows:
        topic = structure.topic_by_id.get(topic_id)
        if topic is not None and topic.is_leaf:
            found.append(
                TopicInProgress(
                    topic=topic, phase=structure.phase_by_id[topic.phase_id], since=updated_at, now=now
                )
            )
    return found


# Drawing the table's rows: a page of a hundred learners is some 2,000 cells, which the
# template engine took most of the page's time to draw. Built here as strings: names and
# labels escaped, everything else numbers, dates and the site's own addresses.


def rows_html(rows: list[LearnerRow], *, cohort) -> SafeString:
    """The <tr> of each row, for the cohort page's table (its columns: table_columns)."""
    pattern = reverse("cohorts:learner", kwargs={"pk": cohort.pk, "user_id": 4321})
    before, after = pattern.split("4321")
    can_write = getattr(cohort, "can_write", False)
    return mark_safe("".join(_row_html(row, f"{before}{row.user.pk}{after}", can_write) for row in rows))  # noqa: S308


def _row_html(row: LearnerRow, url: str, can_write: bool) -> str:
    uid, name = row.user.pk, escape(row.name)
    cells = []
    if can_write:
        if row.accepts_nudges:
            pick = (
                f'<input type="checkbox" name="learner" value="{uid}" id="pick-{uid}" form="nudge-form" '
                f'class="cohort-table__check"><label for="pick-{uid}" class="visually-hidden">Select {name}</label>'
            )
        else:
            pick = (
                '<span class="cohort-table__off" title="Turned nudges off">off</span>'
                f'<span class="visually-hidden">: {name} turned nudges off</span>'
            )
        cells.append(f'<td class="cohort-table__pick">{pick}</td>')
    cells.append(f'<th scope="row" class="cohort-table__name"><a href="{url}">{name}</a></th>')
    signals = (
        "".join(f'<span class="signal signal--{key}">{escape(label)}</span>' for key, label in row.signals)
        or '<span class="muted">—</span><span class="visually-hidden">none</span>'
    )
    if row.last_nudged_at:
        signals += (
            f'<span class="cohort-table__nudged">nudged <time datetime="{machine_time(row.last_nudged_at)}">'
            f"{escape(row.last_nudged_label)}</time></span>"
        )
    cells.append(f'<td class="cohort-table__signals">{signals}</td>')
    cells.append(f'<td class="cohort-table__num"><strong>{row.overall.percent}%</strong></td>')
    for cell in row.cells:
        if cell.needs_path:
            inner = (
                '<span class="muted" title="No path chosen yet">—</span>'
                '<span class="visually-hidden">no path chosen</span>'
            )
        else:
            percent = cell.tally.percent
            inner = f'<svg class="mini-bar" aria-hidden="true"><rect width="{percent}%" height="100%"/></svg>{percent}%'
        cells.append(f'<td class="cohort-table__phase">{inner}</td>')
    phase = row.current_phase
    cells.append(f"<td>{f'Phase {phase.number}' if phase else 'Finished'}</td>")
    status = row.plan.status if row.plan else "none"
    cells.append(f'<td><span class="plan-chip plan-chip--{status}">{escape(row.plan_label)}</span></td>')
    quiet = " cohort-table__when--quiet" if row.inactive else ""
    if row.last_active:
        when = (
            f'<time datetime="{machine_time(row.last_active)}" title="{site_datetime(row.last_active)}">'
            f"{escape(row.last_active_label)}</time>"
        )
    else:
        when = "Never"
    if row.inactive:
        when += '<span class="visually-hidden"> (inactive for 14 days or more)</span>'
    cells.append(f'<td class="cohort-table__when{quiet}">{when}</td>')
    cells.append(f'<td class="cohort-table__num">{row.projects_done}</td>')
    if row.projects_waiting:
        waiting = (
            f'<a href="{url}#projects" class="pill pill--warn">{row.projects_waiting}'
            f'<span class="visually-hidden"> to review for {name}</span></a>'
        )
    else:
        waiting = "0"
    cells.append(f'<td class="cohort-table__num">{waiting}</td>')
    return f"<tr>{''.join(cells)}</tr>"

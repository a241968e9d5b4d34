"""A learner's personal plan: target dates per phase, and whether they keep up with it.

The arithmetic (everything above `plan_for`) is pure: dates and phase figures
in, dates and figures out, no database.

Paces
-----
- 12 months (`Pace.TWELVE_MONTHS`) follows the roadmap's Learning Path
  Timeline. An entry "Month a-b" gives each of its phases the window from
  a-1 to b months after the start date, so "Month 1-2" is the first two
  months. A phase named by several entries spans all of them. Phases that
  share a window (Phase 6 and Phase 7 in months 11-12) progress in parallel
  over it.
- Steady (`Pace.STEADY`) takes the upper end of each phase's stated duration,
  one phase after another: Phase 1 months 0-3, Phase 2 months 3-6, and so on.

A phase without an end (Phase 8 "Choose Your Path": "Ongoing" in the
timeline, no stated duration) is *ongoing*: it starts when the dated phases
end, never ends, and is left out of the expectations below.

Months are calendar months (a plan started on 31 January reaches month 1 on
28 or 29 February); windows run from their start date up to, not including,
their end date.

On track, ahead, behind
-----------------------
- expected(d): the leaves the plan expects completed on day d, the sum over
  dated phases of (leaves x the fraction of the phase's window elapsed at d),
  growing linearly day by day from 0 at the window's start to all of its
  leaves at its end.
- actual: the learner's completed leaves (done + skipped, as in
  `progress.stats`) in the dated phases.
- D: the first day on which the plan expected `actual` leaves completed
  (never before the start date).
- lag = D - today. When D is at least a week after today the learner is
  *ahead* by lag // 7 whole weeks; when D is at least a week before today they
  are *behind* by (-lag) // 7 whole weeks; within a week either way they are
  *on track*. So "behind" means fewer leaves completed than the plan expected
  a full week ago, and "ahead" means at least as many as it expects a week
  from now.
- Before the start date the plan is *upcoming*; once every leaf of the dated
  phases is completed it is *complete*.
"""

import calendar
import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from django.db.models import Max, Min
from django.utils.dateformat import format as format_date

from progress.activity import local_today
from progress.models import LearningPlan, Pace
from progress.stats import learner_progress
from roadmap.models import Phase

# The plan form's range: plans started long ago or far ahead are typing mistakes.
EARLIEST_START = date(2000, 1, 1)
LATEST_START_MONTHS_AHEAD = 24


class PlanStatus(enum.StrEnum):
    UPCOMING = "upcoming"
    ON_TRACK = "on_track"
    AHEAD = "ahead"
    BEHIND = "behind"
    COMPLETE = "complete"


@dataclass(frozen=True)
class PhaseFacts:
    """What the plan needs to know about one phase, and the learner's figures for it."""

    id: int
    number: int
    title: str
    slug: str
    leaves: int = 0
    completed: int = 0
    duration_max_months: int | None = None
    # The Learning Path Timeline's months for this phase (None: ongoing or not in it).
    timeline_start_month: int | None = None
    timeline_end_month: int | None = None


@dataclass(frozen=True)
class PhaseTarget:
    phase: PhaseFacts
    start: date
    end: date | None  # exclusive; None for an ongoing phase

    @property
    def is_ongoing(self) -> bool:
        return self.end is None

    @property
    def last_day(self) -> date | None:
        """The window's last day, for display (`end` is the day after)."""
        return self.end - timedelta(days=1) if self.end else None

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def fraction_elapsed(self, day: date) -> Fraction:
        if self.end is None:
            return Fraction(0)
        if day >= self.end:
            return Fraction(1)
        if day <= self.start:
            return Fraction(0)
        return Fraction((day - self.start).days, (self.end - self.start).days)


@dataclass(frozen=True)
class PlanReport:
    start_date: date
    pace: str
    today: date
    targets: tuple[PhaseTarget, ...]
    expected: Fraction
    actual: int
    planned_leaves: int
    status: PlanStatus
    weeks: int = 0
    # False when the start date is a default (a cohort's), not a plan the learner saved.
    is_saved: bool = True

    @property
    def pace_label(self) -> str:
        return Pace(self.pace).label

    @property
    def current(self) -> list[PhaseTarget]:
        """The phases the learner should be in today (two where windows are shared)."""
        return [target for target in self.targets if target.contains(self.today)]

    @property
    def end_date(self) -> date | None:
        """The day after the last dated phase ends."""
        ends = [target.end for target in self.targets if target.end]
        return max(ends) if ends else None

    @property
    def expected_leaves(self) -> int:
        return math.floor(self.expected)

    @property
    def summary(self) -> str:
        """The status in a few words: "On track", "3 weeks behind"."""
        if self.status == PlanStatus.UPCOMING:
            return f"Starts on {format_date(self.start_date, 'j F Y')}"
        if self.status == PlanStatus.COMPLETE:
            return "Every planned phase completed"
        if self.status == PlanStatus.ON_TRACK:
            return "On track"
        unit = "week" if self.weeks == 1 else "weeks"
        return f"{self.weeks} {unit} {self.status.value}"


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_start(today: date) -> date:
    return add_months(today, LATEST_START_MONTHS_AHEAD)


def month_windows(phases: Iterable[PhaseFacts], pace: str) -> dict[int, tuple[int, int | None]]:
    """{phase id: (start month, end month or None)}, as months after the plan's start."""
    phases = sorted(phases, key=lambda phase: phase.number)
    windows: dict[int, tuple[int, int | None]] = {}
    if pace == Pace.STEADY:
        month = 0
        for phase in phases:
            if phase.duration_max_months is None:
                continue
            windows[phase.id] = (month, month + phase.duration_max_months)
            month += phase.duration_max_months
    elif pace == Pace.TWELVE_MONTHS:
        for phase in phases:
            if phase.timeline_start_month is not None and phase.timeline_end_month is not None:
                windows[phase.id] = (phase.timeline_start_month - 1, phase.timeline_end_month)
    else:
        raise ValueError(f"Unknown pace {pace!r}")
    plan_end = max((end for _start, end in windows.values() if end is not None), default=0)
    for phase in phases:
        windows.setdefault(phase.id, (plan_end, None))
    return windows


def phase_targets(phases: Iterable[PhaseFacts], *, start_date: date, pace: str) -> tuple[PhaseTarget, ...]:
    """Every phase's target window as dates, in phase order."""
    phases = sorted(phases, key=lambda phase: phase.number)
    windows = month_windows(phases, pace)
    targets = []
    for phase in phases:
        first, last = windows[phase.id]
        end = add_months(start_date, last) if last is not None else None
        targets.append(PhaseTarget(phase=phase, start=add_months(start_date, first), end=end))
    return tuple(targets)


def expected_completed(targets: Iterable[PhaseTarget], day: date) -> Fraction:
    """Leaves the plan expects completed on `day` (see the module docstring)."""
    return sum(
        (target.phase.leaves * target.fraction_elapsed(day) for target in targets if target.end),
        Fraction(0),
    )


def expected_day(targets: tuple[PhaseTarget, ...], count: int, *, start_date: date) -> date:
    """The first day on which the plan expects `count` leaves completed (never before the start).

    expected() is linear between the windows' starts and ends, so it is enough
    to find the two boundaries around `count` and interpolate between them."""
    boundaries = sorted(
        {start_date} | {t.start for t in targets if t.end} | {t.end for t in targets if t.end}
    )
    previous_day, previous_value = start_date, expected_completed(targets, start_date)
    if count <= previous_value:
        return start_date
    for day in boundaries:
        value = expected_completed(targets, day)
        if value >= count:
            days = (count - previous_value) / (value - previous_value) * (day - previous_day).days
            return previous_day + timedelta(days=math.ceil(days))
        previous_day, previous_value = day, value
    return previous_day  # more than the plan holds: it expected them all by its end


def plan_report(
    phases: Iterable[PhaseFacts], *, start_date: date, pace: str, today: date, is_saved: bool = True
) -> PlanReport:
    """Target dates per phase, and where the learner stands against them on `today`."""
    targets = phase_targets(phases, start_date=start_date, pace=pace)
    dated = [target for target in targets if target.end]
    planned = sum(target.phase.leaves for target in dated)
    actual = sum(min(target.phase.completed, target.phase.leaves) for target in dated)
    expected = expected_completed(dated, today)
    weeks = 0
    if today < start_date:
        status = PlanStatus.UPCOMING
    elif not planned:
        status = PlanStatus.ON_TRACK  # no dated phase (no timeline loaded): nothing to keep up with
    elif actual >= planned:
        status = PlanStatus.COMPLETE
    else:
        lag = (expected_day(targets, actual, start_date=start_date) - today).days
        if lag >= 7:
            status, weeks = PlanStatus.AHEAD, lag // 7
        elif lag <= -7:
            status, weeks = PlanStatus.BEHIND, -lag // 7
        else:
            status = PlanStatus.ON_TRACK
    return PlanReport(
        start_date=start_date,
        pace=pace,
        today=today,
        targets=targets,
        expected=expected,
        actual=actual,
        planned_leaves=planned,
        status=status,
        weeks=weeks,
        is_saved=is_saved,
    )


# Reading the database: the phases with their timeline months, and a learner's plan.


def planning_phases(roadmap=None):
    """The phases of `roadmap` (default: the current one), in order, each annotated
    with `timeline_start_month` / `timeline_end_month` from the timeline entries
    that name it, and with its roadmap selected (one query)."""
    phases = Phase.objects.of_current_roadmap() if roadmap is None else Phase.objects.filter(roadmap=roadmap)
    return (
        phases.select_related("roadmap")
        .annotate(
            timeline_start_month=Min("timeline_entries__start_month"),
            timeline_end_month=Max("timeline_entries__end_month"),
        )
        .order_by("number")
    )


def phase_facts(phases, progress) -> list[PhaseFacts]:
    """PhaseFacts from `planning_phases()` rows and a `progress.stats.RoadmapProgress`."""
    facts = []
    for phase in phases:
        tally = progress.phases.get(phase.pk)
        facts.append(
            PhaseFacts(
                id=phase.pk,
                number=phase.number,
                title=phase.title,
                slug=phase.slug,
                leaves=tally.leaves if tally else 0,
                completed=tally.completed if tally else 0,
                duration_max_months=phase.duration_max_months,
                timeline_start_month=phase.timeline_start_month,
                timeline_end_month=phase.timeline_end_month,
            )
        )
    return facts


def plan_for(user, *, default_start: date | None = None, default_pace: str = Pace.TWELVE_MONTHS, today=None):
    """The learner's PlanReport, or None when they have no plan and no default start.

    `default_start` (a cohort's start date, say) stands in when the learner has
    not saved a plan of their own; the report then has `is_saved` False.
    `today` defaults to the learner's own date in their time zone.
    Five queries: the plan, the phases, and `learner_progress`'s three.
    """
    plan = LearningPlan.objects.filter(user=user).first()
    if plan is not None:
        start_date, pace, is_saved = plan.start_date, plan.pace, True
    elif default_start is not None:
        start_date, pace, is_saved = default_start, default_pace, False
    else:
        return None
    phases = list(planning_phases())
    if not phases:
        return None
    progress = learner_progress(user=user, roadmap=phases[0].roadmap)
    return plan_report(
        phase_facts(phases, progress),
        start_date=start_date,
        pace=pace,
        today=today or local_today(user),
        is_saved=is_saved,
    )


def timeline_plan_dates(user, entries) -> PlanReport | None:
    """Set `plan_start` and `plan_last_day` (None when ongoing) on each timeline entry
    from the learner's plan, for the overview's timeline.

    `entries` must have their `phases` prefetched. Returns the plan's report
    (without progress figures), or None, leaving every `plan_start` None, for
    anonymous visitors and learners without a plan. At most two queries.
    """
    entries = list(entries)
    for entry in entries:
        entry.plan_start = entry.plan_last_day = None
    if not user.is_authenticated:
        return None
    plan = LearningPlan.objects.filter(user=user).first()
    if plan is None:
        return None
    phases = list(planning_phases())
    facts = [
        PhaseFacts(
            id=phase.pk,
            number=phase.number,
            title=phase.title,
            slug=phase.slug,
            duration_max_months=phase.duration_max_months,
            timeline_start_month=phase.timeline_start_month,
            timeline_end_month=phase.timeline_end_month,
        )
        for phase in phases
    ]
    targets = {
        target.phase.id: target for target in phase_targets(facts, start_date=plan.start_date, pace=plan.pace)
    }
    for entry in entries:
        mine = [targets[phase.pk] for phase in entry.phases.all() if phase.pk in targets]
        if not mine:
            continue
        entry.plan_start = min(target.start for target in mine)
        ends = [target.end for target in mine]
        entry.plan_last_day = None if None in ends else max(ends) - timedelta(days=1)
    return plan_report(facts, start_date=plan.start_date, pace=plan.pace, today=local_today(user))

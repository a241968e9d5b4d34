"""A learner's personal plan: target dates per phase, and whether they keep up with it.

Pure arithmetic: dates and phase figures in, dates and figures out, no
database. The figures come from `progress.figures`, which calls `plan_report`.

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
  `progress.figures`) in the dated phases.
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

from django.utils.formats import date_format

from progress.models import Pace

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
            return f"Starts on {date_format(self.start_date)}"
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
    phases: Iterable[PhaseFacts],
    *,
    start_date: date,
    pace: str,
    today: date,
    is_saved: bool = True,
    schedules: dict | None = None,
) -> PlanReport:
    """Target dates per phase, and where the learner stands against them on `today`.

    `schedules`, a dict the caller keeps, shares the date arithmetic between
    learners with the same start, pace and phase sizes (a cohort counted from
    its start date): only their completed counts differ."""
    phases = sorted(phases, key=lambda phase: phase.number)
    key = (start_date, pace, today, tuple((phase.id, phase.leaves) for phase in phases))
    schedule = schedules.get(key) if schedules is not None else None
    if schedule is None:
        schedule = _Schedule(phase_targets(phases, start_date=start_date, pace=pace), start_date, today)
        if schedules is not None:
            schedules[key] = schedule
    targets = tuple(
        PhaseTarget(phase=phase, start=target.start, end=target.end)
        for phase, target in zip(phases, schedule.targets, strict=True)
    )
    dated = [target for target in targets if target.end]
    actual = sum(min(target.phase.completed, target.phase.leaves) for target in dated)
    weeks = 0
    if today < start_date:
        status = PlanStatus.UPCOMING
    elif not schedule.planned:
        status = PlanStatus.ON_TRACK  # no dated phase (no timeline loaded): nothing to keep up with
    elif actual >= schedule.planned:
        status = PlanStatus.COMPLETE
    else:
        lag = (schedule.expected_day(actual) - today).days
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
        expected=schedule.expected,
        actual=actual,
        planned_leaves=schedule.planned,
        status=status,
        weeks=weeks,
        is_saved=is_saved,
    )


class _Schedule:
    """What a plan expects, whoever follows it: the dates, and the day each count is due."""

    def __init__(self, targets: tuple[PhaseTarget, ...], start_date: date, today: date):
        self.targets = targets
        self.start_date = start_date
        dated = [target for target in targets if target.end]
        self.planned = sum(target.phase.leaves for target in dated)
        self.expected = expected_completed(dated, today)
        self._days: dict[int, date] = {}

    def expected_day(self, count: int) -> date:
        if count not in self._days:
            self._days[count] = expected_day(self.targets, count, start_date=self.start_date)
        return self._days[count]


def plan_targets(phases: Iterable[PhaseFacts], *, start_date: date, pace: str) -> dict[int, PhaseTarget]:
    """{phase id: target window}, for showing a plan's dates without any progress (the timeline)."""
    return {target.phase.id: target for target in phase_targets(phases, start_date=start_date, pace=pace)}

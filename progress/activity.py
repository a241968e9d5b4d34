"""What a learner did when, from the append-only Activity log: last active, streak, heatmap.

Days are the learner's own (`user.time_zone`): a change at 23:30 UTC falls on
the next day for a learner in Asia/Tokyo and on the same day for one in
America/New_York. The database groups the log by local day in one query
(`TruncDate(..., tzinfo=...)`); everything after that is arithmetic on a
{date: count} dict.
"""

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Max
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.dateformat import format as format_date

from progress.models import Activity

HEATMAP_WEEKS = 26
# Heatmap geometry (SVG user units): square cells on a 14-unit grid, room for
# weekday labels on the left and month labels on top.
CELL, STEP, LEFT, TOP = 11, 14, 30, 16
# Changes per day at which a cell gets darker: 1, 3, 6 and 10 or more.
LEVELS = (1, 3, 6, 10)


def learner_zone(user) -> zoneinfo.ZoneInfo:
    """The learner's time zone; UTC when it is unset or this system does not know it."""
    try:
        return zoneinfo.ZoneInfo(user.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_today(user, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(learner_zone(user)).date()


def daily_counts(user, *, since: date | None = None) -> dict[date, int]:
    """{local day: changes} for the days the learner changed something (one query).

    Without `since`, the whole history: a streak can be older than any window,
    and one row per active day stays small."""
    zone = learner_zone(user)
    rows = Activity.objects.filter(user=user)
    if since is not None:
        rows = rows.filter(created_at__gte=datetime.combine(since, datetime.min.time(), tzinfo=zone))
    rows = rows.annotate(day=TruncDate("created_at", tzinfo=zone)).values("day").annotate(n=Count("id"))
    return {row["day"]: row["n"] for row in rows.order_by("day")}


def last_active(user) -> datetime | None:
    """When the learner last changed a status (one query)."""
    return Activity.objects.filter(user=user).aggregate(last=Max("created_at"))["last"]


def streak(days: Iterable[date], today: date) -> int:
    """Consecutive days with a change, ending today or, when today has none yet, yesterday."""
    active = set(days)
    day = today if today in active else today - timedelta(days=1)
    count = 0
    while day in active:
        count += 1
        day -= timedelta(days=1)
    return count


def level(count: int) -> int:
    """0 (nothing) to 4 (busiest), for the cell's shade."""
    return sum(count >= threshold for threshold in LEVELS)


@dataclass(frozen=True)
class HeatCell:
    day: date
    count: int
    x: int
    y: int

    @property
    def level(self) -> int:
        return level(self.count)

    @property
    def label(self) -> str:
        if not self.count:
            return f"No changes on {format_date(self.day, 'l j F Y')}"
        return f"{self.count} change{'' if self.count == 1 else 's'} on {format_date(self.day, 'l j F Y')}"


@dataclass(frozen=True)
class AxisLabel:
    text: str
    x: int
    y: int


@dataclass
class Heatmap:
    first_day: date
    today: date
    cells: list[HeatCell] = field(default_factory=list)
    months: list[AxisLabel] = field(default_factory=list)
    weekdays: list[AxisLabel] = field(default_factory=list)
    width: int = LEFT + HEATMAP_WEEKS * STEP
    height: int = TOP + 7 * STEP

    @property
    def active_cells(self) -> list[HeatCell]:
        """The days with changes, latest first (the table beside the chart)."""
        return sorted((cell for cell in self.cells if cell.count), key=lambda cell: cell.day, reverse=True)

    @property
    def total(self) -> int:
        return sum(cell.count for cell in self.cells)


def heatmap(counts: dict[date, int], today: date, *, weeks: int = HEATMAP_WEEKS) -> Heatmap:
    """A weeks x 7 grid of days, one column per week (Monday on top), ending with today's week.

    Days after today in the last column are left out."""
    first_day = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    result = Heatmap(first_day=first_day, today=today, width=LEFT + weeks * STEP)
    for column in range(weeks):
        monday = first_day + timedelta(weeks=column)
        for row in range(7):
            day = monday + timedelta(days=row)
            if day > today:
                break
            result.cells.append(
                HeatCell(day=day, count=counts.get(day, 0), x=LEFT + column * STEP, y=TOP + row * STEP)
            )
        # A month's name over the week holding its first day; the first column is
        # labelled unless the next month's name would collide with it.
        first_of_month = next(
            (monday + timedelta(days=d) for d in range(7) if (monday + timedelta(days=d)).day == 1), None
        )
        if first_of_month is not None or column == 0:
            label = AxisLabel(text=f"{(first_of_month or monday):%b}", x=LEFT + column * STEP, y=TOP - 5)
            if result.months and result.months[-1].x > label.x - 3 * STEP:
                result.months.pop()
            result.months.append(label)
    result.weekdays = [
        AxisLabel(text=name, x=0, y=TOP + row * STEP + CELL - 1)
        for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri"))
    ]
    return result


@dataclass(frozen=True)
class ActivitySummary:
    today: date
    streak: int
    heatmap: Heatmap
    active_days: int

    @property
    def streak_label(self) -> str:
        return f"{self.streak} day{'' if self.streak == 1 else 's'}"


def activity_summary(user, *, now: datetime | None = None) -> ActivitySummary:
    """Streak and heatmap in the learner's time zone (one query)."""
    today = local_today(user, now)
    counts = daily_counts(user)
    grid = heatmap(counts, today)
    return ActivitySummary(
        today=today,
        streak=streak(counts, today),
        heatmap=grid,
        active_days=sum(1 for cell in grid.cells if cell.count),
    )

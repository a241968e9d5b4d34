"""How figures are drawn: progress bars and the activity heatmap, as SVG geometry and words.

Nothing here reads the database or counts anything; it draws what
`progress.figures` and `progress.activity` computed. Geometry goes into SVG
attributes, because the CSP forbids inline styles.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.dateformat import format as format_date
from django.utils.formats import date_format


@dataclass(frozen=True, slots=True)
class Bar:
    """Widths (percent of the bar, as SVG attributes) of a stacked progress bar, and its words."""

    label: str
    done: str
    skipped: str
    skipped_x: str
    in_progress: str
    in_progress_x: str

    @classmethod
    def of(cls, tally, name: str) -> "Bar":
        def width(count):
            return 100 * count / tally.leaves if tally.leaves else 0.0

        done, skipped, started = width(tally.done), width(tally.skipped), width(tally.in_progress)
        label = (
            f"{name}: {tally.percent}% completed ({tally.done} done, {tally.skipped} skipped, "
            f"{tally.in_progress} in progress, of {tally.leaves} topics)"
        )
        return cls(
            label=label,
            done=f"{done:.2f}",
            skipped=f"{skipped:.2f}",
            skipped_x=f"{done:.2f}",
            in_progress=f"{started:.2f}",
            in_progress_x=f"{done + skipped:.2f}",
        )


def percent_width(part: int, whole: int) -> str:
    """A share as an SVG width ("37.5%"): the cohort table's mini bars, the completion chart."""
    return f"{100 * part / whole:.1f}%" if whole else "0%"


# The activity heatmap.

HEATMAP_WEEKS = 26
# Square cells on a 14-unit grid, room for weekday labels on the left and month labels on top.
CELL, STEP, LEFT, TOP = 11, 14, 30, 16
# Changes per day at which a cell gets darker: 1, 3, 6 and 10 or more.
LEVELS = (1, 3, 6, 10)


def level(count: int) -> int:
    """0 (nothing) to 4 (busiest), for the cell's shade."""
    return sum(count >= threshold for threshold in LEVELS)


@dataclass(frozen=True, slots=True)
class HeatCell:
    day: date
    count: int
    x: int
    y: int

    @property
    def level(self) -> int:
        return level(self.count)

    @property
    def when(self) -> str:
        """ "Monday, 3 Mar 2026": the weekday, then the date as the site writes dates."""
        return f"{format_date(self.day, 'l')}, {date_format(self.day)}"

    @property
    def label(self) -> str:
        if not self.count:
            return f"No changes on {self.when}"
        return f"{self.count} change{'' if self.count == 1 else 's'} on {self.when}"


@dataclass(frozen=True, slots=True)
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
    def active_days(self) -> int:
        return sum(1 for cell in self.cells if cell.count)

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

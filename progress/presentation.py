"""How figures are drawn: progress bars, the activity heatmap and weekly strip, as SVG geometry and words.

Nothing here reads the database or counts anything; it draws what
`progress.figures` and `progress.activity` computed. Geometry goes into SVG
attributes, because the CSP forbids inline styles.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


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

    def _svg(self, big: bool) -> SafeString:
        # Drawn here rather than by an include: a dashboard has nine of them. The label (a
        # section's title among the figures) is escaped; the widths are numbers.
        return mark_safe(  # noqa: S308
            f'<svg class="bar{" bar--big" if big else ""}" viewBox="0 0 100 10" preserveAspectRatio="none" '
            f'role="img" aria-label="{escape(self.label)}" focusable="false">'
            '<rect class="bar__track" width="100" height="10" rx="0"/>'
            f'<rect class="bar__done" width="{self.done}" height="10"/>'
            f'<rect class="bar__skipped" x="{self.skipped_x}" width="{self.skipped}" height="10"/>'
            f'<rect class="bar__in-progress" x="{self.in_progress_x}" width="{self.in_progress}" height="10"/>'
            "</svg>"
        )

    @property
    def svg(self) -> SafeString:
        """The stacked bar (done, skipped, in progress), its figure in words for screen readers."""
        return self._svg(big=False)

    @property
    def svg_big(self) -> SafeString:
        return self._svg(big=True)


def phase_bars(phases, *, no_path: str, in_page: bool = False) -> SafeString:
    """One bar per phase (`progress.figures.PhaseFigure`s) with its figure in words, and the
    legend: the dashboard, the shared page and the mentor's page of a learner. `in_page` links
    each phase to its #phase-N anchor on the same page; `no_path` stands for the figure of an
    elective phase with no path chosen."""
    items = []
    for figure in phases:
        phase, tally = figure.phase, figure.tally
        url = f"#phase-{phase.number}" if in_page else phase.get_absolute_url()
        if figure.needs_path:
            text = f'<span class="phase-bar__figure muted">{escape(no_path)}</span>'
            bar = ""
        else:
            text = (
                f'<span class="phase-bar__figure">{tally.percent}% '
                f'<span class="muted">· {tally.completed}/{tally.leaves}</span></span>'
            )
            bar = figure.bar.svg
        detail = ""
        if tally.skipped or tally.in_progress:
            detail = f"{tally.done} done"
            if tally.skipped:
                detail += f", {tally.skipped} skipped"
            if tally.in_progress:
                detail += f", {tally.in_progress} in progress"
            detail = f'<p class="phase-bar__detail small muted">{detail}</p>'
        items.append(
            f'<li class="phase-bar"><p class="phase-bar__head"><a href="{escape(url)}">Phase {phase.number}: '
            f"{escape(phase.title)}</a> {text}</p>{bar}{detail}</li>"
        )
    return mark_safe(  # noqa: S308 - titles escaped, the rest numbers and the site's own addresses
        f'<ol class="phase-bars">{"".join(items)}</ol>'
        '<p class="bar-legend small" aria-hidden="true">'
        '<span class="bar-legend__item bar-legend__item--done">Done</span> '
        '<span class="bar-legend__item bar-legend__item--skipped">Skipped</span> '
        '<span class="bar-legend__item bar-legend__item--in-progress">In progress</span></p>'
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


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def machine_time(moment: datetime) -> str:
    """A moment for a <time datetime>, in the site's time zone: "2026-03-03T14:05:00+0000"."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M:%S%z")


def site_datetime(moment: datetime) -> str:
    """ "3 Mar 2026, 14:05": the site's DATETIME_FORMAT, in its time zone."""
    local = timezone.localtime(moment)
    return f"{site_date(local)}, {local:%H:%M}"


def site_date(day: date) -> str:
    """ "3 Mar 2026": the site's date format ("j M Y", config/formats), without the template engine."""
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def level(count: int) -> int:
    """0 (nothing) to 4 (busiest), for the cell's shade."""
    return sum(count >= threshold for threshold in LEVELS)


@dataclass(frozen=True, slots=True)
class HeatCell:
    day: date
    count: int
    x: int
    y: int
    is_today: bool = False

    @property
    def level(self) -> int:
        return level(self.count)

    @property
    def when(self) -> str:
        """ "Monday, 3 Mar 2026": the weekday, then the date as the site writes dates ("j M Y"),
        built directly (a heatmap has 182 of them)."""
        return f"{WEEKDAYS[self.day.weekday()]}, {site_date(self.day)}"

    @property
    def label(self) -> str:
        if not self.count:
            return f"No changes on {self.when}"
        return f"{self.count} change{'' if self.count == 1 else 's'} on {self.when}"

    @property
    def svg(self) -> str:
        today = " heat--today" if self.is_today else ""
        return (
            f'<rect class="heat heat--{self.level}{today}" x="{self.x}" y="{self.y}" width="{CELL}" '
            f'height="{CELL}" rx="2"><title>{self.label}</title></rect>'
        )


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
    def table_rows(self) -> SafeString:
        """The days with changes, latest first, as table rows (the chart's text alternative)."""
        return mark_safe(  # noqa: S308 - dates and numbers only
            "".join(f"<tr><td>{cell.when}</td><td>{cell.count}</td></tr>" for cell in self.active_cells)
        )

    @property
    def cells_svg(self) -> SafeString:
        """Every day's square, as SVG: one string, where a template loop over 182 cells
        cost the dashboard a third of its time. Labels hold only dates and numbers."""
        return mark_safe("".join(cell.svg for cell in self.cells))  # noqa: S308

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
                HeatCell(
                    day=day,
                    count=counts.get(day, 0),
                    x=LEFT + column * STEP,
                    y=TOP + row * STEP,
                    is_today=day == today,
                )
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


# The weekly strip: changes per week, one bar per week (a mentor's view of a learner).

STRIP_WEEKS = 12
BAR, BAR_STEP, BAR_MAX = 14, 18, 40  # bar width, distance between bars, tallest bar


@dataclass(frozen=True, slots=True)
class WeekBar:
    monday: date
    count: int
    x: int
    y: int
    height: int

    @property
    def label(self) -> str:
        changes = "No changes" if not self.count else f"{self.count} change{'' if self.count == 1 else 's'}"
        return f"{changes} in the week of {site_date(self.monday)}"


@dataclass
class WeekStrip:
    bars: list[WeekBar]
    width: int
    height: int = BAR_MAX + 1

    @property
    def total(self) -> int:
        return sum(bar.count for bar in self.bars)

    @property
    def active_weeks(self) -> int:
        return sum(1 for bar in self.bars if bar.count)

    @property
    def first_monday(self) -> date:
        return self.bars[0].monday


def week_strip(counts: dict[date, int], today: date, *, weeks: int = STRIP_WEEKS) -> WeekStrip:
    """`weeks` bars of changes per week (Monday to Sunday), the last one today's week; each
    bar's height is its share of the busiest week's, and a week with any change shows."""
    first_monday = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    totals = [0] * weeks
    for day, count in counts.items():
        index = (day - first_monday).days // 7
        if 0 <= index < weeks and day <= today:
            totals[index] += count
    peak = max(totals) or 1
    bars = []
    for index, count in enumerate(totals):
        height = max(round(BAR_MAX * count / peak), 2) if count else 0
        bars.append(
            WeekBar(
                monday=first_monday + timedelta(weeks=index),
                count=count,
                x=index * BAR_STEP,
                y=BAR_MAX - height,
                height=height,
            )
        )
    return WeekStrip(bars=bars, width=weeks * BAR_STEP - (BAR_STEP - BAR))

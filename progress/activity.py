"""What a learner did when, from the append-only Activity log: recent changes, streak, heatmap.

Days are the learner's own (`user.time_zone`): a change at 23:30 UTC falls on
the next day for a learner in Asia/Tokyo and on the same day for one in
America/New_York. The database groups the log by local day in one query
(`TruncDate(..., tzinfo=...)`); everything after that is arithmetic on a
{date: count} dict.
"""

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from progress.models import Activity, ProjectStatus, TopicStatus
from progress.presentation import Heatmap, heatmap
from roadmap import structure as roadmap_structure

RECENT_CHANGES = 10


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


def streak(days: Iterable[date], today: date) -> int:
    """Consecutive days with a change, ending today or, when today has none yet, yesterday."""
    active = set(days)
    day = today if today in active else today - timedelta(days=1)
    count = 0
    while day in active:
        count += 1
        day -= timedelta(days=1)
    return count


@dataclass(frozen=True)
class ActivitySummary:
    today: date
    streak: int
    heatmap: Heatmap

    @property
    def active_days(self) -> int:
        return self.heatmap.active_days

    @property
    def streak_label(self) -> str:
        return f"{self.streak} day{'' if self.streak == 1 else 's'}"


def activity_summary(user, *, now: datetime | None = None) -> ActivitySummary:
    """Streak and heatmap in the learner's time zone (one query)."""
    today = local_today(user, now)
    counts = daily_counts(user)
    return ActivitySummary(today=today, streak=streak(counts, today), heatmap=heatmap(counts, today))


def topic_url(structure, topic_id: int) -> str:
    """Where a topic is: its anchor on its phase page, or its permanent address when the
    current roadmap no longer shows it."""
    node = structure.topic_by_id.get(topic_id)
    if node is None:
        return reverse("progress:topic", kwargs={"pk": topic_id})
    return f"{structure.phase_by_id[node.phase_id].url}#{node.anchor}"


@dataclass(frozen=True)
class RecentChange:
    when: datetime
    title: str
    url: str
    from_label: str
    to_label: str
    is_project: bool
    just_now: bool  # under a minute ago, where "0 minutes ago" would read oddly


def _label(kind, status: str) -> str:
    statuses = ProjectStatus if kind == Activity.Kind.PROJECT else TopicStatus
    return statuses(status).label if status in statuses.values else status


def recent_changes(user, *, now: datetime | None = None, limit: int = RECENT_CHANGES) -> list[RecentChange]:
    """The learner's latest status changes, newest first (one query)."""
    now = now or timezone.now()
    rows = Activity.objects.filter(user=user).select_related("topic", "project")[:limit]
    projects_url = reverse("progress:projects")
    structure = roadmap_structure.current()  # read already by the page: no query
    changes = []
    for row in rows:
        if row.kind == Activity.Kind.PROJECT:
            title, url = row.project.title, f"{projects_url}#project-{row.project_id}"
        else:
            title, url = row.topic.title, topic_url(structure, row.topic_id)
        changes.append(
            RecentChange(
                when=row.created_at,
                title=title,
                url=url,
                from_label=_label(row.kind, row.from_status),
                to_label=_label(row.kind, row.to_status),
                is_project=row.kind == Activity.Kind.PROJECT,
                just_now=now - row.created_at < timedelta(minutes=1),
            )
        )
    return changes

"""What a learner did when, from the append-only Activity log: recent changes, streak, heatmap;
and, beside their latest changes, the messages their mentors sent them.

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

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from progress.kept import Kept
from progress.mentoring.models import Nudge
from progress.models import Activity, ProjectStatus, TopicStatus
from progress.presentation import Heatmap, heatmap, machine_time, site_datetime, week_strip

RECENT_CHANGES = 10
# Mentors' messages stay on the dashboard until dismissed, or for this long.
MESSAGES_SHOWN_FOR = timedelta(days=30)
MESSAGES_SHOWN = 5


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
    def weeks(self):
        """Changes per week over the last 12 weeks (the mentor's strip), from the same counts."""
        return week_strip({cell.day: cell.count for cell in self.heatmap.cells}, self.today)

    @property
    def streak_label(self) -> str:
        return f"{self.streak} day{'' if self.streak == 1 else 's'}"


# A learner's summary is kept in this process while their change stamp and their day stay
# the same: the activity log is written only by the triggers that log a status change, and
# the same statement raises the learner's stamp (progress/migrations/0010). One summary per
# learner, the least recently shown dropped first (some 30 KB each).
KEPT_LEARNERS = 500
_KEPT = Kept(limit=KEPT_LEARNERS)


def forget_kept_summaries() -> None:
    """Drop the summaries kept in this process (tests, whose rolled-back stamps come back)."""
    _KEPT.clear()


def activity_summary(user, *, now: datetime | None = None, stamp: int | None = None) -> ActivitySummary:
    """Streak and heatmap in the learner's time zone: one query, or none when `stamp` (the
    learner's change stamp, read with their figures) is the one the kept summary was made at."""
    today = local_today(user, now)
    key = (stamp, today, user.time_zone)
    kept = _KEPT.get(user.pk, key) if stamp is not None else None
    if kept is not None:
        return kept
    counts = daily_counts(user)
    summary = ActivitySummary(today=today, streak=streak(counts, today), heatmap=heatmap(counts, today))
    if stamp is not None:
        _KEPT.put(user.pk, key, summary)
    return summary


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

    @property
    def machine_when(self) -> str:
        return machine_time(self.when)

    @property
    def site_when(self) -> str:
        return site_datetime(self.when)


def _label(kind, status: str) -> str:
    statuses = ProjectStatus if kind == Activity.Kind.PROJECT else TopicStatus
    return statuses(status).label if status in statuses.values else status


@dataclass(frozen=True)
class MentorMessage:
    """A nudge or notice from a mentor, on the learner's dashboard until they dismiss it."""

    id: int
    when: datetime
    is_notice: bool
    message: str
    sender: str  # their name as shown, "" once their account is gone
    cohort_name: str
    emailed: bool = False
    dismissed: bool = False
    just_now: bool = False  # under a minute ago


# The learner's latest changes and their mentors' messages, in one statement: the
# dashboard's budget is six queries (session, user, content version, figures, days,
# this), and the two lists are both "what happened lately", newest first. Titles
# and links come from the cached structure, not from joins. Written out because
# the ORM cannot limit each half of a UNION on SQLite; NULLs are cast so that
# PostgreSQL can match the halves' column types.
_CHANGES = """
    SELECT * FROM (
        SELECT 'change', a.id, a.created_at, a.kind, a.topic_id, a.project_id, a.from_status, a.to_status,
            CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT)
        FROM {activity} a WHERE a.user_id = %s
        ORDER BY a.created_at DESC, a.id DESC LIMIT %s
    ) changes
"""
# The flags ride in the status columns: "emailed" and "dismissed" as '1' or '0'.
_MESSAGES = """
    SELECT * FROM (
        SELECT 'message', n.id, n.created_at, n.kind, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
            CASE WHEN n.emailed THEN '1' ELSE '0' END, CASE WHEN n.dismissed_at IS NULL THEN '0' ELSE '1' END,
            n.message, COALESCE(NULLIF(u.display_name, ''), u.email), n.cohort_name
        FROM {nudge} n LEFT JOIN {user} u ON u.id = n.sender_id
        WHERE n.learner_id = %s AND {which}
        ORDER BY n.created_at DESC, n.id DESC LIMIT %s
    ) messages
"""
# The learner's own: what they have not dismissed, of the last 30 days.
_INBOX = "n.dismissed_at IS NULL AND n.created_at >= %s"
# A mentor's view: the nudges sent from their cohort, read or not.
_FROM_COHORT = "n.cohort_id = %s AND n.kind = 'nudge'"


def _moment(value) -> datetime:
    """A timestamp as the database gave it (SQLite may give text or a naive UTC datetime)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return timezone.make_aware(value, timezone.UTC) if timezone.is_naive(value) else value


def timeline(
    user,
    structure,
    *,
    now: datetime | None = None,
    limit: int = RECENT_CHANGES,
    from_cohort: int | None = None,
) -> tuple[list[RecentChange], list[MentorMessage]]:
    """(the learner's latest status changes, messages to them), both newest first, in one query.

    The messages are the learner's own: their mentors' nudges and notices they
    have not dismissed, of the last 30 days. With `from_cohort` (a cohort's id:
    one of its mentors looking at the learner) they are the nudges sent from
    that cohort instead, read or not."""
    now = now or timezone.now()
    tables = {
        "activity": Activity._meta.db_table,
        "nudge": Nudge._meta.db_table,
        "user": get_user_model()._meta.db_table,
    }
    which, which_params = (
        (_INBOX, [now - MESSAGES_SHOWN_FOR]) if from_cohort is None else (_FROM_COHORT, [from_cohort])
    )
    sql = _CHANGES.format(**tables) + "UNION ALL" + _MESSAGES.format(which=which, **tables)
    params = [user.pk, limit, user.pk, *which_params, MESSAGES_SHOWN]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # Each half comes sorted, but the UNION need not keep that order.
    rows = sorted(((_moment(row[2]), row[1], row) for row in rows), reverse=True)
    projects_url = reverse("progress:projects")
    changes, inbox = [], []
    for when, pk, (source, _pk, _when, kind, topic_id, project_id, from_status, to_status, *message) in rows:
        text, sender, cohort = message
        if source == "message":
            inbox.append(
                MentorMessage(
                    id=pk,
                    when=when,
                    is_notice=kind == Nudge.Kind.NOTICE,
                    message=text,
                    sender=sender or "",
                    cohort_name=cohort,
                    emailed=from_status == "1",
                    dismissed=to_status == "1",
                    just_now=now - when < timedelta(minutes=1),
                )
            )
            continue
        if kind == Activity.Kind.PROJECT:
            project = structure.project_by_id.get(project_id)
            title, url = (project.title if project else "A project"), f"{projects_url}#project-{project_id}"
        else:
            topic = structure.topic_by_id.get(topic_id)
            if topic is None:  # a topic of another roadmap than the current one
                continue
            title, url = topic.title, f"{structure.phase_by_id[topic.phase_id].url}#{topic.anchor}"
        changes.append(
            RecentChange(
                when=when,
                title=title,
                url=url,
                from_label=_label(kind, from_status),
                to_label=_label(kind, to_status),
                is_project=kind == Activity.Kind.PROJECT,
                just_now=now - when < timedelta(minutes=1),
            )
        )
    return changes, inbox

"""The weekly digest: what each mentor's cohorts need from them, emailed only when something does.

`digest_send(now=...)` is the weekly job (run by `progress.mentoring.tasks`,
which `manage.py send_digests` enqueues; the scheduler calls that once a week).
For each person with the mentor role whose digest is on, it reads their active
cohorts through the cohort table's read side (`learner_rows`: the same figures
and signals as the cohort page) and lists, per cohort:

- new members: joined since the last digest;
- projects waiting for a review;
- newly stuck: a topic in progress crossed 21 days without a change since the last digest;
- inactive (nothing changed for 14 days) and behind their plan.

A mentor with nothing in any list gets no email. "Since the last digest" is
the mentor's `digest_sent_at`, or a week back for their first one, and never
more than two weeks back. A digest is sent at most once in six days, so the
job run twice in a week sends nothing the second time.

Every digest carries a signed, login-free unsubscribe link (`unsubscribe_token`),
also as List-Unsubscribe with One-Click (RFC 8058), so mail programs offer it.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.roles import GROUP_NAMES, Role
from progress.mentoring.models import Cohort, MentorSettings
from progress.mentoring.services import mentor_settings, mentor_settings_update
from progress.mentoring.table import STUCK_AFTER, LearnerRow, learner_rows

logger = logging.getLogger(__name__)

FIRST_DIGEST_LOOKS_BACK = timedelta(days=7)
LOOKS_BACK_AT_MOST = timedelta(days=14)
SENT_AT_MOST_EVERY = timedelta(days=6)
NAMES_LISTED = 10  # per list; "and 3 more" after that
UNSUBSCRIBE_SALT = "progress.mentoring.digest.unsubscribe"


@dataclass
class CohortDigest:
    cohort: Cohort
    size: int
    new_members: list[LearnerRow] = field(default_factory=list)
    waiting: list[LearnerRow] = field(default_factory=list)
    newly_stuck: list[LearnerRow] = field(default_factory=list)
    inactive: list[LearnerRow] = field(default_factory=list)
    behind: list[LearnerRow] = field(default_factory=list)

    @property
    def url(self) -> str:
        return settings.SITE_URL + self.cohort.get_absolute_url()

    @property
    def projects_waiting(self) -> int:
        return sum(row.projects_waiting for row in self.waiting)

    @property
    def is_empty(self) -> bool:
        return not (self.new_members or self.waiting or self.newly_stuck or self.inactive or self.behind)

    def sections(self) -> list[tuple[str, str]]:
        """(heading, names) of each list with someone in it, in the email's order."""
        lists = [
            ("New members", self.new_members, lambda row: ""),
            (
                f"Projects waiting for your review ({self.projects_waiting})",
                self.waiting,
                lambda row: f" ({row.projects_waiting})",
            ),
            ("Newly stuck on a topic", self.newly_stuck, lambda row: f" ({row.stuck_weeks} weeks)"),
            ("Inactive for 14 days or more", self.inactive, lambda row: ""),
            ("Behind their plan", self.behind, lambda row: f" ({row.plan_label.lower()})"),
        ]
        return [(heading, _names(rows, detail)) for heading, rows, detail in lists if rows]


def _names(rows: list[LearnerRow], detail) -> str:
    rows = sorted(rows, key=lambda row: row.name.casefold())
    names = ", ".join(f"{row.name}{detail(row)}" for row in rows[:NAMES_LISTED])
    more = len(rows) - NAMES_LISTED
    return f"{names} and {more} more" if more > 0 else names


@dataclass
class Digest:
    mentor: object
    since: datetime
    cohorts: list[CohortDigest]

    @property
    def subject(self) -> str:
        waiting = sum(item.projects_waiting for item in self.cohorts)
        stuck = sum(len(item.newly_stuck) for item in self.cohorts)
        new = sum(len(item.new_members) for item in self.cohorts)
        parts = [
            f"{waiting} to review" if waiting else "",
            f"{stuck} newly stuck" if stuck else "",
            f"{new} new" if new else "",
        ]
        parts = [part for part in parts if part] or ["who needs you"]
        return f"Your cohorts this week: {', '.join(parts)} · {settings.SITE_NAME}"


def digest_for(mentor, *, now: datetime) -> Digest | None:
    """What `mentor`'s active cohorts need from them; None when nothing does (three queries)."""
    sent_at = mentor_settings(mentor).digest_sent_at
    since = max(sent_at or now - FIRST_DIGEST_LOOKS_BACK, now - LOOKS_BACK_AT_MOST)
    # The cohorts they mentor (a superuser may look at every cohort, but follows their own).
    cohorts = list(Cohort.objects.active().filter(mentors=mentor).order_by("name", "id"))
    _phases, rows = learner_rows(cohorts, now=now)
    items = []
    for cohort in cohorts:
        members = rows[cohort.pk]
        item = CohortDigest(
            cohort=cohort,
            size=len(members),
            new_members=[row for row in members if row.membership.joined_at > since],
            waiting=[row for row in members if row.projects_waiting],
            # Stuck now, and not yet at the last digest: the 21 days ran out since.
            newly_stuck=[row for row in members if row.stuck and row.in_progress_since + STUCK_AFTER > since],
            inactive=[row for row in members if row.inactive],
            behind=[row for row in members if row.is_behind],
        )
        if not item.is_empty:
            items.append(item)
    return Digest(mentor=mentor, since=since, cohorts=items) if items else None


def unsubscribe_token(mentor) -> str:
    """A signed token naming the mentor, for the login-free unsubscribe link. It does not
    expire (an old digest's link still works) and changes with SECRET_KEY."""
    return signing.dumps(mentor.pk, salt=UNSUBSCRIBE_SALT)


def mentor_from_unsubscribe_token(token: str):
    """The mentor the token names, or None when it is not one of ours."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=pk).first() if isinstance(pk, int) else None


def digest_unsubscribe(*, mentor) -> None:
    mentor_settings_update(user=mentor, weekly_digest=False)


def digest_email(digest: Digest) -> EmailMessage:
    unsubscribe_url = settings.SITE_URL + reverse(
        "cohorts:digest_unsubscribe", kwargs={"token": unsubscribe_token(digest.mentor)}
    )
    context = {
        "digest": digest,
        "unsubscribe_url": unsubscribe_url,
        "settings_url": settings.SITE_URL + reverse("cohorts:settings"),
        "site_name": settings.SITE_NAME,
    }
    return EmailMessage(
        digest.subject,
        render_to_string("cohorts/email/digest.txt", context),
        None,
        [digest.mentor.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def digest_recipients(*, now: datetime):
    """Active people with the mentor role whose digest is on and not sent in the last six days."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=GROUP_NAMES[Role.MENTOR])
        .exclude(mentor_settings__weekly_digest=False)
        .exclude(mentor_settings__digest_sent_at__gt=now - SENT_AT_MOST_EVERY)
        .select_related("mentor_settings")
        .order_by("pk")
    )


def digest_send(*, now: datetime | None = None, dry_run: bool = False) -> dict:
    """Send this week's digest to every mentor with something to act on; {sent, empty, failed}.

    Each mentor's digest is sent, then marked sent, on its own: one address
    the mail server refuses does not stop (or undo) the others."""
    now = now or timezone.now()
    counts = {"sent": 0, "empty": 0, "failed": 0}
    for mentor in digest_recipients(now=now):
        digest = digest_for(mentor, now=now)
        if digest is None:
            counts["empty"] += 1
            continue
        if dry_run:
            counts["sent"] += 1
            continue
        try:
            digest_email(digest).send()
        except Exception:
            logger.exception("The weekly digest to mentor %s could not be sent", mentor.pk)
            counts["failed"] += 1
            continue
        MentorSettings.objects.update_or_create(user=mentor, defaults={"digest_sent_at": now})
        counts["sent"] += 1
    return counts

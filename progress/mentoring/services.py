"""Writes on cohorts: creating one, joining and leaving, and a mentor's review of a project (emailed).

Permissions are checked by the views' access helpers before these are called;
what is checked here is what must hold whoever calls (only a mentor can mentor,
only a done project can be reviewed), against the database's current state.
"""

from datetime import date
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from progress.mentoring.models import Cohort, Membership
from progress.models import ProjectProgress, ProjectStatus


def cohort_create(*, mentor, name: str, start_date: date | None = None) -> Cohort:
    """A new cohort mentored by `mentor`, with a fresh join link."""
    if not mentor.is_mentor:
        raise ValidationError("Only mentors can create cohorts.", code="not_mentor")
    with transaction.atomic():
        cohort = Cohort.objects.create(name=name.strip(), start_date=start_date)
        cohort.mentors.add(mentor)
    return cohort


def membership_join(*, cohort: Cohort, user) -> tuple[Membership, bool]:
    """Put `user` in the cohort; (membership, created). Joining twice changes nothing.

    The unique constraint on (cohort, user) decides a race between two tabs
    (get_or_create falls back to reading the row the other one inserted)."""
    if cohort.mentors.filter(pk=user.pk).exists():
        raise ValidationError(
            "You mentor this cohort, so you cannot also join it as a learner.", code="mentor"
        )
    return Membership.objects.get_or_create(cohort=cohort, user=user)


def membership_leave(*, cohort: Cohort, user) -> bool:
    """Take `user` out of the cohort; its mentors stop seeing them at once. False if they were not in it."""
    deleted, _ = Membership.objects.filter(cohort=cohort, user=user).delete()
    return bool(deleted)


def project_review(*, reviewer, row: ProjectProgress, comment: str = "") -> ProjectProgress:
    """Mark a done project reviewed by `reviewer`, with an optional comment the learner sees,
    and tell the learner by email if they asked for cohort emails.

    Reviewing again replaces the comment. The update only applies while the
    project is still done, so a learner reopening it at the same moment wins."""
    with transaction.atomic():
        updated = ProjectProgress.objects.filter(pk=row.pk, status=ProjectStatus.DONE).update(
            reviewed_at=timezone.now(), reviewed_by=reviewer, review_comment=comment.strip()
        )
        if not updated:
            raise ValidationError("Only a project marked done can be reviewed.", code="not_done")
        row.refresh_from_db(fields=["status", "reviewed_at", "reviewed_by", "review_comment"])
        if row.user.email_cohort_updates:
            # Only once the review is saved (a rolled-back one sends nothing); robust, so a
            # mail server that is down is logged and the saved review still stands.
            transaction.on_commit(partial(_send_review_email, row=row, reviewer=reviewer), robust=True)
    return row


def _send_review_email(*, row: ProjectProgress, reviewer) -> None:
    url = settings.SITE_URL + reverse("progress:projects") + f"#project-{row.project_id}"
    lines = [
        f"{reviewer} reviewed your project “{row.project.title}”.",
        "",
        *([row.review_comment, ""] if row.review_comment else []),
        f"See it on your projects page: {url}",
        "",
        "You get this email because you asked for news from your cohort. You can turn it off on your profile page.",
    ]
    send_mail(
        f"Your mentor reviewed “{row.project.title}” · {settings.SITE_NAME}",
        "\n".join(lines),
        None,
        [row.user.email],
    )

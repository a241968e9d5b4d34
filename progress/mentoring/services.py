"""Writes on cohorts: creating, archiving and deleting one, joining and leaving, co-mentors,
a mentor's review of a project, and nudges (emailed).

Permissions are checked by the access helpers (`progress.mentoring.access`)
before these are called; what is checked here is what must hold whoever calls
(only a mentor can mentor, only a done project can be reviewed, an archived
cohort takes no one new), against the database's current state.

Emails go out only once the write is committed (a rolled-back one sends
nothing), and robustly: a mail server that is down is logged and the write
still stands.
"""

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, mailers, send_mail
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from progress.mentoring.models import Cohort, Membership, MentorSettings, Nudge
from progress.models import ProjectProgress, ProjectStatus

# How many learners one mentor may nudge in any 24 hours, over all their cohorts:
# enough to reach everyone a digest flags, few enough that nudges stay personal.
NUDGES_PER_DAY = 20


class CohortNameTaken(ValidationError):
    """The mentor already owns a cohort of this name (`cohort`): creating it again makes nothing."""

    def __init__(self, cohort: Cohort):
        super().__init__(f"You already have a cohort called “{cohort.name}”.", code="name_taken")
        self.cohort = cohort


def _owned_named(owner, name: str):
    return Cohort.objects.alias(lower_name=Lower("name")).filter(owner=owner, lower_name=Lower(Value(name)))


# Cohorts: create and delete (archiving is `Cohort.archive`).


def cohort_create(*, mentor, name: str, start_date: date | None = None) -> Cohort:
    """A new cohort owned and mentored by `mentor`, with fresh join and co-mentor links.

    Raises `CohortNameTaken` when `mentor` already owns a cohort of that name
    (in any case): the form sent twice, or after going back, creates one
    cohort. The database's unique constraint decides two requests at once."""
    if not mentor.is_mentor:
        raise ValidationError("Only mentors can create cohorts.", code="not_mentor")
    name = name.strip()
    existing = _owned_named(mentor, name).first()
    if existing is not None:
        raise CohortNameTaken(existing)
    try:
        with transaction.atomic():
            cohort = Cohort.objects.create(name=name, start_date=start_date, owner=mentor)
            cohort.mentors.add(mentor)
    except IntegrityError:
        existing = _owned_named(mentor, name).first()
        if existing is None:
            raise
        raise CohortNameTaken(existing) from None
    return cohort


def cohort_delete(*, cohort: Cohort, by) -> int:
    """Delete the cohort: its memberships and mentors go with it; learners' progress, notes
    and plans are untouched (they belong to the learners). Returns how many members were told.

    Every member is told: a notice on their dashboard, and an email when they
    asked for cohort emails. Nudges already sent stay with their learners."""
    # In the order of their ids: each notice raises its learner's change stamp under a row
    # lock, and writers that lock several learners all go in that order (migration 0010).
    members = [
        membership.user for membership in cohort.memberships.select_related("user").order_by("user_id")
    ]
    name = cohort.name
    message = (
        f"{by} deleted the cohort “{name}”. Your progress, notes and plan are unchanged, "
        "and its mentors no longer see them."
    )
    batch = f"deleted-{cohort.pk}-{secrets.token_urlsafe(8)}"
    with transaction.atomic():
        Nudge.objects.bulk_create(
            Nudge(
                kind=Nudge.Kind.NOTICE,
                cohort=cohort,
                cohort_name=name,
                sender=by,
                learner=learner,
                message=message,
                batch=batch,
                emailed=learner.email_cohort_updates,
            )
            for learner in members
        )
        cohort.delete()  # memberships cascade; the notices keep the cohort's name
        told = [learner for learner in members if learner.email_cohort_updates]
        if told:
            transaction.on_commit(
                partial(_send_deleted_emails, learners=told, name=name, message=message), robust=True
            )
    return len(members)


def _send_deleted_emails(*, learners, name: str, message: str) -> None:
    context = {"message": message, "dashboard_url": settings.SITE_URL + reverse("progress:dashboard")}
    body = render_to_string("cohorts/email/cohort_deleted.txt", context)
    subject = f"“{name}” was deleted · {settings.SITE_NAME}"
    mailers.default.send_messages(
        [EmailMessage(subject, body, None, [learner.email]) for learner in learners]
    )


# Learners: join and leave.


def membership_join(*, cohort: Cohort, user) -> tuple[Membership, bool]:
    """Put `user` in the cohort; (membership, created). Joining twice changes nothing.

    The unique constraint on (cohort, user) decides a race between two tabs
    (get_or_create falls back to reading the row the other one inserted)."""
    if cohort.mentors.filter(pk=user.pk).exists():
        raise ValidationError(
            "You mentor this cohort, so you cannot also join it as a learner.", code="mentor"
        )
    if cohort.is_archived:
        raise ValidationError("This cohort is archived and takes no new members.", code="archived")
    return Membership.objects.get_or_create(cohort=cohort, user=user)


def membership_leave(*, cohort: Cohort, user) -> bool:
    """Take `user` out of the cohort; its mentors stop seeing them at once. False if they were not in it."""
    deleted, _ = Membership.objects.filter(cohort=cohort, user=user).delete()
    return bool(deleted)


# Co-mentors.


def comentor_accept(*, cohort: Cohort, user) -> bool:
    """Make `user` a mentor of the cohort from its co-mentor link; False if they already were.

    Only people with the mentor role may, and not a learner of the cohort
    (who would then follow their own progress as its mentor)."""
    if not user.is_mentor:
        raise ValidationError(
            "Only mentors can co-mentor a cohort. Ask an administrator for the mentor role, "
            "then open the link again.",
            code="not_mentor",
        )
    if cohort.is_archived:
        raise ValidationError("This cohort is archived and takes no new mentors.", code="archived")
    if cohort.memberships.filter(user=user).exists():
        raise ValidationError(
            "You are a learner in this cohort. Leave it first to become one of its mentors.", code="member"
        )
    if cohort.mentors.filter(pk=user.pk).exists():
        return False
    cohort.mentors.add(user)
    return True


def comentor_remove(*, cohort: Cohort, mentor) -> None:
    """Take `mentor` off the cohort: they stop seeing it at once. Its owner stays, and so
    does its last mentor (a cohort is never left without one)."""
    if mentor.pk == cohort.owner_id:
        raise ValidationError("The cohort's owner cannot be removed.", code="owner")
    with transaction.atomic():
        # Locking the cohort serialises removals: two mentors leaving at once cannot both pass the check.
        Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
        mentors = list(cohort.mentors.values_list("pk", flat=True))
        if mentor.pk not in mentors:
            return
        if len(mentors) == 1:
            raise ValidationError("A cohort needs at least one mentor.", code="last_mentor")
        cohort.mentors.remove(mentor)


# Reviews.


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


# Nudges.


def mentor_settings(user) -> MentorSettings:
    """The mentor's settings; the defaults (unsaved) when they never changed any."""
    try:
        return user.mentor_settings
    except MentorSettings.DoesNotExist:
        return MentorSettings(user=user)


def mentor_settings_update(*, user, **values) -> MentorSettings:
    """Save some of the mentor's settings (`weekly_digest`, `nudge_template`)."""
    row, _created = MentorSettings.objects.update_or_create(user=user, defaults=values)
    user.mentor_settings = row
    return row


def nudge_text(template: str, *, learner, sender, cohort: Cohort) -> str:
    """The template with its placeholders filled in for one learner.

    Plain replacement, never `str.format`: a template is text a mentor typed,
    and format fields reach into objects."""
    values = {"{name}": learner.get_short_name(), "{mentor}": str(sender), "{cohort}": cohort.name}
    text = template.replace("\r\n", "\n")
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text.strip()


def nudges_left(*, sender, now: datetime | None = None) -> int:
    """How many more learners `sender` may nudge now (`NUDGES_PER_DAY` in any 24 hours)."""
    now = now or timezone.now()
    used = Nudge.objects.filter(
        sender=sender, kind=Nudge.Kind.NUDGE, created_at__gt=now - timedelta(days=1)
    ).count()
    return max(NUDGES_PER_DAY - used, 0)


@dataclass(frozen=True)
class NudgeOutcome:
    sent: list = field(default_factory=list)  # learners nudged now
    emailed: list = field(default_factory=list)  # of those, the ones who also get it by email
    opted_out: list = field(default_factory=list)  # learners who turned nudges off: not nudged
    repeated: list = field(default_factory=list)  # learners this same form already reached


def nudge_send(
    *, sender, cohort: Cohort, learners, template: str, batch: str, now: datetime | None = None
) -> NudgeOutcome:
    """Nudge each of `learners` (members of `cohort`) with `template`, filled in for each.

    Each nudge is logged (who, to whom, when, what), shown on the learner's
    dashboard and emailed to those who get cohort emails. Learners who turned
    nudges off are left out. `batch` is the sending form's one-time key: the
    same form sent again reaches no one twice. Refused whole when it would
    take `sender` past `NUDGES_PER_DAY`; a mentor's sends are serialised
    (a row lock on their settings), so two tabs cannot both slip under it."""
    if cohort.is_archived:
        raise ValidationError("This cohort is archived: restore it to nudge its learners.", code="archived")
    now = now or timezone.now()
    learners = list(learners)
    members = set(cohort.memberships.filter(user__in=learners).values_list("user_id", flat=True))
    outsiders = [learner for learner in learners if learner.pk not in members]
    if outsiders:
        raise ValidationError("Only the cohort's learners can be nudged from it.", code="not_member")
    opted_out = [learner for learner in learners if not learner.accept_nudges]
    wanted = [learner for learner in learners if learner.accept_nudges]
    with transaction.atomic():
        row, _created = MentorSettings.objects.get_or_create(user=sender)
        MentorSettings.objects.select_for_update().filter(pk=row.pk).first()
        reached = set(
            Nudge.objects.filter(batch=batch, learner__in=wanted).values_list("learner_id", flat=True)
        )
        repeated = [learner for learner in wanted if learner.pk in reached]
        new = [learner for learner in wanted if learner.pk not in reached]
        left = nudges_left(sender=sender, now=now)
        if len(new) > left:
            raise ValidationError(
                "You can nudge %(limit)d learners a day; %(left)d more today. Choose fewer learners, "
                "or send the rest tomorrow.",
                code="limit",
                params={"limit": NUDGES_PER_DAY, "left": left},
            )
        nudges = Nudge.objects.bulk_create(
            Nudge(
                cohort=cohort,
                cohort_name=cohort.name,
                sender=sender,
                learner=learner,
                message=nudge_text(template, learner=learner, sender=sender, cohort=cohort),
                batch=batch,
                emailed=learner.email_cohort_updates,
                created_at=now,
            )
            # In the order of their ids, as every write that raises several learners' change stamps.
            for learner in sorted(new, key=lambda learner: learner.pk)
        )
        emailed = [nudge for nudge in nudges if nudge.emailed]
        if emailed:
            transaction.on_commit(partial(_send_nudge_emails, nudges=emailed), robust=True)
    return NudgeOutcome(
        sent=new, emailed=[nudge.learner for nudge in emailed], opted_out=opted_out, repeated=repeated
    )


def _send_nudge_emails(*, nudges: list[Nudge]) -> None:
    context = {
        "dashboard_url": settings.SITE_URL + reverse("progress:dashboard"),
        "profile_url": settings.SITE_URL + reverse("accounts:profile"),
        "site_name": settings.SITE_NAME,
    }
    messages = [
        EmailMessage(
            f"A note from {nudge.sender} · {settings.SITE_NAME}",
            render_to_string("cohorts/email/nudge.txt", {**context, "nudge": nudge}),
            None,
            [nudge.learner.email],
        )
        for nudge in nudges
    ]
    mailers.default.send_messages(messages)


def nudge_dismiss(*, nudge: Nudge, now: datetime | None = None) -> None:
    """The learner has read it: it leaves their dashboard (the log keeps it)."""
    Nudge.objects.filter(pk=nudge.pk, dismissed_at__isnull=True).update(dismissed_at=now or timezone.now())

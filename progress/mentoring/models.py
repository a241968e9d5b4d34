"""Mentoring's models: cohorts, their mentors and members, nudges, and a mentor's settings.

They belong to the `progress` app (tables `progress_cohort`, `progress_membership`,
`progress_nudge`, `progress_mentorsettings`) and are imported by `progress.models`,
so Django finds them there.
"""

import re
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from accounts.roles import GROUP_NAMES, Role

COHORT_NAME_MAX_LENGTH = 120
NUDGE_MAX_LENGTH = 1000
# The nudge template's placeholders, replaced for each learner when a nudge is sent.
PLACEHOLDERS = {"{name}": "the learner's name", "{mentor}": "your name", "{cohort}": "the cohort's name"}
DEFAULT_NUDGE_TEMPLATE = (
    "Hi {name},\n\n"
    "How is the roadmap going? If a topic has you stuck, pick one small step for this week, "
    "or bring it to our next session and we will look at it together.\n\n"
    "{mentor}"
)


def new_invite_token() -> str:
    """A secret for a cohort's join link: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


# What a join or co-mentor link's token can look like: anything else is no link of ours,
# and never reaches the database.
INVITE_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")


class CohortQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Cohorts whose learners `user` may follow: those they mentor while they hold the
        mentor role; every cohort for a superuser."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        # The role is asked for on every request, in the same query: someone whose
        # Mentors group was taken away (revoke_role, or by hand in the admin) sees
        # nothing, even while a cohort still lists them.
        return self.filter(mentors=user, mentors__groups__name=GROUP_NAMES[Role.MENTOR])

    def without_mentor(self):
        """Cohorts no one with the mentor role follows (their mentor's role was revoked)."""
        return self.exclude(mentors__groups__name=GROUP_NAMES[Role.MENTOR])

    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def with_access(self, user):
        """Annotate what `user` may do with each cohort, in the same query (see `Cohort.owned_by`):
        `is_own` (they mentor it and hold the mentor role), `owner_present` (its owner still
        does) and `first_mentor_id` (its longest-standing mentor with the role)."""
        mentors = Cohort.mentors.through.objects.filter(
            cohort_id=OuterRef("pk"), user__groups__name=GROUP_NAMES[Role.MENTOR]
        )
        return self.annotate(
            is_own=Exists(mentors.filter(user_id=user.pk)),
            owner_present=Exists(mentors.filter(user_id=OuterRef("owner_id"))),
            first_mentor_id=Subquery(mentors.order_by("id").values("user_id")[:1]),
        )


class Cohort(models.Model):
    """A group of learners followed by one or more mentors, one of whom owns it.

    The owner (who created it) invites and removes co-mentors and may delete the
    cohort; every mentor may archive it, which makes it read-only until restored."""

    name = models.CharField(max_length=COHORT_NAME_MAX_LENGTH)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_cohorts",
        help_text="The mentor who created it. Only they invite or remove co-mentors and may delete it.",
    )
    mentors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="mentored_cohorts",
        limit_choices_to={"groups__name": GROUP_NAMES[Role.MENTOR]},
        help_text="People with the mentor role who follow this cohort (one or more).",
    )
    learners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="cohorts", blank=True
    )
    start_date = models.DateField(
        null=True,
        blank=True,
        help_text="Optional. Members who have not set a plan of their own start their plan on this date.",
    )
    invite_token = models.CharField(max_length=64, unique=True, default=new_invite_token, editable=False)
    # A link of its own for co-mentors: the learners' join link must never make anyone a mentor.
    mentor_invite_token = models.CharField(
        max_length=64, unique=True, default=new_invite_token, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            # A double submit of the "New cohort" form (or going back and sending it
            # again) cannot make a second cohort of the same name for the same owner.
            models.UniqueConstraint("owner", Lower("name"), name="progress_one_cohort_name_per_owner"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cohorts:detail", kwargs={"pk": self.pk})

    def get_invite_path(self):
        return reverse("cohorts:join", kwargs={"token": self.invite_token})

    def get_mentor_invite_path(self):
        return reverse("cohorts:mentor_invite", kwargs={"token": self.mentor_invite_token})

    def regenerate_invite(self) -> None:
        """Give the cohort a new join link; the old one stops working at once."""
        self.invite_token = new_invite_token()
        self.save(update_fields=["invite_token"])

    def regenerate_mentor_invite(self) -> None:
        """Give the cohort a new co-mentor link; the old one stops working at once."""
        self.mentor_invite_token = new_invite_token()
        self.save(update_fields=["mentor_invite_token"])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def archive(self, *, now=None) -> None:
        """Make the cohort read-only and take it off its mentors' home, until `restore`.

        Its join and co-mentor links stop working meanwhile; its members stay
        (and see it marked archived), and so do their figures for its mentors."""
        self.archived_at = self.archived_at or now or timezone.now()
        self.save(update_fields=["archived_at"])

    def restore(self) -> None:
        """Back on its mentors' home, writable, its links working again."""
        self.archived_at = None
        self.save(update_fields=["archived_at"])

    @property
    def acting_owner_id(self) -> int | None:
        """Who acts as the owner: the owner, while they mentor it with the role; once the owner
        no longer does (role revoked, account deleted), its longest-standing mentor, so a
        cohort is never left without someone who may manage its mentors.
        Needs the `with_access(user)` annotations."""
        return self.owner_id if self.owner_present else self.first_mentor_id

    def owned_by(self, user) -> bool:
        """Whether `user` acts as its owner (needs the `with_access(user)` annotations)."""
        return self.is_own and self.acting_owner_id == user.pk


class Membership(models.Model):
    """A learner's place in a cohort. Deleting it hides the learner from the cohort's mentors at once."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cohort_memberships"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="progress_one_membership_per_cohort"),
        ]

    def __str__(self):
        return f"{self.user} in {self.cohort}"


class Nudge(models.Model):
    """A short message to a learner: a mentor's nudge, or a notice sent on a mentor's behalf
    (their cohort was deleted). Shown on the learner's dashboard until dismissed, and emailed
    when they asked for cohort emails. Kept as the log of who sent what to whom, and when."""

    class Kind(models.TextChoices):
        NUDGE = "nudge", "Nudge"
        NOTICE = "notice", "Notice"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NUDGE)
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="nudges"
    )
    # The name as it was, so a notice still says which cohort once it is deleted.
    cohort_name = models.CharField(max_length=COHORT_NAME_MAX_LENGTH)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="nudges_sent"
    )
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudges")
    message = models.TextField(max_length=NUDGE_MAX_LENGTH)
    # One key per sent form: sending the same form twice (a double click, going
    # back) reaches each learner once (the constraint below).
    batch = models.CharField(max_length=64)
    emailed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "learner"], name="progress_one_nudge_per_learner_and_send"
            ),
        ]
        indexes = [
            # The learner's dashboard (their latest) and the daily limit (a mentor's latest).
            models.Index(fields=["learner", "-created_at"], name="progress_nudge_learner_idx"),
            models.Index(fields=["sender", "-created_at"], name="progress_nudge_sender_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.learner} at {self.created_at:%Y-%m-%d %H:%M}"


class MentorSettings(models.Model):
    """A mentor's own settings: the weekly digest, and the nudge message they start from.
    No row means the defaults (digest on, the site's template)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_settings"
    )
    weekly_digest = models.BooleanField(
        "email me a weekly digest",
        default=True,
        help_text="Sent only in weeks with something to act on: new members, projects waiting, "
        "learners stuck, inactive or behind their plan.",
    )
    nudge_template = models.TextField(max_length=NUDGE_MAX_LENGTH, default=DEFAULT_NUDGE_TEMPLATE)
    # When the last digest went out: "new" and "newly stuck" count from here, and a
    # job run twice in a week sends nothing the second time.
    digest_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "mentor settings"

    def __str__(self):
        return f"Settings of {self.user}"

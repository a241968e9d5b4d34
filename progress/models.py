"""A learner's progress: topic and project status, notes, path choices, plan, activity.

Every foreign key to roadmap content is PROTECT: an editor cannot delete a
topic, project or section that someone's progress points at, and reloading the
roadmap fixture (keyed by natural keys) updates rows in place, so no progress
is ever orphaned. Rows cascade with their user, so deleting an account removes
all of its data.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.roles import GROUP_NAMES, Role
from roadmap.models import ProjectIdea, Section, Topic

NOTE_MAX_LENGTH = 5000
REFLECTION_MAX_LENGTH = 2000


class TopicStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"


class ProjectStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class TopicProgress(models.Model):
    """A learner's status for one leaf topic. No row means "not started"."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_progress"
    )
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(max_length=20, choices=TopicStatus.choices, default=TopicStatus.NOT_STARTED)
    # The status the latest write replaced: the upsert keeps it and returns it, so
    # the change is logged from what was really there (progress.services).
    previous_status = models.CharField(
        max_length=20, choices=TopicStatus.choices, default=TopicStatus.NOT_STARTED, editable=False
    )
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "topic progress"
        constraints = [
            # Saving is an upsert on this constraint, so two tabs saving at once leave one row.
            models.UniqueConstraint(fields=["user", "topic"], name="progress_one_row_per_learner_topic"),
        ]
        indexes = [models.Index(fields=["user", "status"], name="progress_user_status_idx")]

    def __str__(self):
        return f"{self.user} · {self.topic}: {self.get_status_display()}"


class ProjectProgress(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_progress"
    )
    project = models.ForeignKey(ProjectIdea, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.NOT_STARTED)
    # The status the latest write replaced (see TopicProgress.previous_status).
    previous_status = models.CharField(
        max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.NOT_STARTED, editable=False
    )
    evidence_url = models.URLField(
        "evidence link",
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="A link to the code, demo or write-up (http or https).",
    )
    reflection = models.TextField(blank=True, max_length=REFLECTION_MAX_LENGTH)
    updated_at = models.DateTimeField()
    # A mentor's review of a done project (cohorts issue).
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField(blank=True, max_length=REFLECTION_MAX_LENGTH)
    # When the learner last saw the review (their projects page): a review newer than this is
    # news on their dashboard.
    review_seen_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "project progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="progress_one_row_per_learner_project"),
        ]

    def __str__(self):
        return f"{self.user} · {self.project.title}: {self.get_status_display()}"

    @property
    def review_is_new(self) -> bool:
        """Reviewed since the learner last saw their projects page (news on their dashboard)."""
        return self.reviewed_at is not None and (
            self.review_seen_at is None or self.review_seen_at < self.reviewed_at
        )


class TopicNote(models.Model):
    """A private plain-text note on a topic, visible only to its author."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_notes")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField(max_length=NOTE_MAX_LENGTH)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="progress_one_note_per_learner_topic"),
        ]

    def __str__(self):
        return f"Note by {self.user} on {self.topic}"


class PathChoice(models.Model):
    """A section of an elective phase (Phase 8) that the learner chose to follow."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="path_choices")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="path_choices")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "section"], name="progress_one_choice_per_learner_section"
            ),
        ]

    def __str__(self):
        return f"{self.user} follows {self.section}"


class Pace(models.TextChoices):
    TWELVE_MONTHS = "twelve_months", "12 months (the roadmap's timeline)"
    STEADY = "steady", "Steady (the upper end of each phase's duration)"


class LearningPlan(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan")
    start_date = models.DateField()
    pace = models.CharField(max_length=20, choices=Pace.choices, default=Pace.TWELVE_MONTHS)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user}: from {self.start_date} ({self.get_pace_display()})"


class Activity(models.Model):
    """One status change, recorded when it happens and never edited (append-only)."""

    class Kind(models.TextChoices):
        TOPIC = "topic", "Topic"
        PROJECT = "project", "Project"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        ProjectIdea, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name_plural = "activities"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="progress_activity_recent_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="topic", topic__isnull=False, project__isnull=True)
                | models.Q(kind="project", project__isnull=False, topic__isnull=True),
                name="progress_activity_points_at_one_thing",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.from_status} → {self.to_status} at {self.created_at:%Y-%m-%d %H:%M}"


# Cohorts (issue #5): a mentor follows a group of learners.


def new_invite_token() -> str:
    """A secret for a cohort's join link: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


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


class Cohort(models.Model):
    """A group of learners followed by one or more mentors."""

    name = models.CharField(max_length=120)
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
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cohorts:detail", kwargs={"pk": self.pk})

    def get_invite_path(self):
        return reverse("cohorts:join", kwargs={"token": self.invite_token})

    def regenerate_invite(self) -> None:
        """Give the cohort a new join link; the old one stops working at once."""
        self.invite_token = new_invite_token()
        self.save(update_fields=["invite_token"])


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


# Addresses a learner hands out (issue #12): their progress page, their plan as a calendar.


def new_link_token() -> str:
    """An address's secret: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def link_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LinkQuerySet(models.QuerySet):
    def opened_by(self, kind: str, token: str):
        """The link (with its learner) that `token` opens, looked up by the token's digest: how
        long the lookup takes says nothing about how close a guess came."""
        return self.filter(kind=kind, digest=link_digest(token)).select_related("user")


class LearnerLink(models.Model):
    """An address that opens something of a learner's to whoever has it, without signing in:
    their read-only progress page (`SHARE`), or their plan as a calendar feed (`CALENDAR`).

    Only its learner makes one, sees it, or replaces it with a new one (the old
    address stops working at once); deleting it stops the address."""

    class Kind(models.TextChoices):
        SHARE = "share", "Progress page"
        CALENDAR = "calendar", "Calendar feed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Kept to show its learner the address again; visits are looked up by `digest`.
    token = models.CharField(max_length=64, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = LinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="progress_one_link_per_learner_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.user}"

    def get_absolute_url(self):
        name = "progress:shared" if self.kind == self.Kind.SHARE else "progress:calendar"
        return reverse(name, kwargs={"token": self.token})

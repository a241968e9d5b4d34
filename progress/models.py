"""A learner's progress: topic and project status, notes, path choices, plan, activity.

Every foreign key to roadmap content is PROTECT: an editor cannot delete a
topic, project or section that someone's progress points at, and reloading the
roadmap fixture (keyed by natural keys) updates rows in place, so no progress
is ever orphaned. Rows cascade with their user, so deleting an account removes
all of its data.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from config.validators import validate_multiline_text, validate_single_line_text
from roadmap.models import ProjectIdea, Resource, Section, Topic

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


class ChangeStamp(models.Model):
    """A number the database raises whenever something the cohort table shows of a learner
    changes: a status, their path, plan, projects or reviews, a membership, a nudge, their
    name or settings, the start date of a cohort they are in. Triggers write it (migration
    0010), in the statement that makes the change; nothing else does. Each raise takes a
    number larger than any given before, after the learner's stamp row is locked, so a
    learner's stamp only grows, and the sum of a cohort's stamps changes with any change
    to any member (`progress.mentoring.table` keeps a cohort's rows while it does not).

    `user_id` is not a foreign key: deleting an account deletes its rows, whose triggers
    raise its stamp, and the deletion must not trip over that. A deleted account's stamp
    stays behind, read by nobody."""

    user_id = models.BigIntegerField(primary_key=True)
    value = models.BigIntegerField()

    class Meta:
        # SQLite takes the next number as the largest so far plus one (PostgreSQL has a sequence).
        indexes = [models.Index(fields=["value"], name="progress_changestamp_value_idx")]

    def __str__(self):
        return f"learner {self.user_id}: {self.value}"


# Learners' reports on a resource's link (issue 11): editors see how many learners
# report each resource, never who (progress.admin.ReportedResourceAdmin).

LINK_REPORT_COMMENT_MAX_LENGTH = 500
LINK_REPORT_NOTE_MAX_LENGTH = 1000
LINK_REPORTS_PER_DAY = 10
# A resolved report stays beside its resource, with the outcome, this long.
LINK_REPORT_SHOWN_AFTER_RESOLVED = timedelta(days=30)


class LinkReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)

    def shown_to_learner(self, *, now):
        """The reports a learner still sees beside their resources: open, or resolved lately."""
        return self.filter(
            models.Q(resolved_at__isnull=True)
            | models.Q(resolved_at__gte=now - LINK_REPORT_SHOWN_AFTER_RESOLVED)
        )


class LinkReport(models.Model):
    """A learner's word that a resource is broken, paywalled, outdated or otherwise wrong.

    Editors resolve it with an outcome and a note, which the learner then sees.
    It cascades with the resource (a deleted resource answers every report) and
    with the learner (their account's data goes with it).
    """

    class Reason(models.TextChoices):
        BROKEN = "broken", "Broken: the link does not work"
        PAYWALLED = "paywalled", "Paywalled: it is not free as labelled"
        OUTDATED = "outdated", "Outdated"
        OTHER = "other", "Something else"

    class Outcome(models.TextChoices):
        FIXED = "fixed", "Fixed"
        REPLACED = "replaced", "Replaced with another resource"
        REMOVED = "removed", "Removed from the roadmap"
        NO_CHANGE = "no_change", "Checked: no change needed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="link_reports")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="link_reports")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    comment = models.CharField(
        max_length=LINK_REPORT_COMMENT_MAX_LENGTH, blank=True, validators=[validate_single_line_text]
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    resolution_note = models.TextField(
        blank=True, max_length=LINK_REPORT_NOTE_MAX_LENGTH, validators=[validate_multiline_text]
    )

    objects = LinkReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A learner has one open report per resource; sending another updates it.
            models.UniqueConstraint(
                fields=["user", "resource"],
                condition=models.Q(resolved_at__isnull=True),
                name="progress_one_open_report_per_learner_resource",
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True, outcome="")
                | models.Q(resolved_at__isnull=False) & ~models.Q(outcome=""),
                name="progress_link_report_resolved_with_outcome",
            ),
        ]
        indexes = [
            # The per-day limit counts a learner's latest reports.
            models.Index(fields=["user", "-created_at"], name="progress_linkreport_recent_idx"),
        ]

    def __str__(self):
        # No person here: this is what the admin shows editors.
        return f"{self.get_reason_display()} ({self.created_at:%Y-%m-%d})"


class ReportedResource(Resource):
    """The editors' queue of reported resources (progress.admin): a resource with its learners' reports."""

    class Meta:
        proxy = True
        verbose_name = "reported link"
        verbose_name_plural = "reported links"


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


# Cohorts, their mentors and members live in progress.mentoring; the models belong to this
# app (label "progress", tables unchanged), so they are imported here for Django to find.
from progress.mentoring.models import Cohort, Membership  # noqa: E402, F401

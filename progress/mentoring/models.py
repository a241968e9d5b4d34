"""Mentoring's models: cohorts, their mentors and members.

They belong to the `progress` app (tables `progress_cohort`, `progress_membership`)
and are imported by `progress.models`, so Django finds them there.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.roles import GROUP_NAMES, Role


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

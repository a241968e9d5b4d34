"""Shared set-up for the cohort tests: people beyond the shared fixtures, and a done project."""

from django.utils import timezone

from accounts.roles import role_grant
from progress.models import ProjectProgress, ProjectStatus
from roadmap.models import ProjectIdea


def make_mentor(django_user_model, email="other.mentor@example.com", name="Omar Other", password=None):
    """A mentor of no cohort yet. Without a password (tests sign in with force_login), which
    skips the deliberately slow password hashing."""
    user = django_user_model.objects.create_user(email=email, password=password, display_name=name)
    role_grant(user=user, role="mentor")
    return user


def done_project(user, *, evidence_url="https://example.com/my-project", **extra):
    """A project of the loaded roadmap that `user` marked done (not yet reviewed)."""
    project = ProjectIdea.objects.order_by("order", "id").first()
    return ProjectProgress.objects.create(
        user=user,
        project=project,
        status=ProjectStatus.DONE,
        evidence_url=evidence_url,
        updated_at=timezone.now(),
        **extra,
    )

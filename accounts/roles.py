"""Roles, in one place. Every user is a learner; editors and mentors are groups.

Editors also get `is_staff` so they can reach the admin site; the group's
permissions decide what they can change there (content, never users).
"""

from django.contrib.auth.models import Group
from django.db import models, transaction


class Role(models.TextChoices):
    EDITOR = "editor", "Editor"
    MENTOR = "mentor", "Mentor"


GROUP_NAMES = {Role.EDITOR: "Editors", Role.MENTOR: "Mentors"}


def role_grant(*, user, role: Role) -> bool:
    """Give `user` the role. Returns False when they already had it (and nothing changed)."""
    role = Role(role)
    group = Group.objects.get(name=GROUP_NAMES[role])
    with transaction.atomic():
        changed = not user.groups.filter(pk=group.pk).exists()
        user.groups.add(group)
        if role == Role.EDITOR and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            changed = True
    user.__dict__.pop("role_names", None)
    return changed


def role_revoke(*, user, role: Role) -> bool:
    """Take the role away. Returns False when they did not have it (and nothing changed).

    Revoking the editor role also removes admin access, unless the user is a
    superuser (whose access does not come from a role). Revoking the mentor role
    also takes them off every cohort they mentored: a cohort lists only people
    with the role, and one left with none shows as "no mentor" to superusers.
    """
    role = Role(role)
    group = Group.objects.get(name=GROUP_NAMES[role])
    with transaction.atomic():
        changed = user.groups.filter(pk=group.pk).exists()
        user.groups.remove(group)
        if role == Role.MENTOR and user.mentored_cohorts.exists():
            user.mentored_cohorts.clear()
            changed = True
        if role == Role.EDITOR and user.is_staff and not user.is_superuser:
            user.is_staff = False
            user.save(update_fields=["is_staff"])
            changed = True
    user.__dict__.pop("role_names", None)
    return changed

"""Who may open which cohort, learner or message: the one place that decides, for every cohort view.

Every cohort and learner asked for by id goes through a helper here: 404 for
anyone who may not see it (so ids cannot be probed), 403 where someone may
look but not act: a superuser who does not mentor the cohort, any mentor of an
archived cohort (read-only until restored), a co-mentor asking for what only
the owner does (managing mentors, deleting).
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from progress.mentoring.models import Cohort, Membership, Nudge


def require_mentor(request) -> None:
    """Mentor pages that are not about one cohort: mentors, and superusers (who see every cohort)."""
    if not (request.user.is_mentor or request.user.is_superuser):
        raise PermissionDenied("This page is for mentors.")


def get_cohort_for_mentor(request, pk, *, write: bool = False, owner: bool = False, archived: bool = False):
    """The cohort, if the user mentors it (any cohort for a superuser); 404 otherwise.

    `write`: only its mentors (403 for a superuser who is not one), and only while
    it is not archived, unless `archived` says the action is one an archived
    cohort allows (restoring, deleting). `owner`: only the mentor acting as its
    owner (`Cohort.owned_by`). The cohort comes back with `is_own`, `is_owner`
    and `can_write` set for the templates."""
    user = request.user
    cohort = get_object_or_404(Cohort.objects.visible_to(user).with_access(user), pk=pk)
    cohort.is_owner = cohort.owned_by(user)
    cohort.can_write = cohort.is_own and not cohort.is_archived
    if (write or owner) and not cohort.is_own:
        raise PermissionDenied("Only the cohort's mentors can change it.")
    if (write or owner) and cohort.is_archived and not archived:
        raise PermissionDenied("This cohort is archived: restore it to change it.")
    if owner and not cohort.is_owner:
        raise PermissionDenied("Only the cohort's owner can do this.")
    return cohort


def get_member_for_mentor(request, pk, user_id, *, write: bool = False) -> Membership:
    """The learner's membership of a cohort the user mentors; 404 unless both are in it now."""
    cohort = get_cohort_for_mentor(request, pk, write=write)
    membership = get_object_or_404(Membership.objects.select_related("user"), cohort=cohort, user_id=user_id)
    membership.cohort = cohort
    return membership


def get_own_membership(request, pk) -> Membership:
    """The signed-in learner's own membership of the cohort; 404 if they are not in it."""
    return get_object_or_404(
        Membership.objects.select_related("cohort"), cohort_id=pk, user_id=request.user.pk
    )


def get_own_message(request, pk) -> Nudge:
    """A nudge or notice sent to the signed-in learner; 404 for anyone else's."""
    return get_object_or_404(Nudge, pk=pk, learner_id=request.user.pk)

"""A cohort's life: creating and renaming it, its links, its mentors, archiving, restoring, deleting.

Who may do what (through `progress.mentoring.access`): any of its mentors
renames, archives and restores it and makes a new join link; its owner also
invites and removes co-mentors and may delete it. An archived cohort changes
in nothing but being restored or deleted.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from progress.mentoring.access import get_cohort_for_mentor
from progress.mentoring.forms import CohortForm
from progress.mentoring.models import INVITE_TOKEN_SHAPE, Cohort
from progress.mentoring.services import (
    CohortNameTaken,
    cohort_create,
    cohort_delete,
    comentor_accept,
    comentor_remove,
)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def cohort_new(request):
    if not request.user.is_mentor:
        raise PermissionDenied("Only mentors can create cohorts.")
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = cohort_create(mentor=request.user, **form.cleaned_data)
        except CohortNameTaken as taken:
            if not taken.cohort.is_archived:
                # The form sent twice, or again after going back: one cohort, and here it is.
                messages.info(request, f"You already have a cohort called “{taken.cohort.name}”: here it is.")
                return redirect(taken.cohort)
            form.add_error(
                "name",
                "You have an archived cohort of this name. Restore it from “Your cohorts”, or choose another name.",
            )
        else:
            messages.success(request, f"Cohort “{cohort.name}” created. Send its join link to your learners.")
            return redirect(cohort)
    return render(request, "cohorts/cohort_form.html", {"form": form, "cohort": None})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def cohort_rename(request, pk):
    cohort = get_cohort_for_mentor(request, pk, write=True)
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Cohort saved.")
        return redirect(cohort)
    return render(request, "cohorts/cohort_form.html", {"form": form, "cohort": cohort})


@require_POST
@login_required
def invite_regenerate(request, pk):
    """A new join link. The page asks first (a disclosure around this form), without script."""
    cohort = get_cohort_for_mentor(request, pk, write=True)
    cohort.regenerate_invite()
    messages.success(request, "New join link made. The old link no longer works.")
    return redirect(f"{cohort.get_absolute_url()}#invite")


@require_POST
@login_required
def cohort_archive(request, pk):
    cohort = get_cohort_for_mentor(request, pk, write=True)
    cohort.archive()
    messages.success(
        request,
        f"“{cohort.name}” is archived: read-only, and listed under “Archived cohorts” below. "
        "Restore it from there at any time.",
    )
    return redirect("cohorts:mentor_home")


@require_POST
@login_required
def cohort_restore(request, pk):
    cohort = get_cohort_for_mentor(request, pk, write=True, archived=True)
    cohort.restore()
    messages.success(request, f"“{cohort.name}” is restored.")
    return redirect(cohort)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def cohort_delete_view(request, pk):
    """Asks first (GET), deletes on POST. Only its owner, archived or not."""
    cohort = get_cohort_for_mentor(request, pk, owner=True, archived=True)
    if request.method == "POST":
        told = cohort_delete(cohort=cohort, by=request.user)
        text = f"“{cohort.name}” is deleted."
        if told:
            who = "Its learner was" if told == 1 else f"Its {told} learners were"
            text += f" {who} told; their progress is unchanged."
        messages.success(request, text)
        return redirect("cohorts:mentor_home")
    return render(
        request, "cohorts/cohort_delete.html", {"cohort": cohort, "members": cohort.memberships.count()}
    )


# Mentors of a cohort.


@require_safe
@login_required
def cohort_mentors(request, pk):
    """The cohort's mentors, and for its owner the co-mentor link and a way to remove one."""
    cohort = get_cohort_for_mentor(request, pk)
    owner_id = cohort.acting_owner_id
    mentors = sorted(cohort.mentors.all(), key=lambda mentor: (mentor.pk != owner_id, str(mentor).casefold()))
    context = {
        "cohort": cohort,
        "mentors": mentors,
        "owner_id": owner_id,
        "mentor_invite_url": settings.SITE_URL + cohort.get_mentor_invite_path(),
    }
    return render(request, "cohorts/mentors.html", context)


@require_POST
@login_required
def mentor_invite_regenerate(request, pk):
    cohort = get_cohort_for_mentor(request, pk, owner=True)
    cohort.regenerate_mentor_invite()
    messages.success(request, "New co-mentor link made. The old link no longer works.")
    return redirect(f"{reverse('cohorts:mentors', kwargs={'pk': cohort.pk})}#mentor-invite")


@require_POST
@login_required
def mentor_remove(request, pk, user_id):
    """The owner removes a co-mentor; a co-mentor removes themselves (stops mentoring it)."""
    leaving = user_id == request.user.pk
    cohort = get_cohort_for_mentor(request, pk, write=leaving, owner=not leaving)
    mentor = get_object_or_404(cohort.mentors.all(), pk=user_id)
    try:
        comentor_remove(cohort=cohort, mentor=mentor)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("cohorts:mentors", pk=cohort.pk)
    if leaving:
        messages.success(request, f"You no longer mentor “{cohort.name}”.")
        return redirect("cohorts:mentor_home")
    messages.success(request, f"{mentor} no longer mentors “{cohort.name}”.")
    return redirect("cohorts:mentors", pk=cohort.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def mentor_invite(request, token):
    """The co-mentor link: anyone holding it sees the cohort's name; a mentor accepts with a POST."""
    well_formed = INVITE_TOKEN_SHAPE.fullmatch(token) is not None
    cohort = (
        Cohort.objects.filter(mentor_invite_token=token).select_related("owner").first()
        if well_formed
        else None
    )
    if cohort is None or cohort.is_archived:
        return render(request, "cohorts/invite_invalid.html", status=404)
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
        try:
            added = comentor_accept(cohort=cohort, user=user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(request.path)
        if added:
            messages.success(request, f"You now mentor “{cohort.name}” with {cohort.owner or 'its mentors'}.")
        return redirect(cohort)
    context = {
        "cohort": cohort,
        "next_query": urlencode({"next": request.path}),
        "is_mentor_of_it": user.is_authenticated and cohort.mentors.filter(pk=user.pk).exists(),
    }
    return render(request, "cohorts/mentor_invite.html", context)

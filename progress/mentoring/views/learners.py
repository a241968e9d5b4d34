"""What a learner does with cohorts: join one from its link, see theirs, leave one, and dismiss
a mentor's message on their dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from progress.mentoring.access import get_own_membership, get_own_message
from progress.mentoring.models import INVITE_TOKEN_SHAPE, Cohort, Membership
from progress.mentoring.services import membership_join, membership_leave, nudge_dismiss


@require_safe
@login_required
def my_cohorts(request):
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("cohort")
        .prefetch_related("cohort__mentors")
    )
    return render(request, "cohorts/my_cohorts.html", {"memberships": memberships})


@require_http_methods(["GET", "HEAD", "POST"])
def join(request, token):
    """The join link: anyone holding it sees the cohort; a signed-in learner confirms with a POST."""
    # Tokens are url-safe base64; anything else is no link of ours, so it never reaches the database.
    well_formed = INVITE_TOKEN_SHAPE.fullmatch(token) is not None
    cohort = (
        Cohort.objects.filter(invite_token=token).prefetch_related("mentors").first() if well_formed else None
    )
    if cohort is None:
        return render(request, "cohorts/invite_invalid.html", status=404)
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
        try:
            _membership, created = membership_join(cohort=cohort, user=user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(request.path)
        if created:
            messages.success(
                request, f"You joined “{cohort.name}”. Its mentors can now follow your progress."
            )
        else:
            messages.info(request, f"You are already in “{cohort.name}”.")
        return redirect("cohorts:mine")
    mentors = list(cohort.mentors.all())
    context = {
        "cohort": cohort,
        "mentors": mentors,
        "next_query": urlencode({"next": request.path}),
        "is_member": user.is_authenticated and cohort.memberships.filter(user=user).exists(),
        "is_mentor": user.is_authenticated and any(mentor.pk == user.pk for mentor in mentors),
    }
    return render(request, "cohorts/join.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def leave(request, pk):
    membership = get_own_membership(request, pk)
    if request.method == "POST":
        membership_leave(cohort=membership.cohort, user=request.user)
        messages.success(
            request, f"You left “{membership.cohort.name}”. Its mentors no longer see your progress."
        )
        return redirect("cohorts:mine")
    return render(request, "cohorts/leave.html", {"membership": membership})


@require_POST
@login_required
def message_dismiss(request, pk):
    """The learner hides a nudge or notice from their dashboard; 404 for anyone else's."""
    nudge_dismiss(nudge=get_own_message(request, pk))
    return redirect(f"{reverse('progress:dashboard')}#messages-title")

"""Reaching learners and being reached: nudges, a mentor's settings, the digest's unsubscribe link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.text import get_text_list
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from progress.mentoring.access import get_cohort_for_mentor, require_mentor
from progress.mentoring.digest import digest_unsubscribe, mentor_from_unsubscribe_token
from progress.mentoring.forms import MentorSettingsForm, NudgeForm, new_batch
from progress.mentoring.models import Membership
from progress.mentoring.services import (
    NUDGES_PER_DAY,
    mentor_settings,
    mentor_settings_update,
    nudge_send,
    nudges_left,
)


def _chosen_members(cohort, values) -> list[Membership]:
    """The cohort's memberships among the learner ids sent (anything else is ignored)."""
    ids = {int(value) for value in values if value.isdigit() and len(value) < 12}
    return list(
        Membership.objects.filter(cohort=cohort, user_id__in=ids)
        .select_related("user")
        .order_by("user__display_name")
    )


def _names(users) -> str:
    return get_text_list([str(user) for user in users], "and")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def nudge(request, pk):
    """Write to the learners ticked in the cohort table (GET ?learner=...), send on POST."""
    cohort = get_cohort_for_mentor(request, pk, write=True)
    data = request.POST if request.method == "POST" else request.GET
    members = _chosen_members(cohort, data.getlist("learner"))
    learners = [membership.user for membership in members]
    template = mentor_settings(request.user).nudge_template
    form = NudgeForm(request.POST or None, initial={"message": template, "batch": new_batch()})
    # Without a learner of the cohort chosen, the page says so and sends nothing.
    if request.method == "POST" and learners and form.is_valid():
        try:
            outcome = nudge_send(
                sender=request.user,
                cohort=cohort,
                learners=learners,
                template=form.cleaned_data["message"],
                batch=form.cleaned_data["batch"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if form.cleaned_data["remember"]:
                mentor_settings_update(user=request.user, nudge_template=form.cleaned_data["message"])
            _report(request, outcome)
            return redirect(cohort)
    context = {
        "cohort": cohort,
        "form": form,
        "learners": learners,
        "reachable": [learner for learner in learners if learner.accept_nudges],
        "left": nudges_left(sender=request.user),
        "per_day": NUDGES_PER_DAY,
    }
    return render(request, "cohorts/nudge.html", context)


def _report(request, outcome) -> None:
    if outcome.sent:
        dashboard_only = [learner for learner in outcome.sent if learner not in outcome.emailed]
        text = f"Nudged {_names(outcome.sent)}."
        if dashboard_only:
            text += f" {_names(dashboard_only)} will see it on their dashboard only (no cohort emails)."
        messages.success(request, text)
    if outcome.repeated:
        messages.info(
            request, f"This message had already reached {_names(outcome.repeated)}; it was not sent again."
        )
    if outcome.opted_out:
        messages.warning(request, f"Not nudged: {_names(outcome.opted_out)} turned nudges off.")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def settings_view(request):
    """A mentor's weekly digest (on or off) and the nudge message they start from."""
    require_mentor(request)
    form = MentorSettingsForm(request.POST or None, instance=mentor_settings(request.user))
    if request.method == "POST" and form.is_valid():
        mentor_settings_update(user=request.user, **form.cleaned_data)
        messages.success(request, "Your mentor settings are saved.")
        return redirect("cohorts:settings")
    return render(request, "cohorts/settings.html", {"form": form})


# Signed out too, the page names the mentor: no cache keeps it.
@never_cache
@csrf_exempt  # the signed token is the credential; mail programs' one-click POST has no CSRF cookie
@require_http_methods(["GET", "HEAD", "POST"])
def digest_unsubscribe_view(request, token):
    """The digest's unsubscribe link, without signing in: GET asks, POST turns the digest off
    (the page's button, or a mail program's List-Unsubscribe=One-Click)."""
    mentor = mentor_from_unsubscribe_token(token)
    if mentor is None:
        return render(request, "cohorts/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        digest_unsubscribe(mentor=mentor)
        return render(request, "cohorts/unsubscribe.html", {"done": True, "mentor": mentor})
    return render(request, "cohorts/unsubscribe.html", {"mentor": mentor})

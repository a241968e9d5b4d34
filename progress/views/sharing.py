"""Addresses a learner hands out: a read-only public page of their progress, and their plan as a
calendar feed; and the page where they make, replace and stop them.

Both addresses hold an unguessable token (`progress.models.LearnerLink`),
looked up by its digest. A token that is malformed, unknown or stopped gets
the site's 404 page, never an error. The public page says noindex (in the
page and in an X-Robots-Tag header) and shows figures and finished projects,
never notes. Queries: the progress page 4 (content version, the link with its
learner, their figures, their finished projects), the feed 3, the settings
page 3 (session, user, the links).
"""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from progress.activity import local_today
from progress.calendar import plan_calendar
from progress.figures import learner_figures
from progress.forms import LinkForm
from progress.marks import project_mark
from progress.models import LearnerLink, ProjectProgress, ProjectStatus
from progress.services import learner_link_create, learner_link_revoke
from roadmap import structure as roadmap_structure

# What new_link_token makes, with room to spare; anything else is no token of ours.
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")
NO_INDEX = "noindex, nofollow"

MESSAGES = {
    (LearnerLink.Kind.SHARE, "create"): "Your progress page has a new address. Any address you shared before "
    "no longer works.",
    (LearnerLink.Kind.SHARE, "revoke"): "Your progress page is no longer shared: its address shows nothing.",
    (
        LearnerLink.Kind.CALENDAR,
        "create",
    ): "Your calendar feed has a new address. A calendar subscribed to the "
    "old one stops updating: subscribe to the new one.",
    (LearnerLink.Kind.CALENDAR, "revoke"): "Your calendar feed is stopped: its address shows nothing.",
}


def _link_or_404(kind: str, token: str) -> LearnerLink:
    if not TOKEN.fullmatch(token):
        raise Http404("No such address.")
    link = LearnerLink.objects.opened_by(kind, token).first()
    if link is None or not link.user.is_active:
        raise Http404("No such address.")
    return link


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def sharing(request):
    """Make, replace or stop the learner's progress page and calendar feed."""
    if request.method == "POST":
        form = LinkForm(request.POST)
        if form.is_valid():
            kind, action = form.cleaned_data["kind"], form.cleaned_data["action"]
            if action == "create":
                learner_link_create(user=request.user, kind=kind)
            else:
                learner_link_revoke(user=request.user, kind=kind)
            messages.success(request, MESSAGES[kind, action])
            return redirect("progress:sharing")
        messages.error(request, "That is not something this page can do. Nothing changed.")
        status = 400
    else:
        status = 200
    links = {link.kind: link for link in LearnerLink.objects.filter(user=request.user)}
    share, feed = links.get(LearnerLink.Kind.SHARE), links.get(LearnerLink.Kind.CALENDAR)
    context = {
        "share": share,
        "share_url": settings.SITE_URL + share.get_absolute_url() if share else "",
        "feed": feed,
        "feed_url": settings.SITE_URL + feed.get_absolute_url() if feed else "",
        "feed_webcal": "webcal://" + (settings.SITE_URL + feed.get_absolute_url()).split("://", 1)[1]
        if feed
        else "",
        "kinds": LearnerLink.Kind,
    }
    return render(request, "progress/sharing.html", context, status=status)


@never_cache
@require_safe
def shared_progress(request, token):
    """A learner's progress as they chose to share it: figures and finished projects, no notes."""
    structure = roadmap_structure.current()
    if structure.roadmap is None:
        raise Http404("No roadmap is loaded yet.")
    link = _link_or_404(LearnerLink.Kind.SHARE, token)
    learner = link.user
    figures = learner_figures(learner, structure, today=local_today(learner), topics=[])
    rows = ProjectProgress.objects.filter(user=learner, status=ProjectStatus.DONE).order_by("-updated_at")
    finished = [
        project_mark(structure.project_by_id[row.project_id], row)
        for row in rows
        if row.project_id in structure.project_by_id
    ]
    context = {
        "roadmap": structure.roadmap,
        "name": learner.display_name or "A Waymark learner",
        "figures": figures,
        "finished": finished,
    }
    response = render(request, "progress/shared.html", context)
    response["X-Robots-Tag"] = NO_INDEX
    return response


@never_cache
@require_safe
def calendar_feed(request, token):
    """The learner's plan as an iCalendar feed, for a calendar app to subscribe to."""
    structure = roadmap_structure.current()
    link = _link_or_404(LearnerLink.Kind.CALENDAR, token)
    learner = link.user
    figures = learner_figures(learner, structure, today=local_today(learner), topics=[])
    response = HttpResponse(
        plan_calendar(figures, now=timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="waymark-plan.ics"'
    response["X-Robots-Tag"] = NO_INDEX
    return response

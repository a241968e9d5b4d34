"""A learner's report on a resource's link, from the control beside it on the phase page.

A plain form post is answered with a redirect back to the resource, with a
message; an htmx request with the control redrawn, saying the report was
received (and an announcement for screen readers). The resource is looked up
in the cached structure. Bad input or the day's limit: the control again with
the reason (422 for htmx), and nothing saved.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from progress.forms_topics import LinkReportForm
from progress.models import LinkReport
from progress.resources import ResourceFilter, ResourceMark, ResourceMarker, report_view
from progress.services import link_report_send
from progress.views.guards import login_required_from
from roadmap import structure as roadmap_structure


def _get_resource_or_404(pk):
    resource = roadmap_structure.current().resource_by_id.get(pk)
    if resource is None:
        raise Http404("No resource of the roadmap has this number.")
    return resource


def _resource_page(pk) -> str:
    """Where the resource is shown: its phase page, at the resource."""
    structure = roadmap_structure.current()
    resource = _get_resource_or_404(pk)
    phase = structure.phase_by_id[structure.section_by_id[resource.section_id].phase_id]
    return f"{phase.url}#resource-{resource.id}"


@require_POST
@login_required_from(_resource_page)
def resource_report(request, pk):
    resource = _get_resource_or_404(pk)
    form = LinkReportForm(request.POST)
    errors, report = [], None
    if form.is_valid():
        try:
            report = link_report_send(user=request.user, resource_id=resource.id, **form.cleaned_data)
        except ValidationError as error:
            errors = error.messages
    else:
        errors = [message for field_errors in form.errors.values() for message in field_errors]
    if not request.htmx:
        if errors:
            messages.error(request, " ".join(errors))
        else:
            messages.success(
                request, f"Thanks: your report on {resource.title} is sent. An editor will look at it."
            )
        return redirect(_resource_page(pk))
    if report is None:  # refused: show what the learner had reported before, if anything
        report = LinkReport.objects.open().filter(user=request.user, resource_id=resource.id).first()
    marker = ResourceMarker(ResourceFilter(), reports={})
    context = {
        "resource": ResourceMark(
            node=resource, report=report_view(report) if report else None, report_url=marker.report_url(pk)
        ),
        "errors": errors,
        "announcement": "" if errors else f"Report on {resource.title} sent. Thank you.",
    }
    return render(request, "progress/report_sent.html", context, status=422 if errors else 200)

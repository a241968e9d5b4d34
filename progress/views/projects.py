"""A learner's status, evidence link and reflection for a project idea, from the projects page.

A plain form post is answered with a redirect back to the project on
`/projects/`; htmx gets the project's item redrawn. A form with errors (an
evidence link that is not http or https, a reflection over its limit) comes
back with them (422) and nothing is saved.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from progress.forms_topics import ProjectProgressForm
from progress.marks import attach_project_progress
from progress.models import ProjectProgress
from progress.services import project_update
from progress.views.guards import login_required_from
from roadmap.models import ProjectIdea, Roadmap


def _project_page(pk) -> str:
    return f"{reverse('roadmap:projects')}#project-{pk}"


def _get_project_or_404(pk):
    """A project idea of the roadmap the site shows."""
    current = Roadmap.objects.order_by("order", "id").values("pk")[:1]
    return get_object_or_404(ProjectIdea.objects.filter(roadmap__in=current), pk=pk)


@require_POST
@login_required_from(_project_page)
def project_progress(request, pk):
    project = _get_project_or_404(pk)
    form = ProjectProgressForm(request.POST, auto_id=f"project-{project.pk}-%s")
    if form.is_valid():
        try:
            project_update(user=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    saved = form.is_valid()
    if saved and not request.htmx:
        messages.success(request, f"Saved: {project.title}.")
        return redirect(_project_page(project.pk))
    # Read back with the mentor's review, which the item shows beside the learner's own words.
    row = (
        ProjectProgress.objects.filter(user=request.user, project=project)
        .select_related("reviewed_by")
        .first()
    )
    attach_project_progress(project, row, form=None if saved else form)
    context = {"project": project, "mine": True, "open": True, "saved": saved}
    if not saved:
        template = "progress/_project.html#item" if request.htmx else "progress/project_form.html"
        return render(request, template, context, status=422)
    context["announcement"] = f"Saved: {project.title}."
    return render(request, "progress/project_saved.html", context)

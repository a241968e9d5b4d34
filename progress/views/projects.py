"""A learner's status, evidence link and reflection for a project idea, from the projects page.

A plain form post is answered with a redirect back to the project on
`/projects/`; htmx gets the project's item redrawn. A form with errors (an
evidence link that is not http or https, a reflection over its limit) comes
back with them (422) and nothing is saved.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from progress.forms_topics import ProjectProgressForm
from progress.marks import project_mark
from progress.models import ProjectProgress
from progress.services import project_update
from progress.views.guards import login_required_from
from roadmap import structure as roadmap_structure


def _project_page(pk) -> str:
    return f"{reverse('progress:projects')}#project-{pk}"


def _get_project_or_404(pk):
    """A project idea of the roadmap the site shows (a structure node)."""
    project = roadmap_structure.current().project_by_id.get(pk)
    if project is None:
        raise Http404("No project idea of the roadmap has this number.")
    return project


@require_POST
@login_required_from(_project_page)
def project_progress(request, pk):
    project = _get_project_or_404(pk)
    form = ProjectProgressForm(request.POST, auto_id=f"project-{project.id}-%s")
    row = None
    if form.is_valid():
        try:
            row = project_update(user=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    saved = form.is_valid()
    if saved and not request.htmx:
        messages.success(request, f"Saved: {project.title}.")
        return redirect(_project_page(project.id))
    if not saved:
        # Shown beside the form with its errors: what is saved, with the mentor's review.
        row = (
            ProjectProgress.objects.filter(user=request.user, project_id=project.id)
            .select_related("reviewed_by")
            .first()
        )
    context = {
        "project": project_mark(project, row, form=None if saved else form),
        "open": True,
        "saved": saved,
    }
    if not saved:
        template = "progress/_project.html#item" if request.htmx else "progress/project_form.html"
        return render(request, template, context, status=422)
    context["announcement"] = f"Saved: {project.title}."
    return render(request, "progress/project_saved.html", context)

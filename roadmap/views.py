"""The public pages: the roadmap at a glance, one page per phase, projects and the appendix.

No sign-in needed. Each page costs a fixed number of queries, whatever the
amount of content (tests/roadmap/test_pages.py holds them to it). A signed-in
learner also sees their own marks on the phase and projects pages, hung on the
same objects by `progress.marks` in a fixed number of queries more
(tests/progress/test_phase_page_progress.py and test_projects.py).
"""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from progress.marks import phase_marks, project_marks
from progress.plan import timeline_plan_dates
from roadmap.models import Phase, Roadmap


def _current_roadmap_or_404():
    roadmap = Roadmap.objects.current()
    if roadmap is None:
        raise Http404("No roadmap is loaded yet.")
    return roadmap


@require_safe
def overview(request):
    roadmap = Roadmap.objects.current()
    if roadmap is None:
        return render(request, "roadmap/overview.html", {"roadmap": None})
    phases = list(roadmap.phases.with_sizes().order_by("number"))
    timeline = list(
        roadmap.timeline.prefetch_related(
            Prefetch(
                "phases",
                queryset=Phase.objects.order_by("number").only("roadmap_id", "number", "slug", "title"),
            )
        )
    )
    # A signed-in learner with a plan sees their own dates on each row.
    learner_plan = timeline_plan_dates(request.user, timeline)
    context = {
        "roadmap": roadmap,
        "phases": phases,
        "topic_total": sum(phase.topic_count for phase in phases),
        "resource_total": sum(phase.resource_count for phase in phases),
        "career_paths": roadmap.career_paths.all(),
        "timeline": timeline,
        "learner_plan": learner_plan,
    }
    return render(request, "roadmap/overview.html", context)


@require_safe
def phase_detail(request, slug):
    phase = get_object_or_404(Phase.objects.of_current_roadmap().select_related("roadmap"), slug=slug)
    sections = phase.outline()
    previous, following = phase.neighbours()
    context = {
        "roadmap": phase.roadmap,
        "phase": phase,
        "sections": sections,
        "topic_total": sum(section.topic_count for section in sections),
        "resource_total": sum(len(section.resource_list) for section in sections),
        "previous": previous,
        "next": following,
    }
    if request.user.is_authenticated:
        context["mine"] = phase_marks(user=request.user, phase=phase, sections=sections)
    return render(request, "roadmap/phase.html", context)


@require_safe
def projects(request):
    roadmap = _current_roadmap_or_404()
    context = {"roadmap": roadmap, "levels": roadmap.projects.by_level()}
    if request.user.is_authenticated:
        context["mine"] = project_marks(user=request.user, levels=context["levels"])
    return render(request, "roadmap/projects.html", context)


@require_safe
def appendix(request):
    roadmap = _current_roadmap_or_404()
    context = {
        "roadmap": roadmap,
        "tool_categories": roadmap.tool_categories.prefetch_related("tools"),
        "communities": roadmap.communities.all(),
        "channels": roadmap.channels.all(),
        "principles": roadmap.principles.all(),
        "human_skills": roadmap.human_skills.all(),
    }
    return render(request, "roadmap/appendix.html", context)

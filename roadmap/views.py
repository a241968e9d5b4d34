"""The content's own page: the appendix (platforms, communities, channels, principles, skills).

The overview, the phases and the projects are put together by the progress
app, which adds a signed-in learner's marks to them (`progress.views.pages`).
Content comes from the cached structure: one query for its version.
"""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from roadmap import structure as roadmap_structure


@require_safe
def appendix(request):
    structure = roadmap_structure.current()
    if structure.roadmap is None:
        raise Http404("No roadmap is loaded yet.")
    context = {
        "roadmap": structure.roadmap,
        "tool_categories": structure.tool_categories,
        "communities": structure.communities,
        "channels": structure.channels,
        "principles": structure.principles,
        "human_skills": structure.human_skills,
    }
    return render(request, "roadmap/appendix.html", context)

"""The content's own pages: the appendix (platforms, communities, channels, principles, skills),
"What changed" (recent changes to the content, never who made them) and search.

The overview, the phases and the projects are put together by the progress
app, which adds a signed-in learner's marks to them (`progress.views.pages`).
Content comes from the cached structure: one query for its version.
"""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from roadmap import changes as roadmap_changes
from roadmap import search as roadmap_search
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


@require_safe
def changes(request):
    """Recent content changes: built once per content version, like the structure (one query)."""
    structure = roadmap_structure.current()
    return render(
        request,
        "roadmap/changes.html",
        {"roadmap": structure.roadmap, "changes": roadmap_changes.recent(), "limit": roadmap_changes.LIMIT},
    )


@require_safe
def search(request):
    """The header's search: topics, resources and project ideas (roadmap.search).

    Two queries: the content version and the search (none for a query too short)."""
    structure = roadmap_structure.current()
    results = roadmap_search.search(structure, request.GET.get("q", ""))
    context = {
        "results": results,
        "too_short": 0 < len(results.query) < roadmap_search.MIN_LENGTH,
        "min_length": roadmap_search.MIN_LENGTH,
        "max_length": roadmap_search.MAX_LENGTH,
    }
    return render(request, "roadmap/search.html", context)

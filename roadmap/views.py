from django.shortcuts import get_object_or_404, render

from roadmap.models import Phase, Roadmap


def overview(request):
    roadmap = Roadmap.objects.first()
    return render(request, "roadmap/overview.html", {"roadmap": roadmap})


def phase_detail(request, slug):
    phase = get_object_or_404(Phase, slug=slug)
    return render(request, "roadmap/phase.html", {"phase": phase})

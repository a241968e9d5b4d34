"""The roadmap's pages, put together where learner data lives: the overview, a phase, the projects.

Anyone may read them; a signed-in learner also sees their own figures and
controls on them. Content comes from the cached structure
(`roadmap.structure`, one query for its version) and the learner's figures
from the read model (`progress.figures`, one query), so each page costs a
fixed number of queries whatever its size (tests/progress/test_pages.py).
"""

from datetime import timedelta

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from progress.activity import local_today, topic_url
from progress.figures import learner_figures
from progress.marks import phase_marks, project_levels, public_sections
from progress.models import (
    NOTE_MAX_LENGTH,
    TopicStatus,
)
from progress.resources import ResourceFilter
from progress.services import project_reviews_seen
from progress.undo import SESSION_KEY as UNDO_SESSION_KEY
from roadmap import structure as roadmap_structure


@require_safe
def overview(request):
    """The roadmap at a glance; a signed-in learner's figures on its phases, and where to go on.

    Queries: the content version, and for a learner their figures (plan included)."""
    structure = roadmap_structure.current()
    context = {"structure": structure, "roadmap": structure.roadmap}
    if structure.roadmap is None:
        return render(request, "progress/overview.html", context)
    figures = None
    if request.user.is_authenticated:
        figures = learner_figures(request.user, structure, today=local_today(request.user))
    by_phase = {figure.phase.id: figure for figure in figures.phases} if figures else {}
    plan = figures.plan if figures else None
    context |= {
        "figures": figures,
        "phase_cards": [(phase, by_phase.get(phase.id)) for phase in structure.phases],
        "continue_topic": _continue(figures),
        "timeline": _timeline(structure, plan),
        "plan": plan,
    }
    return render(request, "progress/overview.html", context)


def _continue(figures):
    """The learner's next topic ("Continue: ..."), with where it is; None for a visitor or when done."""
    if figures is None:
        return None
    upcoming = figures.next_topics(1)
    if not upcoming:
        return None
    topic = upcoming[0]
    structure = figures.structure
    return {
        "node": topic,
        "url": topic_url(structure, topic.id),
        "phase": structure.phase_by_id[topic.phase_id],
        "in_progress": figures.status(topic.id) == TopicStatus.IN_PROGRESS,
    }


class _TimelineRow:
    """A row of the timeline with the learner's own dates, when they have a plan."""

    __slots__ = ("entry", "plan_last_day", "plan_start")

    def __init__(self, entry, plan_start=None, plan_last_day=None):
        self.entry = entry
        self.plan_start = plan_start
        self.plan_last_day = plan_last_day

    def __getattr__(self, name):
        return getattr(self.entry, name)


def _timeline(structure, plan) -> list[_TimelineRow]:
    """The timeline, with the dates of the learner's plan (from their figures) on each row."""
    if plan is None:
        return [_TimelineRow(entry) for entry in structure.timeline]
    targets = {target.phase.id: target for target in plan.targets}
    rows = []
    for entry in structure.timeline:
        mine = [targets[phase.id] for phase in entry.phases if phase.id in targets]
        if not mine:
            rows.append(_TimelineRow(entry))
            continue
        ends = [target.end for target in mine]
        last_day = None if None in ends else max(ends) - timedelta(days=1)
        rows.append(_TimelineRow(entry, min(target.start for target in mine), last_day))
    return rows


@require_safe
def phase_detail(request, slug):
    structure = roadmap_structure.current()
    phase = structure.phase_by_slug.get(slug)
    if phase is None:
        raise Http404("No phase of the roadmap has this address.")
    previous, following = structure.neighbours(phase)
    wanted = ResourceFilter.from_query(request.GET)
    context = {
        "roadmap": structure.roadmap,
        "phase": phase,
        "previous": previous,
        "next": following,
        "mine": None,
        "note_max_length": NOTE_MAX_LENGTH,
        "wanted": wanted,
    }
    if request.user.is_authenticated:
        figures = learner_figures(
            request.user,
            structure,
            today=local_today(request.user),
            topics=[leaf for section in phase.sections for leaf in section.leaf_ids],
        )
        # Sent back here without JavaScript after "mark all done": its undo, once.
        undo = request.session.pop(UNDO_SESSION_KEY, None)
        offers = {undo["topic"]: undo["token"]} if undo else None
        context["mine"] = phase_marks(
            user=request.user, figures=figures, phase=phase, wanted=wanted, undo=offers
        )
        context["sections"] = context["mine"].sections
    else:
        context["sections"] = public_sections(phase, wanted)
    return render(request, "progress/phase.html", context)


@require_safe
def projects(request):
    """The project ideas; a learner's own status, evidence and reviews on them.

    Queries for a learner: session, user, content version, their rows; and once,
    on the visit that first shows a mentor's new review, the write marking it seen."""
    structure = roadmap_structure.current()
    if structure.roadmap is None:
        raise Http404("No roadmap is loaded yet.")
    context = {"roadmap": structure.roadmap, "mine": request.user.is_authenticated}
    if request.user.is_authenticated:
        context["levels"] = project_levels(user=request.user, structure=structure)
        # Shown here, the mentor's new reviews are news no more (their dashboard stops saying so).
        rows = [mark.mine for _label, marks in context["levels"] for mark in marks]
        project_reviews_seen(user=request.user, rows=rows)
    else:
        context["levels"] = structure.project_levels()
    return render(request, "progress/projects.html", context)

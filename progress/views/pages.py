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

from progress import plan as plans
from progress.activity import local_today
from progress.figures import learner_figures
from progress.marks import phase_marks, project_levels, public_sections
from progress.models import LINK_REPORT_COMMENT_MAX_LENGTH, NOTE_MAX_LENGTH, LearningPlan, LinkReport
from progress.resources import ResourceFilter
from roadmap import structure as roadmap_structure


@require_safe
def overview(request):
    structure = roadmap_structure.current()
    context = {"structure": structure, "roadmap": structure.roadmap}
    if structure.roadmap is not None:
        context["timeline"] = _timeline(request.user, structure)
        context["learner_plan"] = any(row.plan_start for row in context["timeline"])
    return render(request, "progress/overview.html", context)


class _TimelineRow:
    """A row of the timeline with the learner's own dates, when they have a plan."""

    __slots__ = ("entry", "plan_last_day", "plan_start")

    def __init__(self, entry, plan_start=None, plan_last_day=None):
        self.entry = entry
        self.plan_start = plan_start
        self.plan_last_day = plan_last_day

    def __getattr__(self, name):
        return getattr(self.entry, name)


def _timeline(user, structure) -> list[_TimelineRow]:
    """The timeline, with the dates of the learner's saved plan on each row (one query, signed in)."""
    plan = LearningPlan.objects.filter(user=user).first() if user.is_authenticated else None
    if plan is None:
        return [_TimelineRow(entry) for entry in structure.timeline]
    facts = [
        plans.PhaseFacts(
            id=phase.id,
            number=phase.number,
            title=phase.title,
            slug=phase.slug,
            duration_max_months=phase.duration_max_months,
            timeline_start_month=phase.timeline_start_month,
            timeline_end_month=phase.timeline_end_month,
        )
        for phase in structure.phases
    ]
    targets = plans.plan_targets(facts, start_date=plan.start_date, pace=plan.pace)
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
        "report_reasons": LinkReport.Reason.choices,
        "report_comment_max_length": LINK_REPORT_COMMENT_MAX_LENGTH,
    }
    if request.user.is_authenticated:
        figures = learner_figures(
            request.user,
            structure,
            today=local_today(request.user),
            topics=[leaf for section in phase.sections for leaf in section.leaf_ids],
        )
        context["mine"] = phase_marks(user=request.user, figures=figures, phase=phase, wanted=wanted)
        context["sections"] = context["mine"].sections
    else:
        context["sections"] = public_sections(phase, wanted)
    return render(request, "progress/phase.html", context)


@require_safe
def projects(request):
    structure = roadmap_structure.current()
    if structure.roadmap is None:
        raise Http404("No roadmap is loaded yet.")
    context = {"roadmap": structure.roadmap, "mine": request.user.is_authenticated}
    if request.user.is_authenticated:
        context["levels"] = project_levels(user=request.user, structure=structure)
    else:
        context["levels"] = structure.project_levels()
    return render(request, "progress/projects.html", context)

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.decorators.http import require_safe

from progress.activity import learner_zone, local_today
from progress.exports import csv_response
from progress.figures import learner_figures
from progress.models import TopicNote, TopicProgress, TopicStatus
from roadmap import structure as roadmap_structure

CSV_HEADER = ["Phase", "Section", "Topic", "Status", "Updated at", "Note"]


@require_safe
@login_required
def progress_csv(request):
    """One row per leaf topic, in roadmap order, with the learner's status (UTF-8, with a header row).

    Statuses come from the read model; when each changed, and the learner's
    note on it, from one more query each."""
    structure = roadmap_structure.current()
    if structure.roadmap is None:
        raise Http404("No roadmap is loaded yet.")
    user = request.user
    today = local_today(user)
    figures = learner_figures(user, structure, today=today)
    updated = dict(TopicProgress.objects.filter(user=user).values_list("topic_id", "updated_at"))
    notes = dict(TopicNote.objects.filter(user=user).values_list("topic_id", "text"))
    zone = learner_zone(user)

    def rows():
        for leaf in structure.leaves:
            phase = structure.phase_by_id[leaf.phase_id]
            status = figures.status(leaf.id)
            when = updated.get(leaf.id)
            yield [
                f"Phase {phase.number}: {phase.title}",
                structure.section_by_id[leaf.section_id].title,
                " > ".join(leaf.path),
                TopicStatus(status).label,
                when.astimezone(zone).isoformat(timespec="seconds") if when else "",
                notes.get(leaf.id, ""),  # written formula-safe, like every cell
            ]

    return csv_response(f"waymark-progress-{today:%Y-%m-%d}.csv", CSV_HEADER, rows())

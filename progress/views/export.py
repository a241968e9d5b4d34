import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from progress.activity import learner_zone, local_today
from progress.outline import learner_outline
from roadmap.models import Roadmap

CSV_HEADER = ["Phase", "Section", "Topic", "Status", "Updated at", "Note"]
# A spreadsheet runs a cell starting with one of these as a formula ("CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


@require_safe
@login_required
def progress_csv(request):
    """One row per leaf topic, in roadmap order, with the learner's status (UTF-8, with a header row)."""
    roadmap = Roadmap.objects.current()
    if roadmap is None:
        raise Http404("No roadmap is loaded yet.")
    zone = learner_zone(request.user)
    filename = f"waymark-progress-{local_today(request.user):%Y-%m-%d}.csv"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for topic in learner_outline(user=request.user, roadmap_id=roadmap.pk).leaves:
        updated = topic.updated_at.astimezone(zone).isoformat(timespec="seconds") if topic.updated_at else ""
        cells = [
            f"Phase {topic.phase_number}: {topic.phase_title}",
            topic.section_title,
            " > ".join(topic.path),
            topic.status_label,
            updated,
            "yes" if topic.has_note else "no",
        ]
        writer.writerow([_cell(cell) for cell in cells])
    return response

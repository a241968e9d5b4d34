"""All of a learner's notes on one page, newest first, with where each topic sits in the roadmap.

A note is written on its topic's phase page; this page finds them again,
filtered by phase and by words in the note or its topic's title. Topics and
their paths come from the cached structure, the notes from one query: four
queries in all (session, user, content version, notes), however many notes.
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_safe

from progress.activity import topic_url
from progress.forms import NoteFilterForm
from progress.models import TopicNote
from roadmap import structure as roadmap_structure


@dataclass(frozen=True, slots=True)
class NoteItem:
    note: TopicNote
    title: str
    path: tuple[str, ...]  # phase, section, then the topic's ancestors (the topic's own title last)
    url: str


def _item(structure, note: TopicNote) -> NoteItem:
    node = structure.topic_by_id.get(note.topic_id)
    url = topic_url(structure, note.topic_id)
    if node is None:  # a topic the current roadmap no longer shows
        return NoteItem(note=note, title=note.topic.title, path=(), url=url)
    phase = structure.phase_by_id[node.phase_id]
    section = structure.section_by_id[node.section_id]
    where = (f"Phase {phase.number}: {phase.title}", section.title, *node.path[:-1])
    return NoteItem(note=note, title=node.title, path=where, url=url)


@require_safe
@login_required
def notes(request):
    structure = roadmap_structure.current()
    form = NoteFilterForm(request.GET, phases=structure.phases)
    rows = TopicNote.objects.filter(user=request.user).select_related("topic").order_by("-updated_at", "-id")
    filtered = False
    if form.is_valid():
        phase, words = form.cleaned_data["phase"], form.cleaned_data["q"]
        if phase:
            rows = rows.filter(topic__section__phase_id=structure.phase_by_slug[phase].id)
        if words:
            rows = rows.filter(Q(text__icontains=words) | Q(topic__title__icontains=words))
        filtered = bool(phase or words)
    else:
        rows = rows.none()
    items = [_item(structure, note) for note in rows]
    context = {"form": form, "items": items, "filtered": filtered}
    return render(request, "progress/notes.html", context, status=200 if form.is_valid() else 400)

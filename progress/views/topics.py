"""The learner's controls on a phase page: a leaf's status, a whole subtree done, a note, the path.

Each endpoint takes a POST from a form on the phase page. A plain form post is
answered with a redirect back to the topic (`/phases/<slug>/#<topic anchor>`); an
htmx request with the parts of the page that changed: the topic's row or
summary, and out-of-band the rows and summaries around it and the section and
phase bars ("progress/phase.html#change"). Topics are looked up in the cached
structure, so a status change costs six queries in all: session, user,
content version, the upsert, its log entry, and the figures for the answer. A malformed request (an unknown status, a topic with subtopics)
gets 400 and a message; a note over its limit gets its form back with the error
(422), and nothing is saved in either case.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from progress.activity import local_today
from progress.figures import learner_figures
from progress.forms_topics import NoteForm, PathForm, TopicStatusForm, UndoForm
from progress.marks import topic_change, topic_mark
from progress.models import NOTE_MAX_LENGTH, TopicStatus
from progress.services import (
    note_save,
    path_set_sections,
    progress_restore_statuses,
    progress_set_status,
    progress_set_subtree_status,
)
from progress.undo import SESSION_KEY as UNDO_SESSION_KEY
from progress.undo import undo_changes, undo_token
from progress.views.guards import login_required_from
from roadmap import structure as roadmap_structure
from roadmap.models import Phase


def _get_topic_or_404(pk):
    """A topic of the roadmap the site shows (a structure node: no query beyond the content version)."""
    topic = roadmap_structure.current().topic_by_id.get(pk)
    if topic is None:
        raise Http404("No topic of the roadmap has this number.")
    return topic


def _anchor(topic) -> str:
    phase = roadmap_structure.current().phase_by_id[topic.phase_id]
    return f"{phase.url}#{topic.anchor}"


def _topic_page(pk) -> str:
    return reverse("progress:topic", kwargs={"pk": pk})


def _refuse(message) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _form_error(form) -> HttpResponseBadRequest:
    return _refuse(" ".join(message for errors in form.errors.values() for message in errors))


@require_safe
def topic(request, pk):
    """A topic's permanent address: its place on its phase page."""
    return redirect(_anchor(_get_topic_or_404(pk)))


def _answer_change(request, topic, announcement, *, undo: str = ""):
    """Back to the topic on its page, or (htmx) the parts of the page the change touched;
    `undo` (a token) offers to undo the change on the topic's summary.

    The answer's figures come from the read model, like the page's (one query)."""
    if not request.htmx:
        if undo:
            # The page the browser is sent back to offers the undo (progress.views.pages).
            request.session[UNDO_SESSION_KEY] = {"topic": topic.id, "token": undo}
        return redirect(_anchor(topic))
    structure = roadmap_structure.current()
    section = structure.section_by_id[topic.section_id]
    figures = learner_figures(
        request.user, structure, today=local_today(request.user), topics=section.leaf_ids
    )
    change = topic_change(figures=figures, topic=topic, undo=undo)
    tally = change.section.tally
    announcement += f" {section.title}: {tally.completed} of {tally.leaves} completed."
    context = {"change": change, "mine": change.marks, "announcement": announcement}
    return render(request, "progress/phase.html#change", context)


@require_POST
@login_required_from(_topic_page)
def topic_status(request, pk):
    topic = _get_topic_or_404(pk)
    form = TopicStatusForm(request.POST)
    if not form.is_valid():
        return _form_error(form)
    status = form.cleaned_data["status"]
    try:
        progress_set_status(user=request.user, topic=topic, status=status)
    except ValidationError as error:
        return _refuse(" ".join(error.messages))
    return _answer_change(request, topic, f"{topic.title}: {TopicStatus(status).label.lower()}.")


@require_POST
@login_required_from(_topic_page)
def topic_done_all(request, pk):
    """Mark every leaf under a topic done (the "mark all done" of a branch), offering to undo it."""
    topic = _get_topic_or_404(pk)
    changes = progress_set_subtree_status(user=request.user, topic=topic, status=TopicStatus.DONE)
    undo = ""
    if changes:
        count = len(changes)
        announcement = f"{topic.title}: {count} topic{'s' if count != 1 else ''} marked done."
        if not topic.is_leaf:
            undo = undo_token(user=request.user, topic=topic, changes=changes)
            announcement += " Undo is beside it."
    else:
        announcement = f"{topic.title}: every topic was done already."
    return _answer_change(request, topic, announcement, undo=undo)


@require_POST
@login_required_from(_topic_page)
def topic_undo(request, pk):
    """Put back the statuses a "mark all done" changed, exactly as they were (progress.undo)."""
    topic = _get_topic_or_404(pk)
    form = UndoForm(request.POST)
    if not form.is_valid():
        return _form_error(form)
    try:
        changes = undo_changes(form.cleaned_data["token"], user=request.user, topic=topic)
        restored = progress_restore_statuses(user=request.user, changes=changes)
    except ValidationError as error:
        return _refuse(" ".join(error.messages))
    count = len(restored)
    if count:
        announcement = f"{topic.title}: undone, {count} topic{'s' if count != 1 else ''} back as before."
    else:
        announcement = f"{topic.title}: nothing to undo, the topics were changed since."
    return _answer_change(request, topic, announcement)


@require_POST
@login_required_from(_topic_page)
def topic_note(request, pk):
    topic = _get_topic_or_404(pk)
    if not topic.is_leaf:
        return _refuse("Notes belong to topics without subtopics.")
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note = note_save(user=request.user, topic=topic, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error.messages)
    if not form.is_valid():
        context = _note_context(topic, note="", note_form=form)
        template = "progress/topic_note_saved.html" if request.htmx else "progress/topic_note.html"
        return render(request, template, context, status=422)
    if not request.htmx:
        messages.success(request, f"Your note on {topic.title} is saved." if note else "Note deleted.")
        return redirect(_anchor(topic))
    announcement = f"Note on {topic.title} saved." if note else f"Note on {topic.title} deleted."
    context = _note_context(topic, note=note.text if note else "", saved=True, announcement=announcement)
    return render(request, "progress/topic_note_saved.html", context)


def _note_context(topic, *, note: str, **extra) -> dict:
    """What the note partial needs: the topic marked with the note, and the note's limit."""
    return {
        "topic": topic_mark(topic, note=note),
        "phase": roadmap_structure.current().phase_by_id[topic.phase_id],
        "open": True,
        "note_max_length": NOTE_MAX_LENGTH,
        **extra,
    }


def _path_page(slug) -> str:
    return reverse("progress:phase", kwargs={"slug": slug}) + "#path"


@require_POST
@login_required_from(_path_page)
def path(request, slug):
    """Choose the sections of an elective phase that count toward the learner's progress."""
    phase = get_object_or_404(Phase.objects.of_current_roadmap(), slug=slug)  # the form needs its sections
    form = PathForm(request.POST, phase=phase)
    if not form.is_valid():
        return _form_error(form)
    sections = list(form.cleaned_data["sections"])
    try:
        path_set_sections(user=request.user, phase=phase, sections=sections)
    except ValidationError as error:
        return _refuse(" ".join(error.messages))
    if sections:
        titles = ", ".join(section.title for section in sections)
        messages.success(request, f"Your path is saved: {titles}.")
    else:
        messages.success(request, "Your path is cleared: this phase counts for nothing until you choose.")
    return redirect(_path_page(slug))

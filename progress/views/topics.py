"""The learner's controls on a phase page: a leaf's status, a whole subtree done, a note, the path.

Each endpoint takes a POST from a form on the phase page. A plain form post is
answered with a redirect back to the topic (`/phases/<slug>/#topic-<pk>`); an
htmx request with the parts of the page that changed: the topic's row or
summary, and out-of-band the rows and summaries around it and the section and
phase bars. A malformed request (an unknown status, a topic with subtopics)
gets 400 and a message; a note over its limit gets its form back with the error
(422), and nothing is saved in either case.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from progress.forms_topics import NoteForm, PathForm, TopicStatusForm
from progress.marks import topic_change
from progress.models import NOTE_MAX_LENGTH, TopicStatus
from progress.services import note_save, path_set_sections, progress_set_status, progress_set_subtree_status
from progress.views.guards import login_required_from
from roadmap.models import Phase, Topic


def _get_topic_or_404(pk):
    """A topic of the roadmap the site shows, with its section and phase."""
    topics = Topic.objects.filter(section__phase__in=Phase.objects.of_current_roadmap())
    return get_object_or_404(topics.select_related("section__phase"), pk=pk)


def _anchor(topic) -> str:
    return f"{topic.section.phase.get_absolute_url()}#topic-{topic.pk}"


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


def _answer_change(request, topic, announcement):
    """Back to the topic on its page, or (htmx) the parts of the page the change touched."""
    if not request.htmx:
        return redirect(_anchor(topic))
    change = topic_change(user=request.user, topic=topic)
    section = change.section
    announcement += f" {section.title}: {section.tally.completed} of {section.tally.leaves} completed."
    context = {"change": change, "mine": change.marks, "section": section, "announcement": announcement}
    return render(request, "progress/topic_change.html", context)


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
    """Mark every leaf under a topic done (the "mark all done" of a branch)."""
    topic = _get_topic_or_404(pk)
    changed = progress_set_subtree_status(user=request.user, topic=topic, status=TopicStatus.DONE)
    if changed:
        announcement = f"{topic.title}: {changed} topic{'s' if changed != 1 else ''} marked done."
    else:
        announcement = f"{topic.title}: every topic was done already."
    return _answer_change(request, topic, announcement)


@require_POST
@login_required_from(_topic_page)
def topic_note(request, pk):
    topic = _get_topic_or_404(pk)
    if topic.children.exists():
        return _refuse("Notes belong to topics without subtopics.")
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note = note_save(user=request.user, topic=topic, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error.messages)
    if not form.is_valid():
        context = {"topic": topic, "note_form": form, "open": True, "note_max_length": NOTE_MAX_LENGTH}
        template = "progress/_topic.html#note" if request.htmx else "progress/topic_note.html"
        return render(request, template, context, status=422)
    if not request.htmx:
        messages.success(request, f"Your note on {topic.title} is saved." if note else "Note deleted.")
        return redirect(_anchor(topic))
    topic.note = note.text if note else ""
    announcement = f"Note on {topic.title} saved." if note else f"Note on {topic.title} deleted."
    context = {
        "topic": topic,
        "open": True,
        "saved": True,
        "announcement": announcement,
        "note_max_length": NOTE_MAX_LENGTH,
    }
    return render(request, "progress/topic_note_saved.html", context)


def _path_page(slug) -> str:
    return reverse("roadmap:phase", kwargs={"slug": slug}) + "#path"


@require_POST
@login_required_from(_path_page)
def path(request, slug):
    """Choose the sections of an elective phase that count toward the learner's progress."""
    phase = get_object_or_404(Phase.objects.of_current_roadmap(), slug=slug)
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

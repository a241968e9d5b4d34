"""{% topic_tree %}, {% topic_row %}, {% topic_head %}, {% topic_note %} and {% resource_report %}:
a phase page's trees and the learner's controls on them (progress.controls)."""

from django import template

from progress import controls

register = template.Library()


def _csrf(context) -> str:
    # One hidden field for the whole render, as {% csrf_token %} would give every form.
    cache = context.render_context
    if "csrf_input" not in cache:
        cache["csrf_input"] = controls.csrf_input(context["request"])
    return cache["csrf_input"]


# What editors added to a topic (description, resources): a partial of the phase page.
EXTRAS = "progress/phase.html#topic-extras"


@register.simple_tag(takes_context=True)
def topic_tree(context, tree, note_max_length, mine=False):
    """A topic tree; what editors added to a topic is drawn by the page's "topic-extras"
    partial, for the few topics that have any."""
    partial = context.template.engine.get_template(EXTRAS)

    def extras(mark) -> str:
        if not (mark.node.description_html or mark.resources):
            return ""
        with context.push(topic=mark):
            return partial.render(context)

    return controls.tree(
        tree, csrf=_csrf(context) if mine else "", note_max_length=note_max_length, mine=mine, extras=extras
    )


@register.simple_tag(takes_context=True)
def topic_row(context, topic, oob=False):
    return controls.row(topic, csrf=_csrf(context), oob=oob)


@register.simple_tag(takes_context=True)
def topic_head(context, topic, oob=False):
    return controls.head(topic, csrf=_csrf(context), oob=oob)


@register.simple_tag(takes_context=True)
def topic_note(context, topic, max_length, form=None, is_open=False, saved=False):
    """The note; `form`, a NoteForm that was refused, gives the text typed and its errors."""
    if getattr(form, "is_bound", False):
        text, errors = form["text"].value() or "", form.errors.get("text", [])
    else:
        text, errors = None, ()
    return controls.note(
        topic,
        csrf=_csrf(context),
        max_length=max_length,
        text=text,
        errors=errors,
        is_open=is_open,
        saved=saved,
    )


@register.simple_tag(takes_context=True)
def resource_report(context, resource, errors=()):
    return controls.report(resource, csrf=_csrf(context), errors=errors or ())

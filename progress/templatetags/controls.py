"""{% topic_tree %}, {% topic_row %}, {% topic_head %} and {% topic_note %}: a phase page's trees
and the learner's controls on them (progress.controls)."""

from django import template

from progress import controls

register = template.Library()


def _csrf(context) -> str:
    # One hidden field for the whole render, as {% csrf_token %} would give every form.
    cache = context.render_context
    if "csrf_input" not in cache:
        cache["csrf_input"] = controls.csrf_input(context["request"])
    return cache["csrf_input"]


@register.simple_tag(takes_context=True)
def topic_tree(context, tree, note_max_length, mine=False):
    return controls.tree(
        tree, csrf=_csrf(context) if mine else "", note_max_length=note_max_length, mine=mine
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

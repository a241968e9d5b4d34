"""The topic trees of a phase page and a learner's controls on them, drawn in Python: a leaf's
four status buttons, a branch's summary with "mark all done", a leaf's private note, and the
"report a problem" control beside each resource.

A phase page has dozens of leaves, each with a form of four buttons and a note
form; drawn by the template engine, they cost two thirds of the page's time
(thousands of template nodes). Built here from strings, they cost a tenth of
that. The phase page and every htmx answer draw them through the tags in
`progress.templatetags.controls`, so there is one markup for each.

Every value put into the markup is either escaped here (titles, notes,
errors) or the site's own (ids, statuses, URLs reversed from its URLconf).
"""

from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from progress.models import LINK_REPORT_COMMENT_MAX_LENGTH, LinkReport, TopicStatus
from progress.presentation import site_date

# (value, lower-case label) of each status, in the buttons' order.
STATUSES = tuple((value, label.lower()) for value, label in TopicStatus.choices)


def csrf_input(request) -> str:
    """The hidden CSRF field every form needs (the same token for the whole page)."""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(get_token(request))}">'


def _safe(html: str) -> SafeString:
    return mark_safe(html)  # noqa: S308 - built above from escaped values and the site's own


def _oob(oob: bool) -> str:
    return ' data-hx-swap-oob="true"' if oob else ""


def row(topic, *, csrf: str, oob: bool = False) -> SafeString:
    """A leaf: its title (a tree's root has it in its heading already) and four status buttons,
    each named for what it does ("Mark Type hints as done") and pressed when it is the status."""
    i, title, status, url = topic.id, escape(topic.title), topic.status, topic.status_url
    heading = "" if topic.is_root else f'<span class="topic__title" id="topic-{i}-title">{title}</span>'
    buttons = "".join(
        f'<button type="submit" name="status" value="{value}" id="topic-{i}-{value}" '
        f'class="status-button status-button--{value}" aria-pressed="{"true" if status == value else "false"}" '
        f'aria-label="Mark {title} as {label}"></button>'
        for value, label in STATUSES
    )
    return _safe(
        f'<div class="topic__row topic__row--{status}" id="topic-{i}-row"{_oob(oob)}>{heading}'
        f'<form class="status-control" method="post" action="{url}" data-hx-post="{url}" '
        f'data-hx-target="#topic-{i}-row" data-hx-swap="outerHTML" data-hx-sync="this:replace">'
        f"{csrf}{buttons}</form></div>"
    )


def head(topic, *, csrf: str, oob: bool = False) -> SafeString:
    """A branch: how its leaves add up, and "mark all done" (or, right after it, "undo")."""
    i, url, tally = topic.id, topic.done_all_url, topic.tally
    if tally.is_complete:
        # Every leaf done or skipped: a check beside the words, so a finished branch stands out.
        summary = f"All {tally.leaves} done" if not tally.skipped else f"All {tally.leaves} completed"
        if tally.skipped:
            summary += f": {tally.done} done, {tally.skipped} skipped"
        summary = f'<span class="topic__check" aria-hidden="true"></span>{summary}'
    else:
        summary = f"{tally.done} of {tally.leaves} done"
        if tally.skipped:
            summary += f", {tally.skipped} skipped"
        if tally.in_progress:
            summary += f", {tally.in_progress} in progress"
    # Right after "mark all done", its button is "Undo" (a form putting the statuses back).
    # Both buttons have the same id, so htmx keeps the focus on it from one to the other.
    if topic.undo:
        url = topic.undo_url
        fields = f'<input type="hidden" name="token" value="{escape(topic.undo)}">'
        label = f'Undo<span class="visually-hidden"> marking {escape(topic.title)} all done</span>'
        form_class, button_class = "mark-all mark-all--undo", "mark-all__button mark-all__button--undo"
    else:
        fields = ""
        label = f'Mark all done<span class="visually-hidden"> in {escape(topic.title)}</span>'
        form_class, button_class = "mark-all", "mark-all__button"
    return _safe(
        f'<div class="topic__meta topic__meta--{topic.status}" id="topic-{i}-head"{_oob(oob)}>'
        f'<span class="topic__summary">{summary}</span>'
        f'<form class="{form_class}" method="post" action="{url}" data-hx-post="{url}" '
        f'data-hx-target="#topic-{i}-head" data-hx-swap="outerHTML">{csrf}{fields}'
        f'<button type="submit" class="{button_class}" id="topic-{i}-done-all">{label}</button></form></div>'
    )


def note(
    topic,
    *,
    csrf: str,
    max_length: int,
    text: str | None = None,
    errors=(),
    is_open: bool = False,
    saved: bool = False,
) -> SafeString:
    """A leaf's private note behind a disclosure: `text` (the topic's note unless given, as after
    a refused save), its `errors`, open after a save, "Saved" once saved."""
    i, title, url = topic.id, escape(topic.title), topic.note_url
    value = topic.note if text is None else text
    toggle = 'Note<span class="note__dot" aria-hidden="true"></span>' if topic.note else "Add note"
    described, invalid, error_list = f"topic-{i}-note-help", "", ""
    if errors:
        described += f" topic-{i}-note-errors"
        invalid = ' aria-invalid="true"'
        items = "".join(f"<li>{escape(error)}</li>" for error in errors)
        error_list = f'<ul class="errorlist" id="topic-{i}-note-errors">{items}</ul>'
    opened = " open" if is_open else ""
    saved_mark = ' <span class="note__saved">Saved</span>' if saved else ""
    return _safe(
        f'<details class="note" id="topic-{i}-note"{opened}>'
        f'<summary class="note__toggle">{toggle}<span class="visually-hidden"> on {title}</span></summary>'
        f'<form class="note__form" method="post" action="{url}" data-hx-post="{url}" '
        f'data-hx-target="#topic-{i}-note" data-hx-swap="outerHTML">{csrf}'
        f'<label class="visually-hidden" for="topic-{i}-note-text">Your note on {title}</label>'
        f'<textarea name="text" id="topic-{i}-note-text" rows="3" maxlength="{max_length}" '
        f'aria-describedby="{described}"{invalid}>\n{escape(value)}</textarea>'
        f'{error_list}<div class="note__actions"><button type="submit" class="button--small" '
        f'id="topic-{i}-note-save">Save note<span class="visually-hidden"> on {title}</span></button>'
        f"{saved_mark}"
        f'<span class="help" id="topic-{i}-note-help">Only you can see your notes. Empty it to delete it.</span>'
        f"</div></form></details>"
    )


def _no_extras(mark) -> str:
    return ""


def tree(tree, *, csrf: str, note_max_length: int, mine: bool, extras=_no_extras) -> SafeString:
    """A topic tree as a card: the root's title (with its controls for a learner), then its
    subtopics at any depth, each branch's list labelled by its title. `tree` is a
    progress.marks.TreeMark; `mine` draws a learner's controls, otherwise titles only.
    `extras(mark)` draws what editors added to a topic (its description, its resources),
    as safe HTML, after its title and controls."""
    root = tree.root
    anchor, title = root.node.anchor, escape(root.title)
    # Old links (#topic-<id>) still land: an empty alias beside each slug anchor.
    parts = [
        f'<div class="tree card{" tree--mine" if mine else ""}">'
        f'<span class="anchor-alias" id="{root.node.legacy_anchor}"></span>'
    ]
    if mine:
        parts.append(f'<div class="tree__header"><h3 class="tree__title" id="{anchor}">{title}</h3>')
        parts.append(head(root, csrf=csrf) if not root.is_leaf else "")
        parts.append("</div>")
        if root.is_leaf:  # a tree of one topic: the root is the leaf the learner marks
            parts += [row(root, csrf=csrf), note(root, csrf=csrf, max_length=note_max_length)]
    else:
        parts.append(f'<h3 class="tree__title" id="{anchor}">{title}</h3>')
    parts.append(extras(root))
    if root.node.children:
        parts.append(f'<ul class="topic-list topic-list--root" aria-labelledby="{anchor}">')
        for child in root.node.children:
            _item(
                parts, tree.marks, child, csrf=csrf, note_max_length=note_max_length, mine=mine, extras=extras
            )
        parts.append("</ul>")
    parts.append("</div>")
    return _safe("".join(parts))


def _item(parts: list, marks, node, *, csrf: str, note_max_length: int, mine: bool, extras) -> None:
    mark = marks[node.id]
    anchor, legacy, title = node.anchor, node.legacy_anchor, escape(node.title)
    alias = f'<span class="anchor-alias" id="{legacy}"></span>'
    heading = f'<span class="topic__title" id="{legacy}-title">{title}</span>'
    if node.is_leaf:
        if mine:
            controls = row(mark, csrf=csrf) + note(mark, csrf=csrf, max_length=note_max_length)
            parts.append(f'<li class="topic topic--leaf" id="{anchor}">{alias}{controls}{extras(mark)}</li>')
        else:
            parts.append(f'<li class="topic" id="{anchor}">{alias}{heading}{extras(mark)}</li>')
        return
    if mine:
        heading = f'<div class="topic__branch">{heading}{head(mark, csrf=csrf)}</div>'
    parts.append(f'<li class="topic topic--branch" id="{anchor}">{alias}{heading}{extras(mark)}')
    parts.append(f'<ul class="topic-list" aria-labelledby="{legacy}-title">')
    for child in node.children:
        _item(parts, marks, child, csrf=csrf, note_max_length=note_max_length, mine=mine, extras=extras)
    parts.append("</ul></li>")


# (value, label) of each reason a learner may give for reporting a link.
REPORT_REASONS = tuple(LinkReport.Reason.choices)


def _day(moment) -> tuple[str, str]:
    """(machine date, site date) of a moment, in the site's time zone."""
    day = timezone.localtime(moment).date()
    return day.isoformat(), site_date(day)


def report(resource, *, csrf: str, errors=()) -> SafeString:
    """ "Report a problem" beside a resource (a progress.resources.ResourceMark), saying what the
    learner reported before, if anything; `errors`, why the last report was refused."""
    i, url, title, report = resource.id, resource.report_url, escape(resource.title), resource.report
    open_report = report is not None and not report.resolved_at
    status = ""
    if report is not None:
        machine, human = _day(report.created_at)
        when = f'<time datetime="{machine}">{human}</time>'
        reason = escape(report.reason_label.lower())
        if report.resolved_at:
            note = f". {escape(report.resolution_note)}" if report.resolution_note else ""
            said = f"Your report ({reason}, {when}): <strong>{escape(report.outcome_label)}</strong>{note}"
        else:
            said = f"Thanks: you reported this link as {reason} on {when}. An editor will look at it."
        status = f'<p class="report__status" id="resource-{i}-report-status">{said}</p>'
    alert = f'<p class="report__error" role="alert">{escape(" ".join(errors))}</p>' if errors else ""
    options = "".join(
        f'<option value="{value}"{" selected" if open_report and report.reason == value else ""}>'
        f"{escape(label)}</option>"
        for value, label in REPORT_REASONS
    )
    summary = "Change your report" if open_report else "Report a problem"
    comment = escape(report.comment) if open_report else ""
    return _safe(
        f'<div class="report" id="resource-{i}-report">{status}{alert}'
        f'<details class="report__control"{" open" if errors else ""}>'
        f'<summary>{summary}<span class="visually-hidden"> with {title}</span></summary>'
        f'<form method="post" action="{url}" data-hx-post="{url}" data-hx-target="#resource-{i}-report" '
        f'data-hx-swap="outerHTML">{csrf}'
        f'<label for="resource-{i}-reason">What is wrong?</label>'
        f'<select name="reason" id="resource-{i}-reason" required><option value="">Choose one</option>'
        f"{options}</select>"
        f'<label for="resource-{i}-comment">Anything editors should know? '
        f'<span class="muted">(optional)</span></label>'
        f'<input type="text" name="comment" id="resource-{i}-comment" '
        f'maxlength="{LINK_REPORT_COMMENT_MAX_LENGTH}" value="{comment}">'
        f'<button type="submit" class="button--small" id="resource-{i}-send">Send report'
        f'<span class="visually-hidden"> on {title}</span></button></form></details></div>'
    )

"""What changed in the roadmap lately: the public page's list, built from the content's history.

Every content model keeps its history (django-simple-history: who, when,
which fields, before and after). The public page shows what and when, never
who: no editor's name, no change reason (an editor may have typed anything
there). Like the structure, the list is built once per content version (every
content change, a revert included, gives a new one) and kept in the cache and
in this process, so the page costs the one query for the version.

Not listed: the first record of every row, made when history began, and the
rows the seed's import created in bulk (the roadmap as first loaded). Its
later changes to them are listed.
"""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.core.cache import cache
from django.db import models

from roadmap import structure as roadmap_structure
from roadmap.importer import LOADED

LIMIT = 50
CACHE_KEY = "roadmap:changes:{version}"
# The change reason of the records roadmap migration 0004 made when history began.
BASELINE = "As it was when history began"
HIDDEN_FIELDS = {"id", "key"}
ACTIONS = {"+": "added", "~": "changed", "-": "removed"}
LONG = 140  # characters of a value shown before it is cut


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Change:
    when: datetime
    kind: str  # "topic", "resource"...
    title: str
    action: str  # added, changed or removed
    fields: tuple[FieldChange, ...]
    url: str  # where it shows on the site; "" when nowhere (removed, or not shown)


def tracked_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_app_config("roadmap").get_models()
        if getattr(model._meta, "simple_history_manager_attribute", None) and not model._meta.proxy
    ]


def _title(record) -> str:
    return next(str(getattr(record, name)) for name in ("title", "name", "label") if hasattr(record, name))


def _shown(field, value) -> str:
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return "yes" if value else "no"
    text = " ".join(str(value).split())
    return text if len(text) <= LONG else text[: LONG - 1] + "…"


def _field_changes(model, record, previous) -> tuple[FieldChange, ...]:
    if previous is None:
        return ()
    changes = []
    for field in model._meta.concrete_fields:
        if field.name in HIDDEN_FIELDS:
            continue
        before, after = getattr(previous, field.attname), getattr(record, field.attname)
        if before == after:
            continue
        label = str(field.verbose_name)
        if field.is_relation:  # a move: say so, without naming rows that may be gone
            changes.append(FieldChange(label=label, before="", after="moved"))
        else:
            changes.append(FieldChange(label=label, before=_shown(field, before), after=_shown(field, after)))
    return tuple(changes)


def _url(model, object_id, structure) -> str:
    name = model._meta.model_name
    if name == "topic" and (topic := structure.topic_by_id.get(object_id)):
        return f"{structure.phase_by_id[topic.phase_id].url}#{topic.anchor}"
    if name == "resource" and (resource := structure.resource_by_id.get(object_id)):
        section = structure.section_by_id[resource.section_id]
        return f"{structure.phase_by_id[section.phase_id].url}#resource-{resource.id}"
    if name == "section" and (section := structure.section_by_id.get(object_id)):
        return f"{structure.phase_by_id[section.phase_id].url}#{section.slug}"
    if name == "phase" and (phase := structure.phase_by_id.get(object_id)):
        return phase.url
    if name == "projectidea" and object_id in structure.project_by_id:
        return f"/projects/#project-{object_id}"
    return ""


def build(structure) -> tuple[Change, ...]:
    """The latest LIMIT changes to content, newest first (two queries per content model)."""
    latest = []
    for model in tracked_models():
        records = (
            model.history.exclude(history_change_reason=BASELINE)
            .exclude(history_type="+", history_change_reason=LOADED)
            .order_by("-history_date", "-history_id")[:LIMIT]
        )
        latest += [(model, record) for record in records]
    latest.sort(key=lambda pair: (pair[1].history_date, pair[1].history_id), reverse=True)
    latest = latest[:LIMIT]

    # Each change's previous record, to compare with: one query per model among those listed.
    previous = {}
    for model in {model for model, _record in latest}:
        mine = [record for other, record in latest if other is model]
        earlier = model.history.filter(
            id__in={record.id for record in mine}, history_id__lt=max(record.history_id for record in mine)
        ).order_by("id", "history_id")
        by_object = {}
        for record in earlier:
            by_object.setdefault(record.id, []).append(record)
        for record in mine:
            before = [old for old in by_object.get(record.id, []) if old.history_id < record.history_id]
            previous[model, record.history_id] = before[-1] if before else None

    changes = []
    for model, record in latest:
        before = previous[model, record.history_id]
        fields = _field_changes(model, record, before)
        if record.history_type == "~" and before is not None and not fields:
            continue  # saved without a visible change
        changes.append(
            Change(
                when=record.history_date,
                kind=str(model._meta.verbose_name),
                title=_title(record),
                action=ACTIONS.get(record.history_type, "changed"),
                fields=fields,
                url="" if record.history_type == "-" else _url(model, record.id, structure),
            )
        )
    return tuple(changes)


_memo: tuple[str, tuple[Change, ...]] | None = None


def recent() -> tuple[Change, ...]:
    """The recent changes for the current content version: built once per version, then shared."""
    global _memo
    structure = roadmap_structure.current()
    memo = _memo
    if memo is not None and memo[0] == structure.version:
        return memo[1]
    key = CACHE_KEY.format(version=structure.version)
    changes = cache.get(key)
    if changes is None:
        changes = build(structure)
        cache.set(key, changes, timeout=None)
    _memo = (structure.version, changes)
    return changes


def forget() -> None:
    global _memo
    _memo = None

"""Apply a parsed roadmap (roadmap.markdown) to the database.

Rows are matched by `key`, a slug path built from the titles in the markdown,
so a second import changes nothing and an edited title or link updates the
row in place. Nothing is ever deleted: learners' progress may point at a row,
so rows the markdown no longer has are only reported.

Everything is validated before the first write (`roadmap_rows`), and the
writes happen in one transaction (`roadmap_import`).

Only the fields the markdown has are written (titles, links, types, the
tree): what editors add in the admin (descriptions, topic resources, costs,
levels, project briefs and checklists...) is never touched, and rows added
in the admin are kept. Every row created or changed gets a history record.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from roadmap import models
from roadmap.keys import SiblingKeys, prefix
from roadmap.structure import content_changed


class RoadmapImportError(Exception):
    def __init__(self, line, message):
        super().__init__(f"{line}: {message}")
        self.line = line
        self.message = message


@dataclass
class Row:
    """One row as the markdown describes it."""

    model: type
    key: str
    line: int
    values: dict
    parents: dict = field(default_factory=dict)  # Foreign key name -> the parent's key.
    phase_keys: list | None = None  # TimelineEntry.phases, by key.
    depth: int = 0  # A topic's depth in its tree: parents are saved before their children.


@dataclass
class ImportResult:
    key: str
    dry_run: bool = False
    created: list = field(default_factory=list)  # Keys.
    updated: dict = field(default_factory=dict)  # Key -> names of the changed fields.
    unchanged: int = 0
    missing: list = field(default_factory=list)  # Keys in the database, no longer in the markdown.

    @property
    def changed(self):
        return bool(self.created or self.updated)

    def summary(self):
        verb = "Would import" if self.dry_run else "Imported"
        missing = ", ".join(self.missing) if self.missing else "none"
        return (
            f"{verb} {self.key}: {len(self.created)} created, {len(self.updated)} updated, "
            f"{self.unchanged} unchanged; no longer in the markdown: {missing}"
        )


# Change reasons in the content's history: rows created by an import (the public
# "What changed" page leaves them out: roadmap.changes), and rows it changed.
LOADED = "Loaded from the roadmap markdown"
IMPORTED = "Imported from the roadmap markdown"

# Creation order: a row's parents come before it.
MODELS = [
    models.Roadmap,
    models.Phase,
    models.Section,
    models.Topic,
    models.Resource,
    models.ProjectIdea,
    models.TimelineEntry,
    models.CareerPath,
    models.ToolCategory,
    models.Tool,
    models.Community,
    models.Channel,
    models.Principle,
    models.HumanSkill,
]
KINDS = {label.lower(): value for value, label in models.Resource.Kind.choices}


class _Keys(SiblingKeys):
    """The key scheme's sibling keys (`roadmap.keys`), failing with the markdown's line."""

    def __init__(self, model, parent_key, *, level=""):
        super().__init__(prefix(model, parent_key, level=level))

    def __call__(self, title, line):
        try:
            return super().__call__(title)
        except ValueError as error:
            raise RoadmapImportError(line, str(error)) from None


def _slug(key):
    return key.rsplit("/", 1)[1]


def _validated(row):
    """Check each value as the model field would, so a bad value fails with its line, before any write."""
    for name, value in row.values.items():
        model_field = row.model._meta.get_field(name)
        try:
            row.values[name] = model_field.clean(value, None)
        except ValidationError as error:
            raise RoadmapImportError(
                row.line,
                f"{row.model._meta.verbose_name} {model_field.verbose_name}: {' '.join(dict.fromkeys(error.messages))}",
            ) from None
    return row


def _appendix_rows(document, key, phase_keys):
    def items(model, entries, make_values):
        keys = _Keys(model, key)
        for order, entry in enumerate(entries):
            values = {"order": order, **make_values(entry)}
            yield Row(model, keys(entry.title, entry.line), entry.line, values, {"roadmap": key})

    levels = defaultdict(int)
    keys = {level: _Keys(models.ProjectIdea, key, level=level) for level in models.ProjectIdea.Level.values}
    for project in document.projects:
        values = {"order": levels[project.level], "level": project.level, "title": project.title}
        levels[project.level] += 1
        row_key = keys[project.level](project.title, project.line)
        yield Row(models.ProjectIdea, row_key, project.line, values, {"roadmap": key})

    timeline_keys = _Keys(models.TimelineEntry, key)
    for order, entry in enumerate(document.timeline):
        values = {
            "order": order,
            "label": entry.label,
            "start_month": entry.start_month,
            "end_month": entry.end_month,
            "description": entry.description,
        }
        row = Row(models.TimelineEntry, timeline_keys(entry.label, entry.line), entry.line, values)
        row.parents = {"roadmap": key}
        row.phase_keys = [phase_keys[number] for number in entry.phase_numbers]
        yield row

    focus = {title.strip().lower() for title in document.focus_title.split("/")}
    yield from items(
        models.CareerPath,
        document.careers,
        lambda c: {"title": c.title, "description": c.description, "is_focus": c.title.lower() in focus},
    )

    category_keys = _Keys(models.ToolCategory, key)
    for order, category in enumerate(document.tool_categories):
        category_key = category_keys(category.title, category.line)
        values = {
            "order": order,
            "title": category.title,
            "name_heading": category.name_heading,
            "description_heading": category.description_heading,
        }
        yield Row(models.ToolCategory, category_key, category.line, values, {"roadmap": key})
        tool_keys = _Keys(models.Tool, category_key)
        for tool_order, tool in enumerate(category.tools):
            values = {"order": tool_order, "name": tool.title, "description": tool.description}
            yield Row(
                models.Tool, tool_keys(tool.title, tool.line), tool.line, values, {"category": category_key}
            )

    community_keys = _Keys(models.Community, key)
    for order, community in enumerate(document.communities):
        values = {"order": order, "name": community.name, "url": community.url}
        row_key = community_keys(community.name, community.line)
        yield Row(models.Community, row_key, community.line, values, {"roadmap": key})

    yield from items(
        models.Channel,
        document.channels,
        lambda c: {"name": c.title, "description": c.description},
    )
    yield from items(
        models.Principle,
        document.principles,
        lambda p: {"title": p.title, "description": p.description},
    )
    yield from items(models.HumanSkill, document.human_skills, lambda s: {"title": s.title})


def _phase_rows(document, key, phase_keys):
    make_key = _Keys(models.Phase, key)
    for phase in document.phases:
        phase_key = phase_keys[phase.number] = make_key(phase.title, phase.line)
        values = {
            "order": phase.number - 1,
            "number": phase.number,
            "slug": _slug(phase_key),
            "title": phase.title,
            "duration_text": phase.duration_text,
            "duration_min_months": phase.duration_min_months,
            "duration_max_months": phase.duration_max_months,
            "note": phase.note,
            "is_elective": phase.is_elective,
        }
        yield Row(models.Phase, phase_key, phase.line, values, {"roadmap": key})
        section_keys = _Keys(models.Section, phase_key)
        for order, section in enumerate(phase.sections):
            section_key = section_keys(section.title, section.line)
            values = {"order": order, "slug": _slug(section_key), "title": section.title}
            yield Row(models.Section, section_key, section.line, values, {"phase": phase_key})
            yield from _topic_rows(section.trees, section_key, section_key, None)
            resource_keys = _Keys(models.Resource, section_key)
            for res_order, resource in enumerate(section.resources):
                kind = KINDS.get(resource.kind.lower())
                if kind is None:
                    choices = ", ".join(label for _, label in models.Resource.Kind.choices)
                    raise RoadmapImportError(
                        resource.line, f"unknown resource type {resource.kind!r} (one of: {choices})"
                    )
                values = {
                    "order": res_order,
                    "kind": kind,
                    "title": resource.title,
                    "url": resource.link if resource.is_url else "",
                    "publisher": "" if resource.is_url else resource.link,
                }
                row_key = resource_keys(resource.title, resource.line)
                yield Row(models.Resource, row_key, resource.line, values, {"section": section_key})


def _topic_rows(nodes, parent_key, section_key, parent_topic_key, depth=0):
    keys = _Keys(models.Topic, parent_key)
    for order, node in enumerate(nodes):
        topic_key = keys(node.title, node.line)
        values = {"order": order, "slug": _slug(topic_key), "title": node.title}
        parents = {"section": section_key, "parent": parent_topic_key}
        yield Row(models.Topic, topic_key, node.line, values, parents, depth=depth)
        yield from _topic_rows(node.children, topic_key, section_key, topic_key, depth + 1)


def roadmap_rows(document, key):
    """Every row `document` (a parsed `roadmap.markdown.Roadmap`) describes, validated, parents first.

    Raises `RoadmapImportError` with the line of the first bad value.
    """
    roadmap_values = {
        name: getattr(document, name)
        for name in [
            "title",
            "tagline",
            "careers_heading",
            "careers_title",
            "focus_title",
            "focus_summary",
            "principles_heading",
            "skills_heading",
            "skills_title",
            "last_updated",
        ]
    }
    rows = [Row(models.Roadmap, key, 1, roadmap_values)]
    phase_keys = {}  # Number -> key, for the timeline.
    rows += _phase_rows(document, key, phase_keys)
    rows += _appendix_rows(document, key, phase_keys)
    rank = {model: position for position, model in enumerate(MODELS)}
    # Topics sort by depth so that a topic's parent is saved before it.
    rows.sort(key=lambda row: (rank[row.model], row.depth))
    return [_validated(row) for row in rows]


def _batches(rows):
    batches = []
    for row in rows:
        if not batches or batches[-1][0] != (row.model, row.depth):
            batches.append(((row.model, row.depth), []))
        batches[-1][1].append(row)
    return [(model, batch) for (model, _), batch in batches]


def _existing(key):
    """The roadmap's current rows, one query per model, by model and key."""
    existing = {}
    for model in MODELS:
        rows = (
            model.objects.filter(key=key)
            if model is models.Roadmap
            else model.objects.filter(key__startswith=f"{key}/")
        )
        existing[model] = {row.key: row for row in rows}
    return existing


def _check_phase_numbers(rows, existing):
    """A phase the markdown dropped keeps its number; a phase that now wants it can't have it."""
    wanted = {row.key for row in rows if row.model is models.Phase}
    held = {phase.number: phase.key for key, phase in existing[models.Phase].items() if key not in wanted}
    for row in rows:
        if row.model is models.Phase and row.values["number"] in held:
            raise RoadmapImportError(
                row.line,
                f"Phase {row.values['number']} is still held by {held[row.values['number']]}, which the "
                "markdown no longer has (a phase whose title changes gets a new key); renumber or "
                "delete that phase in the admin first",
            )


def _save_updates(model, updates):
    if model is models.Phase:
        # Phase numbers are unique per roadmap, so renumbered phases step aside first (a swap would clash).
        for obj, names in updates:
            if "number" in names:
                wanted, obj.number = obj.number, 10000 + obj.number
                obj.save(update_fields=["number"])
                obj.number = wanted
    for obj, names in updates:
        obj._change_reason = IMPORTED  # the history says where the change came from
        obj.save(update_fields=names)


def _apply_timeline_phases(rows, existing, pks, result, dry_run):
    through = models.TimelineEntry.phases.through
    entries = [row for row in rows if row.model is models.TimelineEntry]
    current = defaultdict(set)
    if existing[models.TimelineEntry]:
        pairs = through.objects.filter(timelineentry__key__startswith=f"{result.key}/").values_list(
            "timelineentry__key", "phase__key"
        )
        for entry_key, phase_key in pairs:
            current[entry_key].add(phase_key)
    stale, fresh = [], []
    for row in entries:
        wanted = set(row.phase_keys)
        if wanted == current[row.key]:
            continue
        if row.key not in result.created:
            result.updated.setdefault(row.key, []).append("phases")
            if len(result.updated[row.key]) == 1:
                result.unchanged -= 1
        entry_pk = pks[models.TimelineEntry, row.key]
        stale += [(entry_pk, pks[models.Phase, key]) for key in current[row.key] - wanted]
        fresh += [
            through(timelineentry_id=entry_pk, phase_id=pks[models.Phase, key])
            for key in wanted - current[row.key]
        ]
    if dry_run:
        return
    for entry_pk, phase_pk in stale:
        through.objects.filter(timelineentry_id=entry_pk, phase_id=phase_pk).delete()
    through.objects.bulk_create(fresh)


def roadmap_import(*, document, key, dry_run=False):
    """Create or update the roadmap `key` and all its rows from `document`; never delete.

    Returns an `ImportResult`. With `dry_run` it only compares. Raises
    `RoadmapImportError` (and writes nothing) when a value is invalid.
    """
    rows = roadmap_rows(document, key)
    result = ImportResult(key=key, dry_run=dry_run)
    with transaction.atomic():
        existing = _existing(key)
        _check_phase_numbers(rows, existing)
        pks = {}
        for model, batch in _batches(rows):
            field_names = {f.attname: f.name for f in model._meta.concrete_fields}
            new, updates = [], []
            for row in batch:
                wanted = dict(row.values)
                for name, parent_key in row.parents.items():
                    model_field = model._meta.get_field(name)
                    parent_pk = pks[model_field.related_model, parent_key] if parent_key else None
                    wanted[model_field.attname] = parent_pk
                obj = existing[model].get(row.key)
                if obj is None:
                    obj = model(key=row.key, **wanted)
                    new.append(obj)
                    result.created.append(row.key)
                else:
                    changed = {name: value for name, value in wanted.items() if getattr(obj, name) != value}
                    for name, value in changed.items():
                        setattr(obj, name, value)
                    names = [field_names[attname] for attname in changed]
                    if names:
                        updates.append((obj, names))
                        result.updated[row.key] = names
                    else:
                        result.unchanged += 1
            if not dry_run:
                _save_updates(model, updates)
                bulk_create_with_history(new, model, default_change_reason=LOADED)
            for obj in [*existing[model].values(), *new]:
                pks[model, obj.key] = obj.pk
        _apply_timeline_phases(rows, existing, pks, result, dry_run)
        if result.changed and not dry_run:
            # Bulk writes send no signals: the cached structure learns of them here.
            content_changed()
        wanted_keys = {row.key for row in rows}
        for model in MODELS:
            result.missing += sorted(key for key in existing[model] if key not in wanted_keys)
    return result

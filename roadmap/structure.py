"""The roadmap's structure, built once per content version and shared by every process.

Content changes rarely and is read on every page: phases, sections, topic
trees, resources, projects, the timeline and the appendix. `current()` builds
all of it into frozen, picklable nodes once, keeps it in Django's configured
cache (Redis or the database, so every process and instance shares it) under
the content version, and in this process's memory beside it. Every content
write changes the version in the same transaction (`content_changed`, wired
to every content model's save and delete in `roadmap.apps`, and called by the
importer), so the next request, in any process, sees the change.

A request pays one query for the version (`ContentVersion`); building costs a
dozen more, once per version. The nodes are frozen: a page never changes the
shared structure, it reads a learner's marks from dicts beside it.
"""

import hashlib
import re
import sys
from collections import defaultdict
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db.models import Max, Min
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from roadmap import models, prose, trees


def _code_version() -> str:
    """A digest of the code that builds the structure: the cache key holds it, so a deploy
    that changes the nodes or how they are built never reads what the old code cached."""
    digest = hashlib.sha256()
    for module in (sys.modules[__name__], prose, trees):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:12]


CACHE_KEY = "roadmap:structure:" + _code_version() + ":{version}"


# The nodes ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TopicNode:
    id: int
    key: str
    slug: str
    title: str
    parent_id: int | None
    section_id: int
    phase_id: int
    depth: int  # 0 for a tree's root
    path: tuple[str, ...]  # titles from the root down to this topic
    position: int  # its place in the roadmap's reading order (depth first)
    children: tuple["TopicNode", ...]
    leaf_ids: tuple[int, ...]  # the leaves under it in reading order; itself when it is one
    description_html: str = ""  # the editors' Markdown, rendered and sanitized (roadmap.prose)
    resources: tuple["ResourceNode", ...] = ()  # the topic's own, beside its section's
    # Its #fragment on the phase page: its slug, unique on that page (see `topic_anchors`).
    anchor: str = ""

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def description(self) -> SafeString:
        return mark_safe(self.description_html)  # noqa: S308 - sanitized by roadmap.prose when built

    @property
    def leaf_count(self) -> int:
        return len(self.leaf_ids)

    @property
    def legacy_anchor(self) -> str:
        """The fragment links used before anchors were slugs (`#topic-<id>`): still on the page."""
        return f"topic-{self.id}"


@dataclass(frozen=True, slots=True)
class ResourceNode:
    id: int
    key: str
    kind: str
    kind_label: str
    title: str
    url: str
    publisher: str
    section_id: int = 0
    topic_id: int | None = None  # a topic's own resource; None for a section's
    cost: str = ""  # "" when nobody has said
    cost_label: str = ""
    level: str = ""
    level_label: str = ""
    hours: int | None = None
    language: str = "en"
    language_name: str = "English"

    @property
    def host(self) -> str:
        """The site a link leads to ("py4e.com"), so readers know where they are going."""
        return (urlsplit(self.url).hostname or "").removeprefix("www.")


@dataclass(frozen=True, slots=True)
class SectionNode:
    id: int
    key: str
    slug: str
    title: str
    phase_id: int
    phase_is_elective: bool
    trees: tuple[TopicNode, ...]
    resources: tuple[ResourceNode, ...]  # the section's own; topics have theirs
    leaf_ids: tuple[int, ...]
    resource_count: int = 0  # its own and its topics'

    @property
    def leaf_count(self) -> int:
        return len(self.leaf_ids)


@dataclass(frozen=True, slots=True)
class PhaseNode:
    id: int
    key: str
    number: int
    slug: str
    title: str
    url: str
    duration_text: str
    duration_min_months: int | None
    duration_max_months: int | None
    note: str
    is_elective: bool
    # The Learning Path Timeline's months for this phase (None: ongoing or not in it).
    timeline_start_month: int | None
    timeline_end_month: int | None
    sections: tuple[SectionNode, ...]

    @property
    def leaf_count(self) -> int:
        return sum(section.leaf_count for section in self.sections)

    @property
    def resource_count(self) -> int:
        return sum(section.resource_count for section in self.sections)

    @property
    def section_count(self) -> int:
        return len(self.sections)

    def get_absolute_url(self) -> str:
        return self.url


@dataclass(frozen=True, slots=True)
class ProjectNode:
    id: int
    key: str
    title: str
    level: str
    level_label: str
    brief_html: str = ""  # rendered and sanitized (roadmap.prose)
    skills: tuple[str, ...] = ()
    after_phase: "PhaseNode | None" = None
    checklist: tuple[str, ...] = ()

    @property
    def brief(self) -> SafeString:
        return mark_safe(self.brief_html)  # noqa: S308 - sanitized by roadmap.prose when built


@dataclass(frozen=True, slots=True)
class TimelineNode:
    label: str
    start_month: int | None
    end_month: int | None
    description: str
    phases: tuple[PhaseNode, ...]


@dataclass(frozen=True, slots=True)
class Named:
    """A row of the roadmap's lists: career paths, tools, channels, principles, skills, communities."""

    title: str
    description: str = ""
    url: str = ""
    is_focus: bool = False


@dataclass(frozen=True, slots=True)
class ToolCategoryNode:
    title: str
    name_heading: str
    description_heading: str
    tools: tuple[Named, ...]


@dataclass(frozen=True)
class Structure:
    """The current roadmap, or none (`roadmap` None) before one is loaded."""

    version: str
    roadmap: models.Roadmap | None = None
    phases: tuple[PhaseNode, ...] = ()
    projects: tuple[ProjectNode, ...] = ()
    timeline: tuple[TimelineNode, ...] = ()
    career_paths: tuple[Named, ...] = ()
    tool_categories: tuple[ToolCategoryNode, ...] = ()
    communities: tuple[Named, ...] = ()
    channels: tuple[Named, ...] = ()
    principles: tuple[Named, ...] = ()
    human_skills: tuple[Named, ...] = ()
    # Indexes, filled in by __post_init__.
    phase_by_id: dict = field(default_factory=dict, repr=False)
    phase_by_slug: dict = field(default_factory=dict, repr=False)
    section_by_id: dict = field(default_factory=dict, repr=False)
    topic_by_id: dict = field(default_factory=dict, repr=False)
    project_by_id: dict = field(default_factory=dict, repr=False)
    resource_by_id: dict = field(default_factory=dict, repr=False)  # a section's or a topic's
    section_of_resource: dict = field(default_factory=dict, repr=False)  # resource id: its section
    leaves: tuple[TopicNode, ...] = field(default=(), repr=False)  # every leaf in reading order

    def __post_init__(self):
        sections = [section for phase in self.phases for section in phase.sections]
        topics = [topic for section in sections for root in section.trees for topic in walk(root)]
        index_sections = {section.id: section for section in sections}
        index = {
            "phase_by_id": {phase.id: phase for phase in self.phases},
            "phase_by_slug": {phase.slug: phase for phase in self.phases},
            "section_by_id": index_sections,
            "topic_by_id": {topic.id: topic for topic in topics},
            "project_by_id": {project.id: project for project in self.projects},
            "resource_by_id": {
                resource.id: resource
                for resource in (
                    *(resource for section in sections for resource in section.resources),
                    *(resource for topic in topics for resource in topic.resources),
                )
            },
            "section_of_resource": {
                **{resource.id: section for section in sections for resource in section.resources},
                **{
                    resource.id: self_section
                    for topic in topics
                    for self_section in (index_sections[topic.section_id],)
                    for resource in topic.resources
                },
            },
            "leaves": tuple(topic for topic in topics if topic.is_leaf),
        }
        for name, value in index.items():
            object.__setattr__(self, name, value)

    @property
    def leaf_count(self) -> int:
        return len(self.leaves)

    @property
    def resource_count(self) -> int:
        return sum(phase.resource_count for phase in self.phases)

    def ancestors(self, topic: TopicNode):
        """The topic's parent, its parent, and so on up to its tree's root."""
        return trees.ancestors(topic, parent=lambda node: self.topic_by_id.get(node.parent_id))

    @property
    def elective_phases(self) -> tuple[PhaseNode, ...]:
        """The phases (Phase 8) whose sections count only once a learner chooses them."""
        return tuple(phase for phase in self.phases if phase.is_elective)

    def neighbours(self, phase: PhaseNode) -> tuple[PhaseNode | None, PhaseNode | None]:
        """(previous, next) phase, None at either end."""
        at = self.phases.index(phase)
        previous = self.phases[at - 1] if at > 0 else None
        following = self.phases[at + 1] if at + 1 < len(self.phases) else None
        return previous, following

    def project_levels(self) -> list[tuple[str, list[ProjectNode]]]:
        """[(level label, [projects])] from beginner to advanced; empty levels left out."""
        groups = {level.value: (level.label, []) for level in models.ProjectIdea.Level}
        for project in self.projects:
            groups[project.level][1].append(project)
        return [group for group in groups.values() if group[1]]


# The tree walks (roadmap.trees) over TopicNodes, whose children are `.children`.
walk = trees.walk  # the topic and every topic under it, in reading order
descendants = trees.descendants  # every topic under it
leaves = trees.leaves  # the leaves under it (itself for a leaf)


# Ids the phase page gives its own parts (base.html's too): a topic's anchor never takes one.
PAGE_IDS = frozenset(
    {
        "main",
        "site-menu",
        "site-search",
        "phase-progress",
        "phase-progress-title",
        "path",
        "path-title",
        "toc-title",
        "progress-announcer",
    }
)
# The ids of the learner's controls and figures (`topic-12-row`, `section-3-progress`) and the
# old topic anchors (`topic-12`), which stay on the page for links made before.
_NUMBERED_ID = re.compile(r"(topic|section|path|project)-\d")


class _Anchors:
    """One phase page's topic anchors, handed out in reading order.

    A topic's anchor is its slug (`python-fundamentals`): made from content, not
    database ids, so a link means the same topic on every database. When the
    page already has that id (an earlier topic, a section, a part of the page),
    the parent's slug goes in front (`feature-engineering-scaling`), then a
    number after, so each anchor is unique and the same every time it is built.
    """

    def __init__(self, section_slugs):
        self.taken = set(section_slugs)

    def _free(self, candidate: str) -> bool:
        return candidate not in self.taken and candidate not in PAGE_IDS and not _NUMBERED_ID.match(candidate)

    def claim(self, slug: str, parent_slug: str) -> str:
        slug = slug or "topic"
        prefixed = f"{parent_slug}-{slug}"
        candidate = next((name for name in (slug, prefixed) if self._free(name)), None)
        number = 2
        while candidate is None:
            if self._free(f"{prefixed}-{number}"):
                candidate = f"{prefixed}-{number}"
            number += 1
        self.taken.add(candidate)
        return candidate


# Building -------------------------------------------------------------------------------


def build(version: str) -> Structure:
    """Read the current roadmap's content into a Structure (a dozen queries)."""
    roadmap = models.Roadmap.objects.current()
    if roadmap is None:
        return Structure(version=version)
    phase_rows = list(
        roadmap.phases.annotate(
            timeline_start=Min("timeline_entries__start_month"),
            timeline_end=Max("timeline_entries__end_month"),
        ).order_by("number")
    )
    section_rows = list(
        models.Section.objects.filter(phase__roadmap=roadmap)
        .select_related("phase")
        .order_by("phase__number", "order", "id")
    )
    topic_rows = list(
        models.Topic.objects.filter(section__phase__roadmap=roadmap)
        .order_by("order", "id")
        .values("id", "key", "slug", "title", "parent_id", "section_id", "description")
    )
    resources = defaultdict(list)  # by section
    topic_resources = defaultdict(list)
    kinds = dict(models.Resource.Kind.choices)
    costs = dict(models.Resource.Cost.choices)
    levels = dict(models.Level.choices)
    for row in models.Resource.objects.filter(section__phase__roadmap=roadmap).order_by("order", "id"):
        node = ResourceNode(
            id=row.pk,
            key=row.key,
            kind=row.kind,
            kind_label=kinds.get(row.kind, row.kind),
            title=row.title,
            url=row.url,
            publisher=row.publisher,
            section_id=row.section_id,
            topic_id=row.topic_id,
            cost=row.cost,
            cost_label=costs.get(row.cost, ""),
            level=row.level,
            level_label=levels.get(row.level, ""),
            hours=row.hours,
            language=row.language,
            language_name=row.language_name,
        )
        if row.topic_id is None:
            resources[row.section_id].append(node)
        else:
            topic_resources[row.topic_id].append(node)

    children = defaultdict(list)
    for row in topic_rows:
        children[row["parent_id"]].append(row)
    roots = defaultdict(list)
    for row in children[None]:
        roots[row["section_id"]].append(row)
    phase_of_section = {row.pk: row.phase_id for row in section_rows}
    section_slugs = defaultdict(list)
    for row in section_rows:
        section_slugs[row.phase_id].append(row.slug)
    anchors = {phase_id: _Anchors(slugs) for phase_id, slugs in section_slugs.items()}
    position = iter(range(len(topic_rows)))

    def topic_node(row, depth, path, parent_slug):
        path = (*path, row["title"])
        at = next(position)
        anchor = anchors[phase_of_section[row["section_id"]]].claim(row["slug"], parent_slug)
        kids = tuple(topic_node(child, depth + 1, path, row["slug"]) for child in children.get(row["id"], ()))
        return TopicNode(
            id=row["id"],
            key=row["key"],
            slug=row["slug"],
            title=row["title"],
            parent_id=row["parent_id"],
            section_id=row["section_id"],
            phase_id=phase_of_section[row["section_id"]],
            depth=depth,
            path=path,
            position=at,
            children=kids,
            leaf_ids=tuple(leaf for kid in kids for leaf in kid.leaf_ids) if kids else (row["id"],),
            # Trees are h3 on the phase page: a description's "#" is the heading below.
            description_html=prose.render(row["description"], heading_level=4),
            resources=tuple(topic_resources[row["id"]]),
            anchor=anchor,
        )

    sections = defaultdict(list)
    for row in section_rows:
        section_trees = tuple(topic_node(root, 0, (), row.slug) for root in roots[row.pk])
        sections[row.phase_id].append(
            SectionNode(
                id=row.pk,
                key=row.key,
                slug=row.slug,
                title=row.title,
                phase_id=row.phase_id,
                phase_is_elective=row.phase.is_elective,
                trees=section_trees,
                resources=tuple(resources[row.pk]),
                leaf_ids=tuple(leaf for tree in section_trees for leaf in tree.leaf_ids),
                resource_count=len(resources[row.pk])
                + sum(len(topic.resources) for tree in section_trees for topic in walk(tree)),
            )
        )
    phases = tuple(
        PhaseNode(
            id=row.pk,
            key=row.key,
            number=row.number,
            slug=row.slug,
            title=row.title,
            url=reverse("progress:phase", kwargs={"slug": row.slug}),
            duration_text=row.duration_text,
            duration_min_months=row.duration_min_months,
            duration_max_months=row.duration_max_months,
            note=row.note,
            is_elective=row.is_elective,
            timeline_start_month=row.timeline_start,
            timeline_end_month=row.timeline_end,
            sections=tuple(sections[row.pk]),
        )
        for row in phase_rows
    )
    phase_by_id = {phase.id: phase for phase in phases}
    return Structure(
        version=version,
        roadmap=roadmap,
        phases=phases,
        projects=tuple(
            ProjectNode(
                id=p.pk,
                key=p.key,
                title=p.title,
                level=p.level,
                level_label=levels.get(p.level, p.level),
                brief_html=prose.render(p.brief, heading_level=3),  # levels are h2
                skills=tuple(p.skill_list),
                after_phase=phase_by_id.get(p.after_phase_id),
                checklist=tuple(p.checklist),
            )
            for p in roadmap.projects.order_by("order", "id")
        ),
        timeline=tuple(
            TimelineNode(
                label=entry.label,
                start_month=entry.start_month,
                end_month=entry.end_month,
                description=entry.description,
                phases=tuple(
                    phase_by_id[pk]
                    for pk in sorted(
                        (p.pk for p in entry.phases.all() if p.pk in phase_by_id),
                        key=lambda pk: phase_by_id[pk].number,
                    )
                ),
            )
            for entry in roadmap.timeline.prefetch_related("phases").order_by("order", "id")
        ),
        career_paths=tuple(
            Named(title=c.title, description=c.description, is_focus=c.is_focus)
            for c in roadmap.career_paths.order_by("order", "id")
        ),
        tool_categories=tuple(
            ToolCategoryNode(
                title=category.title,
                name_heading=category.name_heading,
                description_heading=category.description_heading,
                tools=tuple(Named(title=t.name, description=t.description) for t in category.tools.all()),
            )
            for category in roadmap.tool_categories.prefetch_related("tools").order_by("order", "id")
        ),
        communities=tuple(
            Named(title=c.name, url=c.url) for c in roadmap.communities.order_by("order", "id")
        ),
        channels=tuple(
            Named(title=c.name, description=c.description) for c in roadmap.channels.order_by("order", "id")
        ),
        principles=tuple(
            Named(title=p.title, description=p.description)
            for p in roadmap.principles.order_by("order", "id")
        ),
        human_skills=tuple(Named(title=s.title) for s in roadmap.human_skills.order_by("order", "id")),
    )


# Reading and invalidating -----------------------------------------------------------------


_memo: Structure | None = None
# Within one request the structure is looked up once: `RequestScopeMiddleware` opens a
# scope (a dict) per request, and `current()` keeps what it found there.
_request_scope: ContextVar[dict | None] = ContextVar("roadmap_structure_scope", default=None)


class RequestScopeMiddleware:
    """Read the content version once per request, however many times a page asks for the structure."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_scope.set({})
        try:
            return self.get_response(request)
        finally:
            _request_scope.reset(token)


def current_version() -> str:
    """The content version (one query); "" when its row is missing (a flushed test database)."""
    return models.ContentVersion.objects.filter(pk=1).values_list("value", flat=True).first() or ""


def current() -> Structure:
    """The current roadmap's structure: one query when this process has it already, none when
    this request has asked before."""
    scope = _request_scope.get()
    if scope is not None and "structure" in scope:
        return scope["structure"]
    structure = _current()
    if scope is not None:
        scope["structure"] = structure
    return structure


def _current() -> Structure:
    global _memo
    version = current_version()
    memo = _memo
    if memo is not None and memo.version == version:
        return memo
    key = CACHE_KEY.format(version=version)
    structure = cache.get(key)
    if structure is None:
        structure = build(version)
        cache.set(key, structure, timeout=None)
    _memo = structure
    return structure


def forget() -> None:
    """Drop this process's copy (tests start each from the database)."""
    global _memo
    _memo = None


def content_changed() -> None:
    """Give the content a new version, in the current transaction (one query).

    Called on every content write, even several in one transaction: a page
    built between two of them (in the same transaction) must not keep the
    first one's version for the second one's content."""
    scope = _request_scope.get()
    if scope is not None:
        scope.pop("structure", None)  # a page drawn after the change, in this request, sees it
    version = models.new_content_version()
    if not models.ContentVersion.objects.filter(pk=1).update(value=version):
        # The row is gone (a test database flushed between tests): put it back.
        models.ContentVersion.objects.bulk_create(
            [models.ContentVersion(pk=1, value=version)],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["value"],
        )

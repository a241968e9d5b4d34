"""The key scheme: how every row of the roadmap gets its stable identity, in one place.

A key is a slug path: the key of the row it hangs under, a segment naming its
kind for rows listed under the roadmap (or a section, or a topic), and the slug
of its title, made unique among its siblings with -2, -3...:

    ai-ml-roadmap-2025/prerequisites/python-proficiency/python-for-ai-ml/type-hints
    ai-ml-roadmap-2025/prerequisites/python-proficiency/resources/python-for-everybody
    ai-ml-roadmap-2025/projects/beginner/titanic-survival-prediction

The importer (`roadmap.importer`) and the admin (`new_key`) both build keys
here: a row added in the admin and later written into the markdown gets the
same key, so it is matched, not doubled. Keys are set once and never
recomputed from titles, and nothing reads meaning back out of one (a topic's
depth comes from its tree, `roadmap.structure`).
"""

from collections import defaultdict

from django.utils.text import slugify

from roadmap import models

KEY_MAX_LENGTH = models.Roadmap._meta.get_field("key").max_length

# Rows listed under the roadmap, a section or a topic sit under a segment naming their kind.
SEGMENTS = {
    models.Resource: "resources",
    models.ProjectIdea: "projects",
    models.TimelineEntry: "timeline",
    models.CareerPath: "careers",
    models.ToolCategory: "tools",
    models.Community: "communities",
    models.Channel: "channels",
    models.Principle: "principles",
    models.HumanSkill: "human-skills",
}


def key_slug(title: str) -> str:
    """The slug a title contributes to a key.

    A slash separates words ("AI/ML", "Vanishing/exploding"), so it becomes a
    hyphen; `slugify` alone would glue the words together.
    """
    return slugify(title.replace("/", " "))


def prefix(model: type, parent_key: str, *, level: str = "") -> str:
    """Where the keys of `model`'s rows under the row keyed `parent_key` start ("" for a roadmap)."""
    segment = SEGMENTS.get(model)
    if segment is None:
        return parent_key
    if model is models.ProjectIdea:
        return f"{parent_key}/{segment}/{level}"
    return f"{parent_key}/{segment}"


def parent_of(obj):
    """The row `obj` hangs under in the key scheme (None for a roadmap)."""
    match obj:
        case models.Roadmap():
            return None
        case models.Phase():
            return obj.roadmap
        case models.Section():
            return obj.phase
        case models.Topic():
            return obj.parent or obj.section
        case models.Resource():
            return obj.topic or obj.section
        case models.Tool():
            return obj.category
    return obj.roadmap


def row_prefix(obj) -> str:
    parent = parent_of(obj)
    return prefix(type(obj), parent.key if parent else "", level=getattr(obj, "level", ""))


class SiblingKeys:
    """Keys for the siblings under one prefix, in order: `{prefix}/{slug}`, -2, -3 for a repeated slug."""

    def __init__(self, parent_prefix: str):
        self.prefix = parent_prefix
        self.seen = defaultdict(int)

    def __call__(self, title: str) -> str:
        """The next sibling's key. Raises ValueError when the title has nothing to make a slug from."""
        slug = key_slug(title)
        if not slug:
            raise ValueError(f"{title!r} has no letters or digits to make a key from")
        self.seen[slug] += 1
        if self.seen[slug] > 1:
            slug = f"{slug}-{self.seen[slug]}"
        return f"{self.prefix}/{slug}" if self.prefix else slug


def new_key(obj) -> str:
    """A unique key for a row about to be created (one query: the keys it could collide with)."""
    title = next(getattr(obj, name) for name in ("title", "name", "label") if hasattr(obj, name))
    tail = key_slug(title) or "item"
    start = row_prefix(obj)
    base = f"{start}/{tail}" if start else tail
    base = base[: KEY_MAX_LENGTH - 4]  # room for a "-999" suffix
    taken = set(type(obj).objects.filter(key__startswith=base).values_list("key", flat=True))
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key

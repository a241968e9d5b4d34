"""Searching the roadmap: topics (with their path), resources and project ideas, in one query.

On PostgreSQL it is full-text search (`django.contrib.postgres`), each word
matching a word or the start of one ("py" finds Python): each kind's fields are weighted (a topic's own title A, its parent's B, its section's C),
matches are ranked, and the matching words of each title come back marked
(`ts_headline`). Trigram similarity (`pg_trgm`, enabled by
roadmap/migrations/0005_trigram_search) adds what full text misses: a typo
("pyhton") or part of a word. On SQLite (`make run`) every word must appear
in a title, a parent's or a section's title, or a publisher; titles that hold
the words rank first.

The three kinds are one UNION, so a search costs one query whatever it finds;
a topic's path, a resource's section and every link come from the cached
structure. Highlights are made safe here: the database marks matches with two
control characters no title holds, the title is escaped, and only then do the
markers become <mark> tags.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Q, Value, When
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from roadmap.models import ProjectIdea, Resource, Topic
from roadmap.structure import PhaseNode, ProjectNode, ResourceNode, SectionNode, Structure, TopicNode

MIN_LENGTH = 2
MAX_LENGTH = 200
MAX_WORDS = 8
LIMIT = 60  # hits in all; a search that finds more needs more words
START, STOP = "\x02", "\x03"  # where the database marks a match (no title holds a control character)
CONFIG = "english"
# word_similarity() of the query and a title from which a match counts: "pyton" finds Python
# (0.5), "transfomer" Transformers (0.64), "regresion" Regression (0.75). At 0.3, "regresion"
# also found "Decision Trees" and "neural" found "Neptune".
TRIGRAM_THRESHOLD = 0.5
# Shorter queries ("py", "the") look like the start of too many words to be a typo of one.
TRIGRAM_MIN_LENGTH = 4


@dataclass(frozen=True, slots=True)
class TopicHit:
    node: TopicNode
    phase: PhaseNode
    section: SectionNode
    title: SafeString
    url: str

    @property
    def path(self) -> tuple[str, ...]:
        """Where the topic sits: its phase, its section, then the topics above it."""
        return (f"Phase {self.phase.number}: {self.phase.title}", self.section.title, *self.node.path[:-1])


@dataclass(frozen=True, slots=True)
class ResourceHit:
    node: ResourceNode
    phase: PhaseNode
    section: SectionNode
    title: SafeString
    section_url: str


@dataclass(frozen=True, slots=True)
class ProjectHit:
    node: ProjectNode
    title: SafeString
    url: str


@dataclass(frozen=True)
class Results:
    query: str
    topics: list[TopicHit]
    resources: list[ResourceHit]
    projects: list[ProjectHit]
    limited: bool  # more would have matched than are shown

    @property
    def count(self) -> int:
        return len(self.topics) + len(self.resources) + len(self.projects)


def clean_query(value: str) -> str:
    """The words searched for: control characters gone, spaces collapsed, at most MAX_LENGTH."""
    value = "".join(character if character.isprintable() else " " for character in value)
    return " ".join(value.split())[:MAX_LENGTH]


def highlighted(marked: str) -> SafeString:
    """A title the database (or `_mark_words`) marked, escaped, with its marks as <mark>."""
    text = escape(marked).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(text)  # noqa: S308 - escaped above; the only tags are the marks


def _words(query: str) -> list[str]:
    return query.split()[:MAX_WORDS]


def _mark_words(title: str, words: list[str]) -> str:
    """The title with each occurrence of the words marked (SQLite has no ts_headline)."""
    if not words:
        return title
    pattern = re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.I)
    return pattern.sub(lambda match: f"{START}{match.group(0)}{STOP}", title)


def _letters(query: str) -> list[str]:
    """The query's runs of two or more letters and digits: what can match (the start of) a word.
    One letter alone would be the start of half the roadmap's words."""
    return [word for word in re.findall(r"[^\W_]+", query) if len(word) >= MIN_LENGTH][:MAX_WORDS]


def _prefix_query(query: str) -> str:
    """A tsquery where every word must match as a word or the start of one ("py" finds
    Python and PyTorch): only letters and digits reach it, so no input is tsquery syntax."""
    return " & ".join(f"{word}:*" for word in _letters(query))


def _postgres_parts(query: str, roadmap_id: int):
    from django.contrib.postgres.search import (
        SearchHeadline,
        SearchQuery,
        SearchRank,
        SearchVector,
        TrigramWordSimilarity,
    )

    terms = SearchQuery(_prefix_query(query), search_type="raw", config=CONFIG)
    fuzzy = len(query) >= TRIGRAM_MIN_LENGTH

    def part(queryset, kind: str, fields: list[tuple[str, str]]):
        vector = None
        for name, weight in fields:
            added = SearchVector(name, weight=weight, config=CONFIG)
            vector = added if vector is None else vector + added
        similar = TrigramWordSimilarity(query, "title") if fuzzy else Value(0.0, output_field=FloatField())
        matches = Q(document=terms) | Q(similar__gte=TRIGRAM_THRESHOLD) if fuzzy else Q(document=terms)
        return (
            queryset.annotate(document=vector, similar=similar)
            .filter(matches)
            .annotate(
                hit_kind=Value(kind),
                hit_title=SearchHeadline(
                    "title", terms, config=CONFIG, start_sel=START, stop_sel=STOP, highlight_all=True
                ),
                hit_rank=Cast(SearchRank(F("document"), terms), FloatField()) + F("similar"),
            )
            .order_by()  # the models' own ordering is not allowed inside a UNION
            .values_list("hit_kind", "pk", "hit_title", "hit_rank")
        )

    return [
        part(
            Topic.objects.filter(section__phase__roadmap_id=roadmap_id),
            "topic",
            [("title", "A"), ("parent__title", "B"), ("section__title", "C")],
        ),
        part(
            Resource.objects.filter(section__phase__roadmap_id=roadmap_id),
            "resource",
            [("title", "A"), ("publisher", "B"), ("section__title", "C")],
        ),
        part(ProjectIdea.objects.filter(roadmap_id=roadmap_id), "project", [("title", "A"), ("level", "C")]),
    ]


def _simple_parts(query: str, roadmap_id: int):
    """Every word in the title or a field beside it; a word in the title counts twice."""
    words = _words(query)

    def part(queryset, kind: str, others: list[str]):
        score = Value(0, output_field=IntegerField())
        for word in words:
            found = Q(title__icontains=word)
            for name in others:
                found |= Q(**{f"{name}__icontains": word})
            queryset = queryset.filter(found)
            score = score + Case(
                When(title__icontains=word, then=Value(2)), default=Value(1), output_field=IntegerField()
            )
        return (
            queryset.annotate(hit_kind=Value(kind), hit_title=F("title"), hit_rank=Cast(score, FloatField()))
            .order_by()  # the models' own ordering is not allowed inside a UNION
            .values_list("hit_kind", "pk", "hit_title", "hit_rank")
        )

    return [
        part(
            Topic.objects.filter(section__phase__roadmap_id=roadmap_id),
            "topic",
            ["parent__title", "section__title"],
        ),
        part(
            Resource.objects.filter(section__phase__roadmap_id=roadmap_id),
            "resource",
            ["publisher", "section__title"],
        ),
        part(ProjectIdea.objects.filter(roadmap_id=roadmap_id), "project", []),
    ]


def search(structure: Structure, query: str) -> Results:
    """What matches `query` in the current roadmap, best first within each kind (one query;
    none for a query under MIN_LENGTH characters)."""
    query = clean_query(query)
    if len(query) < MIN_LENGTH or not _letters(query) or structure.roadmap is None:
        return Results(query=query, topics=[], resources=[], projects=[], limited=False)
    postgres = connection.vendor == "postgresql"
    parts = (_postgres_parts if postgres else _simple_parts)(query, structure.roadmap.pk)
    rows = list(parts[0].union(*parts[1:], all=True).order_by("-hit_rank", "hit_kind", "pk")[: LIMIT + 1])
    words = _words(query)
    topics, resources, projects = [], [], []
    for kind, pk, marked, _rank in rows[:LIMIT]:
        # A title found by its similarity alone has no mark from the database: mark what it holds.
        title = highlighted(marked if START in marked else _mark_words(marked, words))
        if kind == "topic" and pk in structure.topic_by_id:
            node = structure.topic_by_id[pk]
            phase = structure.phase_by_id[node.phase_id]
            url = f"{phase.url}#{node.anchor}"
            topics.append(TopicHit(node, phase, structure.section_by_id[node.section_id], title, url))
        elif kind == "resource" and pk in structure.resource_by_id:
            node, section = structure.resource_by_id[pk], structure.section_of_resource[pk]
            phase = structure.phase_by_id[section.phase_id]
            resources.append(ResourceHit(node, phase, section, title, f"{phase.url}#{section.slug}"))
        elif kind == "project" and pk in structure.project_by_id:
            url = f"{reverse('progress:projects')}#project-{pk}"
            projects.append(ProjectHit(structure.project_by_id[pk], title, url))
    return Results(query, topics, resources, projects, limited=len(rows) > LIMIT)

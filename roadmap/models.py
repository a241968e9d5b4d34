"""The roadmap's content: phases, sections, topic trees, resources and the appendix.

Every row has a `key`: a slug path such as
``ai-ml-roadmap-2025/prerequisites/python-proficiency/python-for-ai-ml/type-hints``.
It is the row's natural key in fixtures and the importer's way of matching
markdown to rows, so content can be reloaded or edited without orphaning any
learner's progress. Keys are set once and never recomputed from titles.
Every row also has an explicit `order` among its siblings.
"""

import uuid
from urllib.parse import urlsplit

from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.text import slugify


def new_content_version() -> str:
    """A fresh, never repeated content version (a random token, not a counter).

    A counter would come back to the same number after a rolled-back
    transaction (every test is one), so a cache filled under "version 7" could
    serve other content under the same "version 7" later; a random token never
    repeats."""
    return uuid.uuid4().hex


class ContentVersion(models.Model):
    """One row: the version of the roadmap's content, changed by every content write.

    `roadmap.structure` caches the roadmap's structure under it, so a change in
    one process shows in every process on the next request."""

    value = models.CharField(max_length=32, default=new_content_version)

    class Meta:
        default_permissions = ()  # nobody edits it: content writes change it

    def __str__(self):
        return self.value


def key_slug(title: str) -> str:
    """The slug a title contributes to a key (the importer's and the admin's one rule).

    A slash separates words ("AI/ML", "Vanishing/exploding"), so it becomes a
    hyphen; `slugify` alone would glue the words together.
    """
    return slugify(title.replace("/", " "))


class KeyedManager(models.Manager):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class KeyedModel(models.Model):
    key = models.CharField(
        max_length=300,
        unique=True,
        help_text="Stable identity (slug path). Progress and fixtures refer to it; do not change it.",
    )
    order = models.PositiveIntegerField(default=0, help_text="Position among its siblings.")

    objects = KeyedManager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (self.key,)


def _count_of(queryset, group_by):
    """A correlated subquery counting `queryset`'s rows, 0 when there are none.

    Counting sections, topics and resources of a phase through joins in one
    query would multiply the rows and inflate every count; one subquery each
    keeps them right and still costs a single query."""
    counted = queryset.order_by().values(group_by).annotate(n=models.Count("pk")).values("n")
    return Coalesce(models.Subquery(counted), 0)


class RoadmapQuerySet(models.QuerySet):
    def current(self):
        """The roadmap the site shows, or None before one is loaded.

        The site follows one roadmap; taking the first by order keeps the choice
        stable should an editor ever add a second one."""
        return self.order_by("order", "id").first()


class Roadmap(KeyedModel):
    title = models.CharField(max_length=200)
    tagline = models.CharField(max_length=300, blank=True)
    careers_heading = models.CharField(max_length=200, blank=True)
    careers_title = models.CharField(max_length=200, blank=True)
    focus_title = models.CharField(max_length=200, blank=True)
    focus_summary = models.CharField(max_length=300, blank=True)
    principles_heading = models.CharField(max_length=200, blank=True)
    skills_heading = models.CharField(max_length=200, blank=True)
    skills_title = models.CharField(max_length=200, blank=True)
    last_updated = models.CharField(max_length=100, blank=True)

    objects = KeyedManager.from_queryset(RoadmapQuerySet)()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.title


class PhaseQuerySet(models.QuerySet):
    def of_current_roadmap(self):
        """Phases of `Roadmap.objects.current()`, without a separate query for it."""
        current = Roadmap.objects.order_by("order", "id").values("pk")[:1]
        return self.filter(roadmap=models.Subquery(current))

    def with_sizes(self):
        """Annotate `section_count`, `topic_count` (leaves: the topics a learner
        marks) and `resource_count`."""
        of_phase = {"section__phase": models.OuterRef("pk")}
        return self.annotate(
            section_count=_count_of(Section.objects.filter(phase=models.OuterRef("pk")), "phase"),
            topic_count=_count_of(Topic.objects.leaves().filter(**of_phase), "section__phase"),
            resource_count=_count_of(Resource.objects.filter(**of_phase), "section__phase"),
        )


class Phase(KeyedModel):
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=100)
    title = models.CharField(max_length=200)
    duration_text = models.CharField(max_length=50, blank=True, help_text='As written, e.g. "2-3 months".')
    duration_min_months = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_max_months = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=100, blank=True, help_text='e.g. "Choose Your Path".')
    is_elective = models.BooleanField(
        default=False, help_text="Learners choose which of its sections they follow."
    )

    objects = KeyedManager.from_queryset(PhaseQuerySet)()

    class Meta:
        ordering = ["roadmap", "number"]
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "number"], name="roadmap_phase_number_unique"),
            models.UniqueConstraint(fields=["roadmap", "slug"], name="roadmap_phase_slug_unique"),
            models.CheckConstraint(
                condition=models.Q(duration_min_months__isnull=True)
                | models.Q(duration_max_months__isnull=True)
                | models.Q(duration_min_months__lte=models.F("duration_max_months")),
                name="roadmap_phase_duration_range",
            ),
        ]

    def __str__(self):
        return f"Phase {self.number}: {self.title}"

    def get_absolute_url(self):
        return reverse("progress:phase", kwargs={"slug": self.slug})


class Section(KeyedModel):
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField(max_length=100)
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["phase__number", "order"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "slug"], name="roadmap_section_slug_unique"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.phase.get_absolute_url()}#{self.slug}"


class TopicQuerySet(models.QuerySet):
    def leaves(self):
        """Topics without children: the ones a learner marks."""
        return self.filter(children__isnull=True)

    def roots(self):
        return self.filter(parent__isnull=True)


class Topic(KeyedModel):
    """One node of a topic tree. A root is the tree's title line (e.g. "Python for AI/ML")."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="topics")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="children"
    )
    slug = models.SlugField(max_length=100)
    title = models.CharField(max_length=200)

    objects = KeyedManager.from_queryset(TopicQuerySet)()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.title

    @property
    def depth(self):
        """0 for a tree's root; derived from the key so it costs no query."""
        return self.key.count("/") - 3


class Resource(KeyedModel):
    class Kind(models.TextChoices):
        COURSE = "course", "Course"
        PRACTICE = "practice", "Practice"
        BOOK = "book", "Book"
        DOCS = "docs", "Docs"
        TUTORIAL = "tutorial", "Tutorial"
        PAPER = "paper", "Paper"
        PLATFORM = "platform", "Platform"
        GUIDE = "guide", "Guide"
        LIBRARY = "library", "Library"

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    url = models.URLField(
        "link",
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="http or https only. Leave empty for a resource without a web address.",
    )
    publisher = models.CharField(
        max_length=200, blank=True, help_text='Where to find it when there is no link, e.g. "O\'Reilly".'
    )

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(url="") | ~models.Q(publisher=""),
                name="roadmap_resource_has_link_or_publisher",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_kind_display()})"

    @property
    def host(self):
        """The site a link leads to ("py4e.com"), so readers know where they are going."""
        host = urlsplit(self.url).hostname or ""
        return host.removeprefix("www.")


class ProjectIdea(KeyedModel):
    class Level(models.TextChoices):
        BEGINNER = "beginner", "Beginner"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="projects")
    level = models.CharField(max_length=20, choices=Level.choices)
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.title} ({self.get_level_display()})"


class TimelineEntry(KeyedModel):
    """A row of the learning path timeline, e.g. "Month 11-12: Fine-tuning + MLOps"."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="timeline")
    label = models.CharField(max_length=50, help_text='As written, e.g. "Month 1-2" or "Ongoing".')
    start_month = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty for ongoing.")
    end_month = models.PositiveSmallIntegerField(null=True, blank=True)
    description = models.CharField(max_length=200)
    phases = models.ManyToManyField(Phase, blank=True, related_name="timeline_entries")

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "timeline entries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_month__isnull=True, end_month__isnull=True)
                | models.Q(start_month__isnull=False, end_month__gte=models.F("start_month")),
                name="roadmap_timeline_month_range",
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.description}"


class CareerPath(KeyedModel):
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="career_paths")
    title = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True)
    is_focus = models.BooleanField(default=False, help_text="One of the roles this roadmap focuses on.")

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.title


class ToolCategory(KeyedModel):
    """A table under "Key Platforms & Tools", e.g. "Learning Platforms"."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="tool_categories")
    title = models.CharField(max_length=200)
    name_heading = models.CharField(
        max_length=50, default="Tool", help_text='Column heading, e.g. "Platform".'
    )
    description_heading = models.CharField(max_length=50, default="Purpose", help_text='e.g. "Focus".')

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "tool categories"

    def __str__(self):
        return self.title


class Tool(KeyedModel):
    category = models.ForeignKey(ToolCategory, on_delete=models.CASCADE, related_name="tools")
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class Community(KeyedModel):
    """A newsletter or community, with its link."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="communities")
    name = models.CharField(max_length=200)
    url = models.URLField("link", max_length=500, validators=[URLValidator(schemes=["http", "https"])])

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "communities"

    def __str__(self):
        return self.name


class Channel(KeyedModel):
    """A YouTube channel."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="channels")
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class Principle(KeyedModel):
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="principles")
    title = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.title


class HumanSkill(KeyedModel):
    """One of the skills AI can't replace (the roadmap's closing list)."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="human_skills")
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.title

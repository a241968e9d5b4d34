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

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import get_language_info
from simple_history.models import HistoricalRecords

from config.validators import validate_multiline_text, validate_single_line_text
from roadmap import trees


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


def language_name(code: str) -> str:
    """ "French" for "fr"; the code itself for one Django does not know."""
    try:
        return get_language_info(code)["name"]
    except KeyError:
        return code


class Level(models.TextChoices):
    BEGINNER = "beginner", "Beginner"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


MARKDOWN_HELP = (
    "Markdown: **bold**, *italic*, [a link](https://example.com), lists, `code`. "
    "HTML is shown as text, not run. Save to see the preview below."
)


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

    history = HistoricalRecords()

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

    history = HistoricalRecords()

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

    history = HistoricalRecords()

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
    description = models.TextField(
        blank=True,
        max_length=5000,
        validators=[validate_multiline_text],
        help_text="What the topic is and why it matters, shown folded under its title. " + MARKDOWN_HELP,
    )

    history = HistoricalRecords()

    objects = KeyedManager.from_queryset(TopicQuerySet)()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.title

    @property
    def depth(self) -> int:
        """0 for a tree's root: the topic's place in its tree, as the cached structure has it
        (no query once the request has the structure); up its parent chain when the
        structure does not show it (another roadmap, or not saved yet)."""
        from roadmap import structure

        node = structure.current().topic_by_id.get(self.pk)
        if node is not None and node.parent_id == self.parent_id:
            return node.depth
        return sum(1 for _ in trees.ancestors(self, parent=lambda topic: topic.parent))


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

    class Cost(models.TextChoices):
        FREE = "free", "Free"
        FREE_TO_AUDIT = "free_to_audit", "Free to audit, paid certificate"
        PAID = "paid", "Paid"

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="resources")
    # A topic's own resource (its section is the topic's); empty for the section's resources.
    topic = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="resources",
        help_text="Empty: a resource of the whole section. A topic: shown under that topic.",
    )
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
    cost = models.CharField(
        max_length=20, choices=Cost.choices, blank=True, help_text="Empty when nobody has checked yet."
    )
    level = models.CharField(max_length=20, choices=Level.choices, blank=True)
    hours = models.PositiveSmallIntegerField(
        "estimated hours", null=True, blank=True, help_text="Roughly how long it takes, in hours."
    )
    # A language code; the admin offers Django's list of languages (no choices here, so a
    # Django release that adds one does not change the schema).
    language = models.CharField(max_length=10, default="en", help_text="The language it is in.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(url="") | ~models.Q(publisher=""),
                name="roadmap_resource_has_link_or_publisher",
            ),
            models.CheckConstraint(
                condition=models.Q(hours__isnull=True) | models.Q(hours__gte=1),
                name="roadmap_resource_hours_positive",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_kind_display()})"

    @property
    def language_name(self) -> str:
        return language_name(self.language)

    @property
    def host(self):
        """The site a link leads to ("py4e.com"), so readers know where they are going."""
        host = urlsplit(self.url).hostname or ""
        return host.removeprefix("www.")


CHECKLIST_MAX_ITEMS = 12


def validate_checklist(value: str) -> None:
    items = checklist_items(value)
    if len(items) > CHECKLIST_MAX_ITEMS:
        raise ValidationError(
            "Keep the checklist short: at most %(limit)d items (you have %(count)d).",
            code="checklist_too_long",
            params={"limit": CHECKLIST_MAX_ITEMS, "count": len(items)},
        )


def checklist_items(value: str) -> list[str]:
    """The checklist's items: its non-blank lines, without list markers someone typed."""
    lines = (line.strip().removeprefix("- ").removeprefix("* ").strip() for line in value.splitlines())
    return [line for line in lines if line]


class ProjectIdea(KeyedModel):
    Level = Level

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="projects")
    level = models.CharField(max_length=20, choices=Level.choices)
    title = models.CharField(max_length=200)
    brief = models.TextField(
        blank=True,
        max_length=5000,
        validators=[validate_multiline_text],
        help_text="What to build, shown with the project. " + MARKDOWN_HELP,
    )
    skills = models.CharField(
        "skills it practises",
        max_length=300,
        blank=True,
        validators=[validate_single_line_text],
        help_text='Separated by commas, e.g. "pandas, feature engineering, scikit-learn".',
    )
    after_phase = models.ForeignKey(
        Phase,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="fits after phase",
        help_text="The phase a learner should have finished first.",
    )
    done_when = models.TextField(
        "done when",
        blank=True,
        max_length=2000,
        validators=[validate_multiline_text, validate_checklist],
        help_text=f'A short checklist of what "done" means: one item per line, at most {CHECKLIST_MAX_ITEMS}.',
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.title} ({self.get_level_display()})"

    @property
    def skill_list(self) -> list[str]:
        return [skill.strip() for skill in self.skills.split(",") if skill.strip()]

    @property
    def checklist(self) -> list[str]:
        return checklist_items(self.done_when)


class TimelineEntry(KeyedModel):
    """A row of the learning path timeline, e.g. "Month 11-12: Fine-tuning + MLOps"."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="timeline")
    label = models.CharField(max_length=50, help_text='As written, e.g. "Month 1-2" or "Ongoing".')
    start_month = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty for ongoing.")
    end_month = models.PositiveSmallIntegerField(null=True, blank=True)
    description = models.CharField(max_length=200)
    phases = models.ManyToManyField(Phase, blank=True, related_name="timeline_entries")

    history = HistoricalRecords(m2m_fields=["phases"])

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

    history = HistoricalRecords()

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

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "tool categories"

    def __str__(self):
        return self.title


class Tool(KeyedModel):
    category = models.ForeignKey(ToolCategory, on_delete=models.CASCADE, related_name="tools")
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class Community(KeyedModel):
    """A newsletter or community, with its link."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="communities")
    name = models.CharField(max_length=200)
    url = models.URLField("link", max_length=500, validators=[URLValidator(schemes=["http", "https"])])

    history = HistoricalRecords()

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

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class Principle(KeyedModel):
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="principles")
    title = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.title


class HumanSkill(KeyedModel):
    """One of the skills AI can't replace (the roadmap's closing list)."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="human_skills")
    title = models.CharField(max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.title


class LinkCheckQuerySet(models.QuerySet):
    def needing_attention(self):
        """Links that did not answer OK when last checked, and still point where they did then."""
        return self.exclude(status=LinkCheck.Status.OK).filter(url=models.F("resource__url"))


class LinkCheck(models.Model):
    """What `manage.py check_links` found at a resource's link the last time it asked.

    Not content: a check changes no content version and keeps no history (the
    checker writes it daily). A check whose `url` differs from the resource's
    link is stale: the link was edited since, and the next run checks it anew.
    """

    class Status(models.TextChoices):
        OK = "ok", "OK"
        MOVED = "moved", "Moved (permanent redirect)"
        BROKEN = "broken", "Broken (error answer)"
        UNREACHABLE = "unreachable", "Unreachable (no answer)"

    resource = models.OneToOneField(
        Resource, on_delete=models.CASCADE, primary_key=True, related_name="link_check"
    )
    url = models.URLField("link checked", max_length=500)
    status = models.CharField(max_length=20, choices=Status.choices)
    http_code = models.PositiveSmallIntegerField("HTTP code", null=True, blank=True)
    final_url = models.URLField(
        "where it leads", max_length=2000, blank=True, help_text="A permanent redirect's target."
    )
    error = models.CharField(max_length=200, blank=True)
    checked_at = models.DateTimeField("last checked")
    last_ok_at = models.DateTimeField("last OK", null=True, blank=True)
    failures = models.PositiveIntegerField("consecutive failures", default=0)

    objects = LinkCheckQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["status"], name="roadmap_linkcheck_status_idx")]

    def __str__(self):
        return f"{self.url}: {self.get_status_display()}"


class LinkNeedingAttention(LinkCheck):
    """The editors' view of link checks: those that need a look (see LinkCheckQuerySet)."""

    class Meta:
        proxy = True
        verbose_name = "link needing attention"
        verbose_name_plural = "links needing attention"

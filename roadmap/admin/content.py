"""The roadmap's core in the admin: the roadmap, its phases, sections, topic trees and resources.

Keys are set for editors (roadmap.admin.base); descriptions show a preview of
what learners will see, rendered and sanitized exactly as the site does.
"""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.html import format_html

from roadmap.admin.base import KeyedAdmin, KeyedInline, markdown_preview
from roadmap.forms import ResourceAdminForm, TopicAdminForm
from roadmap.models import (
    Phase,
    Resource,
    Roadmap,
    Section,
    Topic,
)

# The roadmap and its phases ---------------------------------------------------------


@admin.register(Roadmap)
class RoadmapAdmin(KeyedAdmin):
    list_display = ("title", "last_updated", "phase_count", "key")
    list_filter = ("last_updated",)
    search_fields = ("title", "tagline")
    ordering = ("order", "id")
    list_select_related = False  # no foreign keys

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(phase_count=Count("phases"))

    @admin.display(description="phases", ordering="phase_count")
    def phase_count(self, roadmap):
        return roadmap.phase_count


@admin.register(Phase)
class PhaseAdmin(KeyedAdmin):
    list_display = (
        "number",
        "title",
        "duration",
        "is_elective",
        "section_count",
        "topic_count",
        "resource_count",
    )
    list_display_links = ("number", "title")
    fields = (
        "roadmap",
        "number",
        "title",
        "slug",
        "duration_text",
        "duration_min_months",
        "duration_max_months",
        "note",
        "is_elective",
    )
    list_filter = ("is_elective", "roadmap")
    search_fields = ("title", "slug", "note")
    ordering = ("roadmap__order", "number")
    list_select_related = ("roadmap",)
    prepopulated_fields = {"slug": ("title",)}

    def get_queryset(self, request):
        return super().get_queryset(request).with_sizes()

    @admin.display(description="duration", ordering="duration_min_months")
    def duration(self, phase):
        return phase.duration_text

    @admin.display(description="sections", ordering="section_count")
    def section_count(self, phase):
        return phase.section_count

    @admin.display(description="topics to mark", ordering="topic_count")
    def topic_count(self, phase):
        return phase.topic_count

    @admin.display(description="resources", ordering="resource_count")
    def resource_count(self, phase):
        return phase.resource_count


# Sections: their resources and the first line of each topic tree, inline ------------


class ResourceInline(KeyedInline, admin.TabularInline):
    """The section's own resources (a topic's are on the topic's page)."""

    model = Resource
    form = ResourceAdminForm
    fk_name = "section"
    fields = ("order", "kind", "title", "url", "publisher", "cost")
    show_change_link = True  # level, hours, language and the topic are on the resource's page
    # Plain, narrower boxes, so the row fits beside the page's sidebar; the
    # admin's link widget ("Currently: ... Change:") would crowd it further.
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"size": 24})},
        models.URLField: {"widget": forms.URLInput(attrs={"size": 24})},
    }

    def get_queryset(self, request):
        return super().get_queryset(request).filter(topic__isnull=True)


class TopicResourceInline(ResourceInline):
    """A topic's own resources, beside its section's."""

    fk_name = "topic"
    verbose_name = "resource of this topic"
    verbose_name_plural = "resources of this topic"

    def get_queryset(self, request):
        return super(ResourceInline, self).get_queryset(request)


class RootTopicInline(KeyedInline, admin.TabularInline):
    """The first line of each topic tree; open one to edit the branches below it."""

    model = Topic
    fk_name = "section"
    fields = ("order", "title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    show_change_link = True
    verbose_name = "topic tree"
    verbose_name_plural = "topic trees (open one to edit its subtopics)"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(parent__isnull=True)


@admin.register(Section)
class SectionAdmin(KeyedAdmin):
    fields = ("phase", "title", "slug")
    list_display = ("title", "phase", "order", "topic_count", "resource_count")
    list_filter = ("phase",)
    search_fields = ("title", "slug", "phase__title")
    ordering = ("phase__number", "order")
    list_select_related = ("phase",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = (RootTopicInline, ResourceInline)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                topic_count=Count("topics", distinct=True),
                resource_count=Count("resources", distinct=True),
            )
        )

    @admin.display(description="topics", ordering="topic_count")
    def topic_count(self, section):
        return section.topic_count

    @admin.display(description="resources", ordering="resource_count")
    def resource_count(self, section):
        return section.resource_count


# Topics: a tree per section -------------------------------------------------------


class FilledInFilter(admin.SimpleListFilter):
    """Rows whose text `field` is filled in ("yes") or left blank ("no"), with labels of their own."""

    field = ""
    labels = ("", "")  # (filled in, blank)

    def lookups(self, request, model_admin):
        return [("yes", self.labels[0]), ("no", self.labels[1])]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(**{self.field: ""})
        if self.value() == "no":
            return queryset.filter(**{self.field: ""})
        return queryset


class DescribedFilter(FilledInFilter):
    title = "description"
    parameter_name = "described"
    field = "description"
    labels = ("Has a description", "No description yet")


class TopicShapeFilter(admin.SimpleListFilter):
    title = "place in the tree"
    parameter_name = "shape"

    def lookups(self, request, model_admin):
        return [
            ("root", "First line of a tree"),
            ("leaf", "Leaf (learners mark these)"),
            ("branch", "Has subtopics"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "root":
            return queryset.roots()
        if self.value() == "leaf":
            return queryset.leaves()
        if self.value() == "branch":
            return queryset.filter(children__isnull=False).distinct()
        return queryset


class ChildTopicInline(KeyedInline, admin.TabularInline):
    model = Topic
    fk_name = "parent"
    fields = ("order", "title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    show_change_link = True
    verbose_name = "subtopic"
    verbose_name_plural = "subtopics"


@admin.register(Topic)
class TopicAdmin(KeyedAdmin):
    form = TopicAdminForm
    fields = ("section", "parent", "title", "slug", "description", "description_preview")
    readonly_fields = ("description_preview",)
    list_display = ("indented_title", "order", "parent", "section", "child_count", "has_description")
    list_filter = (TopicShapeFilter, DescribedFilter, "section__phase", "section")
    search_fields = ("title", "slug", "key", "description")
    # Keys are slug paths, so sorting by key keeps each subtree together (a topic
    # moved under another parent keeps its key, and sorts by where it was made).
    ordering = ("section__phase__number", "section__order", "key")
    list_select_related = ("section__phase", "parent")
    prepopulated_fields = {"slug": ("title",)}
    inlines = (ChildTopicInline, TopicResourceInline)

    def get_readonly_fields(self, request, obj=None):
        # Moving a topic to another section would leave its subtopics behind.
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "section") if obj is not None else readonly

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(child_count=Count("children"))

    def prepare_inline_row(self, row, formset):
        # Subtopics and the topic's resources both belong to the topic's section.
        row.section_id = formset.instance.section_id

    @admin.display(description="preview")
    def description_preview(self, topic):
        return markdown_preview(topic.description)

    @admin.display(description="described", boolean=True)
    def has_description(self, topic):
        return bool(topic.description)

    @admin.display(description="title", ordering="key")
    def indented_title(self, topic):
        return "— " * topic.depth + topic.title

    @admin.display(description="subtopics", ordering="child_count")
    def child_count(self, topic):
        return topic.child_count


# Resources ------------------------------------------------------------------------


class HasLinkFilter(FilledInFilter):
    title = "link"
    parameter_name = "link"
    field = "url"
    labels = ("Has a link", "Publisher only (no link)")


@admin.register(Resource)
class ResourceAdmin(KeyedAdmin):
    form = ResourceAdminForm
    fields = (
        "section",
        "topic",
        "kind",
        "title",
        "url",
        "publisher",
        "cost",
        "level",
        "hours",
        "language",
    )
    list_display = ("title", "kind", "cost", "link", "publisher", "section", "topic")
    list_filter = ("kind", "cost", "level", HasLinkFilter, "section__phase", "section")
    search_fields = ("title", "url", "publisher", "section__title", "topic__title")
    ordering = ("section__phase__number", "section__order", "order")
    list_select_related = ("section__phase", "topic")

    @admin.display(description="link", ordering="url")
    def link(self, resource):
        if not resource.url.startswith(("http://", "https://")):
            return resource.url or "—"
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', resource.url, resource.url)

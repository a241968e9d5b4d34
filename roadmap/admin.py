"""The editors' admin: every piece of roadmap content, editable without typing keys.

A row's `key` is its identity for fixtures and learner progress, so editors
never type or change one: a new row gets the key the importer would give it
(its parent's key, a segment for its kind, and its slugified title, made
unique with -2, -3...); after that it is read-only.
"""

from collections import Counter

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.db import models, router
from django.db.models import Count
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import ngettext

from roadmap.forms import CommunityAdminForm, ResourceAdminForm, SectionChoiceField, TopicAdminForm
from roadmap.models import (
    CareerPath,
    Channel,
    Community,
    HumanSkill,
    Phase,
    Principle,
    ProjectIdea,
    Resource,
    Roadmap,
    Section,
    TimelineEntry,
    Tool,
    ToolCategory,
    Topic,
    key_slug,
)

admin.site.site_header = "Waymark admin"
admin.site.site_title = "Waymark admin"
admin.site.index_title = "Roadmap content"

KEY_MAX_LENGTH = Roadmap._meta.get_field("key").max_length

# Where a new row's key starts, per model: the same scheme as roadmap.importer,
# so a row added here and later written into the markdown is matched, not doubled.
KEY_PREFIX = {
    Roadmap: lambda roadmap: "",
    Phase: lambda phase: phase.roadmap.key,
    Section: lambda section: section.phase.key,
    Topic: lambda topic: (topic.parent or topic.section).key,
    Resource: lambda resource: f"{resource.section.key}/resources",
    ProjectIdea: lambda project: f"{project.roadmap.key}/projects/{project.level}",
    TimelineEntry: lambda entry: f"{entry.roadmap.key}/timeline",
    CareerPath: lambda career: f"{career.roadmap.key}/careers",
    ToolCategory: lambda category: f"{category.roadmap.key}/tools",
    Tool: lambda tool: tool.category.key,
    Community: lambda community: f"{community.roadmap.key}/communities",
    Channel: lambda channel: f"{channel.roadmap.key}/channels",
    Principle: lambda principle: f"{principle.roadmap.key}/principles",
    HumanSkill: lambda skill: f"{skill.roadmap.key}/human-skills",
}


def new_key(obj):
    """A unique key for a row about to be created."""
    title = next(getattr(obj, name) for name in ("title", "name", "label") if hasattr(obj, name))
    tail = key_slug(title) or "item"
    prefix = KEY_PREFIX[type(obj)](obj)
    base = f"{prefix}/{tail}" if prefix else tail
    base = base[: KEY_MAX_LENGTH - 4]  # room for a "-999" suffix
    # One query for every key the suffixes could collide with.
    taken = set(type(obj).objects.filter(key__startswith=base).values_list("key", flat=True))
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


class KeyedAdmin(admin.ModelAdmin):
    """Key set on creation and read-only afterwards; new inline rows get keys too."""

    exclude = ("key",)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "key") if obj is not None else readonly

    def get_fields(self, request, obj=None):
        # What editors write first; the position among siblings, then the
        # (read-only) key, last.
        fields = [name for name in super().get_fields(request, obj) if name not in {"order", "key"}]
        return [*fields, "order", *(["key"] if obj is not None else [])]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.key = new_key(obj)
        super().save_model(request, obj, form, change)

    def get_deleted_objects(self, objs, request):
        """Django's list, except that learners' rows blocking a delete are counted, not named.

        Content that learner progress points at is protected (on_delete=PROTECT).
        Django would name each protecting row ("Lena Learner · Chain rule: Done"),
        showing editors people they have no permission to see, and would call it
        a missing permission when no permission would allow the delete.
        """
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if not protected:
            return deleted, counts, perms_needed, protected
        collector = NestedObjects(using=router.db_for_write(self.model), origin=objs)
        collector.collect(objs)
        content, others = [], Counter()
        for obj in collector.protected:
            if obj._meta.app_label == self.model._meta.app_label:
                content.append(f"{capfirst(obj._meta.verbose_name)}: {obj}")
            else:
                others[obj._meta.verbose_name_plural] += 1
        protected = sorted(content) + [
            f"{capfirst(name)}: {ngettext('%d record', '%d records', n) % n} of learners, not shown here"
            for name, n in sorted(others.items())
        ]
        only_protecting = {obj._meta.verbose_name for obj in collector.protected} - {
            model._meta.verbose_name for model in collector.model_objs
        }
        return deleted, counts, perms_needed - only_protecting, protected

    def prepare_inline_row(self, row, formset):
        """Fill in what a new inline row needs besides its key (a hook for subclasses)."""

    def save_formset(self, request, form, formset, change):
        rows = formset.save(commit=False)
        for row in formset.deleted_objects:
            row.delete()
        for row in rows:
            if row.pk is None:
                self.prepare_inline_row(row, formset)
                row.key = new_key(row)
            row.save()
        formset.save_m2m()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Section:
            kwargs["form_class"] = SectionChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class KeyedInline:
    """Inline rows: no key field at all; KeyedAdmin.save_formset assigns it."""

    exclude = ("key",)
    extra = 0


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
    model = Resource
    form = ResourceAdminForm
    fields = ("order", "kind", "title", "url", "publisher")
    # Plain, narrower boxes, so the row fits beside the page's sidebar; the
    # admin's link widget ("Currently: ... Change:") would crowd it further.
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"size": 24})},
        models.URLField: {"widget": forms.URLInput(attrs={"size": 24})},
    }


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
    fields = ("section", "parent", "title", "slug")
    list_display = ("indented_title", "order", "parent", "section", "child_count")
    list_filter = (TopicShapeFilter, "section__phase", "section")
    search_fields = ("title", "slug", "key")
    # Keys are slug paths, so sorting by key keeps each subtree together.
    ordering = ("section__phase__number", "section__order", "key")
    list_select_related = ("section__phase", "parent")
    prepopulated_fields = {"slug": ("title",)}
    inlines = (ChildTopicInline,)

    def get_readonly_fields(self, request, obj=None):
        # Moving a topic to another section would leave its subtopics behind.
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "section") if obj is not None else readonly

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(child_count=Count("children"))

    def prepare_inline_row(self, row, formset):
        row.section_id = formset.instance.section_id

    @admin.display(description="title", ordering="key")
    def indented_title(self, topic):
        return "— " * topic.depth + topic.title

    @admin.display(description="subtopics", ordering="child_count")
    def child_count(self, topic):
        return topic.child_count


# Resources ------------------------------------------------------------------------


class HasLinkFilter(admin.SimpleListFilter):
    title = "link"
    parameter_name = "link"

    def lookups(self, request, model_admin):
        return [("yes", "Has a link"), ("no", "Publisher only (no link)")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(url="")
        if self.value() == "no":
            return queryset.filter(url="")
        return queryset


@admin.register(Resource)
class ResourceAdmin(KeyedAdmin):
    form = ResourceAdminForm
    list_display = ("title", "kind", "link", "publisher", "section")
    list_filter = ("kind", HasLinkFilter, "section__phase", "section")
    search_fields = ("title", "url", "publisher", "section__title")
    ordering = ("section__phase__number", "section__order", "order")
    list_select_related = ("section__phase",)

    @admin.display(description="link", ordering="url")
    def link(self, resource):
        if not resource.url.startswith(("http://", "https://")):
            return resource.url or "—"
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', resource.url, resource.url)


# The appendix: rows hanging off the roadmap ----------------------------------------


class RoadmapPartAdmin(KeyedAdmin):
    list_filter = ("roadmap",)
    list_select_related = ("roadmap",)
    ordering = ("roadmap__order", "order")


@admin.register(ProjectIdea)
class ProjectIdeaAdmin(RoadmapPartAdmin):
    list_display = ("title", "level", "order")
    list_filter = ("level", "roadmap")
    search_fields = ("title",)


@admin.register(TimelineEntry)
class TimelineEntryAdmin(RoadmapPartAdmin):
    list_display = ("label", "description", "start_month", "end_month", "phase_numbers")
    list_filter = ("phases", "roadmap")
    search_fields = ("label", "description")
    filter_horizontal = ("phases",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("phases")

    @admin.display(description="phases")
    def phase_numbers(self, entry):
        return ", ".join(str(phase.number) for phase in entry.phases.all()) or "—"


@admin.register(CareerPath)
class CareerPathAdmin(RoadmapPartAdmin):
    list_display = ("title", "is_focus", "order")
    list_filter = ("is_focus", "roadmap")
    search_fields = ("title", "description")


class ToolInline(KeyedInline, admin.TabularInline):
    model = Tool
    fields = ("order", "name", "description")


@admin.register(ToolCategory)
class ToolCategoryAdmin(RoadmapPartAdmin):
    list_display = ("title", "tool_count", "order")
    search_fields = ("title", "tools__name")
    inlines = (ToolInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(tool_count=Count("tools"))

    @admin.display(description="tools", ordering="tool_count")
    def tool_count(self, category):
        return category.tool_count


@admin.register(Tool)
class ToolAdmin(KeyedAdmin):
    list_display = ("name", "description", "category")
    list_filter = ("category",)
    search_fields = ("name", "description")
    ordering = ("category__order", "order")
    list_select_related = ("category",)


@admin.register(Community)
class CommunityAdmin(RoadmapPartAdmin):
    form = CommunityAdminForm
    list_display = ("name", "url", "order")
    search_fields = ("name", "url")


@admin.register(Channel)
class ChannelAdmin(RoadmapPartAdmin):
    list_display = ("name", "description", "order")
    search_fields = ("name", "description")


@admin.register(Principle)
class PrincipleAdmin(RoadmapPartAdmin):
    list_display = ("title", "description", "order")
    search_fields = ("title", "description")


@admin.register(HumanSkill)
class HumanSkillAdmin(RoadmapPartAdmin):
    list_display = ("title", "order")
    search_fields = ("title",)

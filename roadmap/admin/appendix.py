"""The appendix in the admin: rows hanging off the roadmap (projects, timeline, careers, tools...)."""

from django.contrib import admin
from django.db.models import Count

from roadmap.admin.base import KeyedAdmin, KeyedInline, markdown_preview
from roadmap.forms import CommunityAdminForm
from roadmap.models import (
    CareerPath,
    Channel,
    Community,
    HumanSkill,
    Principle,
    ProjectIdea,
    TimelineEntry,
    Tool,
    ToolCategory,
)


class RoadmapPartAdmin(KeyedAdmin):
    list_filter = ("roadmap",)
    list_select_related = ("roadmap",)
    ordering = ("roadmap__order", "order")


@admin.register(ProjectIdea)
class ProjectIdeaAdmin(RoadmapPartAdmin):
    fields = ("roadmap", "level", "title", "brief", "brief_preview", "skills", "after_phase", "done_when")
    readonly_fields = ("brief_preview",)
    list_display = ("title", "level", "after_phase", "order", "has_brief")
    list_filter = ("level", "after_phase", "roadmap")
    search_fields = ("title", "brief", "skills")
    list_select_related = ("roadmap", "after_phase")

    @admin.display(description="preview")
    def brief_preview(self, project):
        return markdown_preview(project.brief)

    @admin.display(description="brief", boolean=True)
    def has_brief(self, project):
        return bool(project.brief)


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

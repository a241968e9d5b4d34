"""Progress in the admin: a learner's own records, for superusers, read-only.

A learner's own records (topic and project progress, plan, path choices,
activity) are shown to superusers only, read-only: they change through the
learner's own pages, and the activity log is append-only. Deleting stays
possible for a superuser clearing up. Private notes are not registered at all:
they belong to their author.

Cohorts, memberships and nudges are registered by progress.mentoring.admin,
imported below so the admin's autodiscovery (which imports this module) finds them.
"""

from django.contrib import admin

from progress.mentoring import admin as mentoring_admin  # noqa: F401  (registers cohorts)
from progress.models import (
    Activity,
    LearningPlan,
    PathChoice,
    ProjectProgress,
    TopicProgress,
)


class ReadOnlyForSuperusers(admin.ModelAdmin):
    """A learner's own data: superusers may look and delete, nobody edits here."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(TopicProgress)
class TopicProgressAdmin(ReadOnlyForSuperusers):
    list_display = ["user", "topic", "status", "updated_at"]
    list_filter = ["status", "topic__section__phase"]
    search_fields = ["user__email", "user__display_name", "topic__title"]
    list_select_related = ["user", "topic"]
    date_hierarchy = "updated_at"


@admin.register(ProjectProgress)
class ProjectProgressAdmin(ReadOnlyForSuperusers):
    list_display = ["user", "project", "status", "evidence_url", "reviewed_at", "reviewed_by"]
    list_filter = ["status", "project__level", "reviewed_at"]
    search_fields = ["user__email", "user__display_name", "project__title"]
    list_select_related = ["user", "project", "reviewed_by"]


@admin.register(PathChoice)
class PathChoiceAdmin(ReadOnlyForSuperusers):
    list_display = ["user", "section", "created_at"]
    list_filter = ["section"]
    search_fields = ["user__email", "user__display_name"]
    list_select_related = ["user", "section"]


@admin.register(LearningPlan)
class LearningPlanAdmin(ReadOnlyForSuperusers):
    list_display = ["user", "start_date", "pace", "updated_at"]
    list_filter = ["pace"]
    search_fields = ["user__email", "user__display_name"]
    list_select_related = ["user"]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyForSuperusers):
    list_display = ["created_at", "user", "kind", "topic", "project", "from_status", "to_status"]
    list_filter = ["kind", "to_status"]
    search_fields = ["user__email", "user__display_name"]
    list_select_related = ["user", "topic", "project"]
    date_hierarchy = "created_at"

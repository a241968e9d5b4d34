"""The periodic jobs' schedule, for superusers: read-only (settings.PERIODIC_JOBS decides it)."""

from django.contrib import admin

from jobs.models import PeriodicJob


@admin.register(PeriodicJob)
class PeriodicJobAdmin(admin.ModelAdmin):
    list_display = ["name", "next_run_at", "last_started_at", "last_task_id"]
    list_filter = ["next_run_at"]
    search_fields = ["name"]
    list_select_related = False  # no foreign keys
    readonly_fields = ["name", "next_run_at", "pending_task_id", "last_started_at", "last_task_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

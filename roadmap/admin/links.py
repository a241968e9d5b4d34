"""Links needing attention: what `manage.py check_links` found broken, unreachable or moved.

Read-only: the checker writes these rows. The one action points a moved
link's resource at where it moved (an ordinary, recorded content change).
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import ngettext

from roadmap.models import LinkNeedingAttention
from roadmap.services import resource_adopt_redirect


class FailuresFilter(admin.SimpleListFilter):
    title = "failed checks in a row"
    parameter_name = "failures"

    def lookups(self, request, model_admin):
        return [("1", "Once"), ("2", "2 times"), ("3", "3 times or more")]

    def queryset(self, request, queryset):
        if self.value() in {"1", "2"}:
            return queryset.filter(failures=int(self.value()))
        if self.value() == "3":
            return queryset.filter(failures__gte=3)
        return queryset


def _link(url: str):
    return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', url, url) if url else "—"


@admin.register(LinkNeedingAttention)
class LinkNeedingAttentionAdmin(admin.ModelAdmin):
    list_display = (
        "resource_title",
        "status",
        "http_code",
        "checked_link",
        "leads_to",
        "checked_at",
        "last_ok_at",
        "failures",
    )
    list_filter = ("status", FailuresFilter, "resource__section__phase", "resource__kind", "resource__cost")
    search_fields = ("resource__title", "url", "final_url")
    list_select_related = ("resource__section__phase",)
    ordering = ("-failures", "status", "resource__title")
    date_hierarchy = "checked_at"
    actions = ["adopt_redirects"]
    fields = (
        "resource_title",
        "status",
        "http_code",
        "checked_link",
        "leads_to",
        "error",
        "checked_at",
        "last_ok_at",
        "failures",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).needing_attention()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="resource", ordering="resource__title")
    def resource_title(self, check):
        url = reverse("admin:roadmap_resource_change", args=[check.resource_id])
        return format_html('<a href="{}">{}</a>', url, check.resource.title)

    @admin.display(description="link checked", ordering="url")
    def checked_link(self, check):
        return _link(check.url)

    @admin.display(description="where it leads")
    def leads_to(self, check):
        return _link(check.final_url)

    @admin.action(
        description="Adopt the redirect: make where it moved the resource's link", permissions=["change"]
    )
    def adopt_redirects(self, request, queryset):
        if not request.user.has_perm("roadmap.change_resource"):
            self.message_user(request, "You may not change resources.", messages.ERROR)
            return
        adopted = skipped = 0
        for check in queryset.select_related("resource"):
            if resource_adopt_redirect(check=check):
                adopted += 1
            else:
                skipped += 1
        if adopted:
            self.message_user(
                request,
                ngettext(
                    "%d link now points where it moved.", "%d links now point where they moved.", adopted
                )
                % adopted,
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%d link was not a permanent redirect: nothing to adopt.",
                    "%d links were not permanent redirects: nothing to adopt.",
                    skipped,
                )
                % skipped,
                messages.WARNING,
            )

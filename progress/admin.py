"""Progress in the admin: a learner's own records, for superusers, read-only.

A learner's own records (topic and project progress, plan, path choices,
activity) are shown to superusers only, read-only: they change through the
learner's own pages, and the activity log is append-only. Deleting stays
possible for a superuser clearing up. Private notes are not registered at all:
they belong to their author.

Cohorts, memberships and nudges are registered by progress.mentoring.admin,
imported below so the admin's autodiscovery (which imports this module) finds them.

Reported links: editors may view the queue and resolve reports, and see how
many learners reported each link, never who.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Max, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from config.validators import validate_multiline_text
from progress.admin_access import ReadOnlyForSuperusers
from progress.mentoring import admin as mentoring_admin  # noqa: F401  (registers cohorts)
from progress.models import (
    LINK_REPORT_NOTE_MAX_LENGTH,
    Activity,
    LearningPlan,
    LinkReport,
    PathChoice,
    ProjectProgress,
    ReportedResource,
    TopicProgress,
)
from progress.services import link_reports_resolve


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


# Learners' reports on links: the editors' queue. Learners are counted, never named:
# nothing here shows, filters or searches by who reported, and LinkReport itself is
# not registered (its rows name the learner).


class ReasonFilter(admin.SimpleListFilter):
    title = "reported as"
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return [(value, label.partition(":")[0]) for value, label in LinkReport.Reason.choices]

    def queryset(self, request, queryset):
        if self.value() in LinkReport.Reason.values:
            reported = LinkReport.objects.open().filter(reason=self.value()).values("resource_id")
            return queryset.filter(pk__in=reported)
        return queryset


class ResolveReportsForm(forms.ModelForm):
    outcome = forms.ChoiceField(
        choices=[("", "---------"), *LinkReport.Outcome.choices],
        help_text="Every open report on this link gets it; the learners who reported see it beside the link.",
    )
    note = forms.CharField(
        label="note to the learners",
        required=False,
        max_length=LINK_REPORT_NOTE_MAX_LENGTH,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: what you changed, or why nothing needed to.",
    )

    class Meta:
        model = ReportedResource
        fields = []


@admin.register(ReportedResource)
class ReportedResourceAdmin(admin.ModelAdmin):
    """Reported links, the ones most learners reported first; open one to resolve its reports."""

    form = ResolveReportsForm
    list_display = ["title", "learners", "reasons", "latest", "link", "section"]
    list_display_links = ["title"]
    list_filter = [ReasonFilter, "section__phase", "kind", "cost"]
    search_fields = ["title", "url"]
    list_select_related = ["section__phase"]
    fields = ["resource", "reports", "outcome", "note"]
    readonly_fields = ["resource", "reports"]

    def get_queryset(self, request):
        open_reports = Q(link_reports__resolved_at__isnull=True)
        counts = {
            f"reported_{value}": Count("link_reports", filter=open_reports & Q(link_reports__reason=value))
            for value in LinkReport.Reason.values
        }
        # ModelAdmin.get_queryset would order by the annotations before they exist.
        return (
            ReportedResource.objects.annotate(
                learners=Count("link_reports__user", filter=open_reports, distinct=True),
                latest=Max("link_reports__created_at", filter=open_reports),
                **counts,
            )
            .filter(learners__gt=0)
            .order_by(*self.get_ordering(request))
        )

    def get_ordering(self, request):
        # The links most learners tripped over first (annotations: `ordering` cannot name them).
        return ["-learners", "-latest"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="learners reporting", ordering="learners")
    def learners(self, resource):
        return resource.learners

    @admin.display(description="reported as")
    def reasons(self, resource):
        counts = [
            f"{label.partition(':')[0].lower()} {getattr(resource, f'reported_{value}')}"
            for value, label in LinkReport.Reason.choices
            if getattr(resource, f"reported_{value}")
        ]
        return ", ".join(counts)

    @admin.display(description="latest report", ordering="latest")
    def latest(self, resource):
        return resource.latest

    @admin.display(description="link", ordering="url")
    def link(self, resource):
        if not resource.url:
            return resource.publisher or "—"
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', resource.url, resource.url)

    @admin.display(description="resource")
    def resource(self, resource):
        edit = reverse("admin:roadmap_resource_change", args=[resource.pk])
        return format_html(
            '{} ({}) · {} · <a href="{}">edit the resource</a>',
            resource.title,
            resource.get_kind_display(),
            self.link(resource),
            edit,
        )

    @admin.display(description="open reports")
    def reports(self, resource):
        rows = (
            resource.link_reports.open()
            .order_by("-created_at")
            .values_list("created_at", "reason", "comment")
        )
        reasons = dict(LinkReport.Reason.choices)
        return format_html(
            '<ul class="reported">{}</ul>',
            format_html_join(
                "",
                "<li>{}: {}{}</li>",
                (
                    (f"{created:%Y-%m-%d}", reasons[reason], f" “{comment}”" if comment else "")
                    for created, reason, comment in rows
                ),
            ),
        )

    def save_model(self, request, obj, form, change):
        # The resource itself is not changed here: only its open reports are resolved.
        obj.resolved_count = link_reports_resolve(
            resource=obj, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
        )

    def response_change(self, request, obj):
        count = getattr(obj, "resolved_count", 0)
        self.message_user(
            request,
            f"{count} report{'s' if count != 1 else ''} on “{obj.title}” resolved: "
            "the learners who sent them see the outcome beside the link.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:progress_reportedresource_changelist"))

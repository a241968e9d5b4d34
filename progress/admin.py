"""Progress in the admin.

Cohorts and memberships: superusers manage every cohort here; mentors manage
their own from the site. Editors have no permission on either (migration 0004):
both show people by email address, and editors edit content only.

A learner's own records (topic and project progress, plan, path choices,
activity) are shown to superusers only, read-only: they change through the
learner's own pages, and the activity log is append-only. Deleting stays
possible for a superuser clearing up. Private notes are not registered at all:
they belong to their author.

Reported links (migration 0007): editors may view the queue and resolve
reports, and see how many learners reported each link, never who.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Prefetch, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
from config.validators import validate_multiline_text, validate_single_line_text
from progress.models import (
    LINK_REPORT_NOTE_MAX_LENGTH,
    Activity,
    Cohort,
    LearningPlan,
    LinkReport,
    Membership,
    PathChoice,
    ProjectProgress,
    ReportedResource,
    TopicProgress,
)
from progress.services import link_reports_resolve


class UserByEmailField(forms.ModelChoiceField):
    """A person picked by typing their email address.

    A select of every account would not scale, and no user autocomplete is
    wired up; an email address the superuser was given works for both."""

    widget = forms.EmailInput

    def __init__(self, **kwargs):
        super().__init__(queryset=User.objects.all(), to_field_name="email", **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.queryset.get(email__iexact=value.strip())
        except User.DoesNotExist:
            raise ValidationError(
                "No one has an account with this email address.", code="invalid_choice"
            ) from None


class MembershipInlineForm(forms.ModelForm):
    user = UserByEmailField(label="Learner's email")

    class Meta:
        model = Membership
        fields = ["cohort", "user", "joined_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Show the email, not the primary key (the row's user is select_related).
            self.initial["user"] = self.instance.user.email


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipInlineForm
    extra = 1
    readonly_fields = ["name"]
    fields = ["user", "name", "joined_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    @admin.display(description="shown as")
    def name(self, membership):
        return membership.user.display_name if membership.pk else ""


class CohortAdminForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "start_date", "mentors"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(validate_single_line_text)


class MentorListFilter(admin.SimpleListFilter):
    """Cohorts left without a mentor (their mentor's role was revoked) are found here."""

    title = "mentor"
    parameter_name = "mentor"

    def lookups(self, request, model_admin):
        return [("none", "No mentor"), ("some", "Has a mentor")]

    def queryset(self, request, queryset):
        without = Cohort.objects.without_mentor().values("pk")
        if self.value() == "none":
            return queryset.filter(pk__in=without)
        if self.value() == "some":
            return queryset.exclude(pk__in=without)
        return queryset


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    form = CohortAdminForm
    inlines = [MembershipInline]
    list_display = ["name", "mentor_names", "learner_count", "start_date", "created_at"]
    list_filter = [MentorListFilter, "start_date", "created_at"]
    search_fields = ["name", "mentors__display_name", "mentors__email"]
    list_select_related = False  # no foreign keys; mentors come from one prefetch
    # The Mentors group is small, so every mentor fits in a two-pane picker.
    filter_horizontal = ["mentors"]
    readonly_fields = ["invite_link", "created_at"]
    fields = ["name", "start_date", "mentors", "invite_link", "created_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(learner_count=Count("memberships", distinct=True))
            .prefetch_related(
                Prefetch("mentors", queryset=User.objects.filter(groups__name=GROUP_NAMES[Role.MENTOR]))
            )
        )

    @admin.display(description="mentors")
    def mentor_names(self, cohort):
        return ", ".join(str(mentor) for mentor in cohort.mentors.all()) or "no mentor"

    @admin.display(description="learners", ordering="learner_count")
    def learner_count(self, cohort):
        return cohort.learner_count

    @admin.display(description="join link")
    def invite_link(self, cohort):
        return cohort.get_invite_path() if cohort.pk else "Made when the cohort is saved."


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipInlineForm
    list_display = ["user", "cohort", "joined_at"]
    list_filter = ["cohort", "joined_at"]
    search_fields = ["cohort__name", "user__display_name", "user__email"]
    list_select_related = ["user", "cohort"]
    fields = ["cohort", "user", "joined_at"]


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

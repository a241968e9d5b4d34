"""Cohorts, memberships and nudges in the admin.

Superusers manage every cohort here; mentors manage their own from the site.
Editors have no permission on any of them (migration 0006): they show people
by email address, and editors edit content only. Nudges are a log: superusers
read it, nobody edits it.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
from config.validators import validate_multiline_text, validate_single_line_text
from progress.admin_access import ReadOnlyForSuperusers
from progress.mentoring.models import Cohort, Membership, MentorSettings, Nudge


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
        fields = ["name", "start_date", "owner", "mentors"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(validate_single_line_text)
        self.fields["owner"].queryset = User.objects.filter(groups__name=GROUP_NAMES[Role.MENTOR])


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


class ArchivedListFilter(admin.SimpleListFilter):
    title = "archived"
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", "Active"), ("yes", "Archived")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.active()
        if self.value() == "yes":
            return queryset.archived()
        return queryset


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    form = CohortAdminForm
    inlines = [MembershipInline]
    list_display = [
        "name",
        "owner",
        "mentor_names",
        "learner_count",
        "start_date",
        "created_at",
        "archived_at",
    ]
    list_filter = [MentorListFilter, ArchivedListFilter, "start_date", "created_at"]
    search_fields = ["name", "mentors__display_name", "mentors__email"]
    list_select_related = ["owner"]  # mentors come from one prefetch
    # The Mentors group is small, so every mentor fits in a two-pane picker.
    filter_horizontal = ["mentors"]
    readonly_fields = ["invite_link", "created_at", "archived_at"]
    fields = ["name", "start_date", "owner", "mentors", "invite_link", "created_at", "archived_at"]

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


@admin.register(Nudge)
class NudgeAdmin(ReadOnlyForSuperusers):
    """The log of nudges and notices: who sent what to whom, and when. Read-only."""

    list_display = ["created_at", "kind", "sender", "learner", "cohort_name", "emailed", "dismissed_at"]
    list_filter = ["kind", "emailed", "created_at"]
    search_fields = [
        "sender__email",
        "sender__display_name",
        "learner__email",
        "learner__display_name",
        "cohort_name",
    ]
    list_select_related = ["sender", "learner"]
    date_hierarchy = "created_at"


class MentorSettingsAdminForm(forms.ModelForm):
    class Meta:
        model = MentorSettings
        fields = ["weekly_digest", "nudge_template"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nudge_template"].validators.append(validate_multiline_text)


@admin.register(MentorSettings)
class MentorSettingsAdmin(admin.ModelAdmin):
    form = MentorSettingsAdminForm
    list_display = ["user", "weekly_digest", "digest_sent_at"]
    list_filter = ["weekly_digest"]
    search_fields = ["user__email", "user__display_name"]
    list_select_related = ["user"]
    fields = ["user", "weekly_digest", "nudge_template", "digest_sent_at"]
    readonly_fields = ["user", "digest_sent_at"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

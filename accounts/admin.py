"""People in the admin. Only superusers manage people: no role group has any
permission on users or groups, so editors never see this page (403)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import ngettext

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role, role_grant, role_revoke


class UserCreationForm(BaseUserCreationForm):
    """Email and the password twice: everything else is edited after creation."""

    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        # The database also refuses this (a unique index on lower(email)); asking
        # first turns an integrity error into a message beside the field.
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError("A user with this email address already exists.")
        return email


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class RoleListFilter(admin.SimpleListFilter):
    title = "role"
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [*Role.choices, ("none", "Learner only")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.exclude(groups__name__in=GROUP_NAMES.values())
        if self.value() in Role.values:
            return queryset.filter(groups__name=GROUP_NAMES[Role(self.value())])
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "time_zone")}),
        (
            "Permissions",
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "description": "To make someone an editor or a mentor, prefer the role actions on the "
                "list of users (or manage.py grant_role): granting editor there also gives admin access.",
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    list_display = ("email", "display_name", "roles", "is_staff", "is_active", "date_joined")
    list_filter = (RoleListFilter, "is_staff", "is_superuser", "is_active")
    search_fields = ("email", "display_name")
    ordering = ("email",)
    list_select_related = False  # no foreign keys to follow; roles come from one prefetch
    readonly_fields = ("last_login", "date_joined")
    actions = ("grant_editor", "revoke_editor", "grant_mentor", "revoke_mentor")

    def get_queryset(self, request):
        role_groups = Group.objects.filter(name__in=GROUP_NAMES.values()).order_by("name")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("groups", queryset=role_groups, to_attr="role_groups"))
        )

    def get_readonly_fields(self, request, obj=None):
        # Someone given "change user" by hand must still not be able to make
        # themselves (or anyone) a superuser or hand out permissions.
        if request.user.is_superuser:
            return self.readonly_fields
        return (*self.readonly_fields, "is_superuser", "groups", "user_permissions")

    @admin.display(description="roles")
    def roles(self, user):
        names = {group.name for group in user.role_groups}
        labels = [role.label for role, group in GROUP_NAMES.items() if group in names]
        return ", ".join(labels) or self.get_empty_value_display()

    def has_manage_roles_permission(self, request):
        # Django shows an action only to users passing every check it names,
        # so these actions are hidden from everyone but superusers.
        return request.user.is_superuser

    def _change_role(self, request, queryset, *, role, grant):
        change = role_grant if grant else role_revoke
        changed = sum(change(user=user, role=role) for user in queryset)
        unchanged = len(queryset) - changed
        if grant:
            message = ngettext(
                "Granted the %(role)s role to %(count)d user.",
                "Granted the %(role)s role to %(count)d users.",
                changed,
            )
            rest = ngettext("%(count)d already had it.", "%(count)d already had it.", unchanged)
        else:
            message = ngettext(
                "Revoked the %(role)s role from %(count)d user.",
                "Revoked the %(role)s role from %(count)d users.",
                changed,
            )
            rest = ngettext("%(count)d did not have it.", "%(count)d did not have it.", unchanged)
        message %= {"role": role, "count": changed}
        if unchanged:
            message += " " + rest % {"count": unchanged}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(permissions=["manage_roles"], description="Grant the editor role (admin access)")
    def grant_editor(self, request, queryset):
        self._change_role(request, queryset, role=Role.EDITOR, grant=True)

    @admin.action(permissions=["manage_roles"], description="Revoke the editor role")
    def revoke_editor(self, request, queryset):
        self._change_role(request, queryset, role=Role.EDITOR, grant=False)

    @admin.action(permissions=["manage_roles"], description="Grant the mentor role")
    def grant_mentor(self, request, queryset):
        self._change_role(request, queryset, role=Role.MENTOR, grant=True)

    @admin.action(permissions=["manage_roles"], description="Revoke the mentor role")
    def revoke_mentor(self, request, queryset):
        self._change_role(request, queryset, role=Role.MENTOR, grant=False)

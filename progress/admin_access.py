"""Who may do what with learners' own data in the admin: superusers look and delete, nobody edits."""

from django.contrib import admin


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

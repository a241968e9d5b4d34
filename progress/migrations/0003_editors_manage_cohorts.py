"""Let editors manage cohorts and their memberships in the admin.

Editors get add/change/delete/view on Cohort and Membership; nothing else of
the progress app (a learner's progress stays theirs). Mentors manage their own
cohorts from the site, which needs no admin permission.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
CODENAMES = [f"{action}_{model}" for model in ("cohort", "membership") for action in ("add", "change", "delete", "view")]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias

    # On a fresh database permissions are created only after every migration
    # (post_migrate); create this app's now. The migration state's app config
    # is a stub without `models_module`, which create_permissions needs truthy.
    config = apps.get_app_config("progress")
    config.models_module = True
    try:
        create_permissions(config, apps=apps, verbosity=0, using=db)
    finally:
        config.models_module = None

    editors, _ = Group.objects.using(db).get_or_create(name=EDITORS)
    permissions = Permission.objects.using(db).filter(content_type__app_label="progress", codename__in=CODENAMES)
    editors.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    permissions = Permission.objects.using(db).filter(content_type__app_label="progress", codename__in=CODENAMES)
    for group in Group.objects.using(db).filter(name=EDITORS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0002_cohorts"),
        ("accounts", "0002_role_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

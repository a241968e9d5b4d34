"""Editors edit content only: take back the cohort and membership permissions 0003 gave them.

Cohorts and memberships are about people (who learns with whom, who mentors
them, by email address), and editors never touch people. Superusers manage
cohorts in the admin; mentors manage their own from the site.
"""

from django.db import migrations

EDITORS = "Editors"
CODENAMES = [f"{action}_{model}" for model in ("cohort", "membership") for action in ("add", "change", "delete", "view")]


def _permissions(apps, db):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.using(db).filter(content_type__app_label="progress", codename__in=CODENAMES)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    db = schema_editor.connection.alias
    permissions = _permissions(apps, db)
    for group in Group.objects.using(db).filter(name=EDITORS):
        group.permissions.remove(*permissions)


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    db = schema_editor.connection.alias
    permissions = _permissions(apps, db)
    for group in Group.objects.using(db).filter(name=EDITORS):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("progress", "0005_activity_logged_by_the_database")]

    operations = [migrations.RunPython(revoke, grant)]

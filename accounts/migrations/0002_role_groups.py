"""Create the role groups: Editors (may change roadmap content in the admin) and Mentors.

Editors get add/change/delete/view on every roadmap model and nothing on users
or groups, so the admin never lets them open a person's record. Mentors get no
admin permissions: what they may see is decided by the progress app's views.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
MENTORS = "Mentors"
ACTIONS = ("add", "change", "delete", "view")


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias

    # On a fresh database the post_migrate signal that creates permissions has
    # not run yet, so create them here. The migration state's app config is a
    # stub without `models_module`, which create_permissions needs to be truthy.
    roadmap_config = apps.get_app_config("roadmap")
    roadmap_config.models_module = True
    try:
        create_permissions(roadmap_config, apps=apps, verbosity=0, using=db)
    finally:
        roadmap_config.models_module = None

    editors, _ = Group.objects.using(db).get_or_create(name=EDITORS)
    Group.objects.using(db).get_or_create(name=MENTORS)

    codenames = [
        f"{action}_{model._meta.model_name}" for model in roadmap_config.get_models() for action in ACTIONS
    ]
    content_types = ContentType.objects.using(db).filter(app_label="roadmap")
    permissions = Permission.objects.using(db).filter(content_type__in=content_types, codename__in=codenames)
    editors.permissions.add(*permissions)


def remove_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=[EDITORS, MENTORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("roadmap", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]

from django.db import migrations, models

import roadmap.models


def create_version_row(apps, schema_editor):
    apps.get_model("roadmap", "ContentVersion").objects.create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("roadmap", "0002_topic_parent_restrict"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.CharField(default=roadmap.models.new_content_version, max_length=32)),
            ],
            options={"default_permissions": ()},
        ),
        migrations.RunPython(create_version_row, migrations.RunPython.noop),
    ]

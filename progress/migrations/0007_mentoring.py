"""Mentoring: cohort owners, archiving, co-mentor links, nudges and mentors' settings.

Existing cohorts keep their rows. Each gets its own co-mentor link (a unique
token per row, so the column is added empty, filled, then made unique), and
an owner: its first mentor. Cohorts that the double-submit bug gave the same
owner and name are told apart ("Spring (2)") before the database starts
refusing such duplicates.
"""

import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
import progress.mentoring.models
from django.conf import settings
from django.db import migrations, models


def fill_in_existing_cohorts(apps, schema_editor):
    Cohort = apps.get_model("progress", "Cohort")
    db = schema_editor.connection.alias
    first_mentor = {}
    for row in Cohort.mentors.through.objects.using(db).order_by("id").values("cohort_id", "user_id"):
        first_mentor.setdefault(row["cohort_id"], row["user_id"])
    taken = set()  # (owner, lower-cased name) already used
    for cohort in Cohort.objects.using(db).order_by("created_at", "id"):
        cohort.owner_id = first_mentor.get(cohort.pk)
        cohort.mentor_invite_token = progress.mentoring.models.new_invite_token()
        if cohort.owner_id is not None:
            base, number = cohort.name, 1
            while (cohort.owner_id, cohort.name.lower()) in taken:
                number += 1
                suffix = f" ({number})"
                cohort.name = base[: 120 - len(suffix)] + suffix
            taken.add((cohort.owner_id, cohort.name.lower()))
        cohort.save(update_fields=["owner", "mentor_invite_token", "name"])
    if schema_editor.connection.vendor == "postgresql":
        # Check the new owner foreign keys now rather than at commit: PostgreSQL refuses
        # to alter a table (the unique steps below) while such checks are pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('progress', '0006_editors_leave_cohorts_to_superusers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='MentorSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('weekly_digest', models.BooleanField(default=True, help_text='Sent only in weeks with something to act on: new members, projects waiting, learners stuck, inactive or behind their plan.', verbose_name='email me a weekly digest')),
                ('nudge_template', models.TextField(default='Hi {name},\n\nHow is the roadmap going? If a topic has you stuck, pick one small step for this week, or bring it to our next session and we will look at it together.\n\n{mentor}', max_length=1000)),
                ('digest_sent_at', models.DateTimeField(blank=True, editable=False, null=True)),
            ],
            options={
                'verbose_name_plural': 'mentor settings',
            },
        ),
        migrations.CreateModel(
            name='Nudge',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('nudge', 'Nudge'), ('notice', 'Notice')], default='nudge', max_length=10)),
                ('cohort_name', models.CharField(max_length=120)),
                ('message', models.TextField(max_length=1000)),
                ('batch', models.CharField(max_length=64)),
                ('emailed', models.BooleanField(default=False)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('dismissed_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='cohort',
            name='archived_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='cohort',
            name='mentor_invite_token',
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name='cohort',
            name='owner',
            field=models.ForeignKey(blank=True, help_text='The mentor who created it. Only they invite or remove co-mentors and may delete it.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='owned_cohorts', to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(fill_in_existing_cohorts, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='cohort',
            name='mentor_invite_token',
            field=models.CharField(default=progress.mentoring.models.new_invite_token, editable=False, max_length=64, unique=True),
        ),
        migrations.AddConstraint(
            model_name='cohort',
            constraint=models.UniqueConstraint(models.F('owner'), django.db.models.functions.text.Lower('name'), name='progress_one_cohort_name_per_owner'),
        ),
        migrations.AddField(
            model_name='mentorsettings',
            name='user',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='mentor_settings', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='nudge',
            name='cohort',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='nudges', to='progress.cohort'),
        ),
        migrations.AddField(
            model_name='nudge',
            name='learner',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='nudges', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='nudge',
            name='sender',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='nudges_sent', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='nudge',
            index=models.Index(fields=['learner', '-created_at'], name='progress_nudge_learner_idx'),
        ),
        migrations.AddIndex(
            model_name='nudge',
            index=models.Index(fields=['sender', '-created_at'], name='progress_nudge_sender_idx'),
        ),
        migrations.AddConstraint(
            model_name='nudge',
            constraint=models.UniqueConstraint(fields=('batch', 'learner'), name='progress_one_nudge_per_learner_and_send'),
        ),
    ]

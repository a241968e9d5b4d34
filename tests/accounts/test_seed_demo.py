import re
from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from accounts.management.commands.seed_demo import DEMO_PEOPLE
from accounts.models import User

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


def _seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_it_refuses_to_run_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        _seed()

    assert not User.objects.exists()


def test_it_creates_the_demo_people_with_confirmed_addresses_and_roles(settings):
    settings.DEBUG = True

    output = _seed()

    people = {user.email: user for user in User.objects.all()}
    assert set(people) == {"learner@waymark.local", "editor@waymark.local", "mentor@waymark.local"}
    for email, password, _name, _role in DEMO_PEOPLE:
        assert people[email].check_password(password)
        assert f"{email}" in output and password in output
        address = EmailAddress.objects.get(user=people[email])
        assert (address.email, address.verified, address.primary) == (email, True, True)
    assert (people["learner@waymark.local"].is_editor, people["learner@waymark.local"].is_mentor) == (
        False,
        False,
    )
    assert people["editor@waymark.local"].is_editor
    assert people["editor@waymark.local"].is_staff
    assert not people["editor@waymark.local"].is_superuser
    assert people["mentor@waymark.local"].is_mentor
    assert not people["mentor@waymark.local"].is_staff
    assert "Created 3 demo people" in output


def test_it_can_run_again_without_duplicating_anyone(settings):
    settings.DEBUG = True
    _seed()
    User.objects.filter(email="learner@waymark.local").update(password="changed")

    output = _seed()

    assert User.objects.count() == 3
    assert EmailAddress.objects.count() == 3
    assert User.objects.get(email="learner@waymark.local").check_password("waymark-learner-demo")
    assert User.objects.get(email="editor@waymark.local").groups.count() == 1
    assert "Created 0 demo people and updated 3" in output


def test_a_dry_run_creates_nobody(settings):
    settings.DEBUG = True

    output = _seed("--dry-run")

    assert not User.objects.exists()
    assert "Would create 3" in output


def test_the_readme_lists_the_same_logins():
    readme = README.read_text()
    for email, password, _name, _role in DEMO_PEOPLE:
        assert re.search(rf"`{re.escape(email)}`\s*\|\s*`{re.escape(password)}`", readme), email


def test_it_gives_the_demo_learner_weeks_of_progress_and_the_mentor_a_cohort_in_every_state(
    settings, roadmap
):
    from datetime import timedelta

    from django.utils import timezone

    from progress.mentoring.table import learner_rows
    from progress.models import Activity, Cohort, LearningPlan, ProjectProgress, TopicNote, TopicProgress

    settings.DEBUG = True

    output = _seed()

    learner = User.objects.get(email="learner@waymark.local")
    assert LearningPlan.objects.filter(user=learner).exists()
    assert TopicProgress.objects.filter(user=learner, status="done").count() >= 15
    assert TopicNote.objects.filter(user=learner).count() == 4
    reviewed = ProjectProgress.objects.get(user=learner, status="done")
    assert reviewed.review_is_new and reviewed.review_comment
    # Backdated: weeks of activity on many days, none of it "now".
    days = {
        moment.date() for moment in Activity.objects.filter(user=learner).values_list("created_at", flat=True)
    }
    assert len(days) >= 15
    assert min(days) <= timezone.localdate() - timedelta(weeks=6)

    cohort = Cohort.objects.get(name="Demo cohort")
    assert cohort.mentors.get().email == "mentor@waymark.local"
    _phases, rows = learner_rows([cohort])
    rows = rows[cohort.pk]
    assert len(rows) == 13  # twelve, and the demo learner
    statuses = {row.plan.status for row in rows}
    assert {"on_track", "ahead", "behind"} <= statuses
    assert sum(row.inactive for row in rows) >= 2
    assert sum(row.projects_waiting for row in rows) >= 2
    stuck = TopicProgress.objects.filter(
        user__cohort_memberships__cohort=cohort,
        status="in_progress",
        updated_at__lte=timezone.now() - timedelta(days=21),
    )
    assert stuck.values("user").distinct().count() >= 2
    assert "12 learners in every state" in output


def test_running_it_again_keeps_the_learners_own_progress_and_remakes_the_cohort(settings, roadmap):
    from progress.models import Cohort, TopicProgress
    from progress.services import progress_set_status
    from roadmap.models import Topic

    settings.DEBUG = True
    _seed()
    learner = User.objects.get(email="learner@waymark.local")
    mine = Topic.objects.leaves().filter(section__phase__number=7).first()
    progress_set_status(user=learner, topic=mine, status="done")
    before = TopicProgress.objects.filter(user=learner).count()
    cohort_rows = TopicProgress.objects.exclude(user=learner).count()

    output = _seed()

    assert TopicProgress.objects.filter(user=learner).count() == before
    assert TopicProgress.objects.exclude(user=learner).count() == cohort_rows
    assert Cohort.objects.count() == 1
    assert User.objects.count() == 3 + 12
    assert "keeping the progress they have" in output


def test_it_says_there_is_no_progress_to_make_before_the_roadmap_is_loaded(settings):
    settings.DEBUG = True
    assert "No roadmap is loaded" in _seed()

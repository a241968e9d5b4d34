"""Text people type is refused, with a clear message and nothing saved, when it holds
control characters (ESC, BEL...): in a terminal, a log or a spreadsheet they act
instead of showing. Line breaks and tabs stay welcome where text has lines."""

import pytest
from django.urls import reverse

from progress.mentoring.models import Cohort
from progress.models import ProjectIdea, ProjectProgress, TopicNote
from roadmap.models import Topic
from tests.progress.mentoring.helpers import done_project

pytestmark = pytest.mark.django_db

ESC = "\x1b[31mred\x1b[0m"
BEL = "ding\x07"
MESSAGE = "control character"


@pytest.mark.parametrize("value", [ESC, BEL, "two\nlines", "a\x00b", "del\x7f", "csi\x9b2J"])
def test_it_refuses_control_characters_in_a_display_name(client, learner, value):
    client.force_login(learner)

    response = client.post(
        reverse("accounts:profile"),
        {"display_name": value, "time_zone": "UTC", "email_cohort_updates": "on"},
    )

    assert response.status_code == 200
    assert MESSAGE in response.text
    learner.refresh_from_db()
    assert learner.display_name == "Lena Learner"


@pytest.mark.parametrize("value", [ESC, BEL])
def test_it_refuses_control_characters_in_a_note(client, learner, roadmap, value):
    topic = Topic.objects.leaves().first()
    client.force_login(learner)

    response = client.post(reverse("progress:topic_note", kwargs={"pk": topic.pk}), {"text": value})

    assert response.status_code == 422
    assert MESSAGE in response.text
    assert not TopicNote.objects.exists()


def test_it_keeps_line_breaks_and_tabs_in_a_note(client, learner, roadmap):
    topic = Topic.objects.leaves().first()
    client.force_login(learner)

    client.post(reverse("progress:topic_note", kwargs={"pk": topic.pk}), {"text": "one\r\n\ttwo"})

    assert TopicNote.objects.get().text == "one\n\ttwo"


def test_it_refuses_control_characters_in_a_reflection(client, learner, roadmap):
    project = ProjectIdea.objects.order_by("id").first()
    client.force_login(learner)

    response = client.post(
        reverse("progress:project_progress", kwargs={"pk": project.pk}),
        {"status": "in_progress", "reflection": ESC},
    )

    assert MESSAGE in response.text
    assert not ProjectProgress.objects.exists()


@pytest.mark.parametrize("value", [ESC, BEL, "two\nlines"])
def test_it_refuses_control_characters_in_a_new_cohorts_name(client, mentor, value):
    client.force_login(mentor)

    response = client.post(reverse("cohorts:new"), {"name": value})

    assert response.status_code == 200
    assert MESSAGE in response.text
    assert list(Cohort.objects.values_list("name", flat=True)) == ["Spring cohort"]


def test_it_refuses_control_characters_when_renaming_a_cohort(client, mentor, cohort):
    client.force_login(mentor)

    response = client.post(reverse("cohorts:rename", kwargs={"pk": cohort.pk}), {"name": ESC})

    assert MESSAGE in response.text
    cohort.refresh_from_db()
    assert cohort.name == "Spring cohort"


def test_it_refuses_control_characters_in_a_review_comment(client, mentor, cohort, learner, roadmap):
    row = done_project(learner)
    client.force_login(mentor)
    url = reverse(
        "cohorts:review", kwargs={"pk": cohort.pk, "user_id": learner.pk, "project_id": row.project_id}
    )

    response = client.post(url, {"comment": BEL}, follow=True)

    assert MESSAGE in response.text
    row.refresh_from_db()
    assert (row.reviewed_at, row.review_comment) == (None, "")


def test_the_admin_refuses_control_characters_in_a_cohort_name(client, superuser, cohort, mentor):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:progress_cohort_change", args=[cohort.pk]),
        {
            "name": ESC,
            "start_date": "",
            "mentors": [mentor.pk],
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )

    assert MESSAGE in response.text
    cohort.refresh_from_db()
    assert cohort.name == "Spring cohort"

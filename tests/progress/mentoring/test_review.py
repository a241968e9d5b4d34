"""One learner, read-only, as their mentor sees them; and the mentor's one write: a project review."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from progress.models import (
    REFLECTION_MAX_LENGTH,
    Activity,
    ProjectProgress,
    ProjectStatus,
    TopicNote,
    TopicProgress,
    TopicStatus,
)
from roadmap.models import ProjectIdea, Topic
from tests.progress.mentoring.helpers import done_project

pytestmark = pytest.mark.django_db


def _learner_url(cohort, learner):
    return reverse("cohorts:learner", kwargs={"pk": cohort.pk, "user_id": learner.pk})


def _review_url(cohort, row):
    return reverse(
        "cohorts:review", kwargs={"pk": cohort.pk, "user_id": row.user_id, "project_id": row.project_id}
    )


@pytest.fixture
def busy_learner(learner, roadmap):
    now = timezone.now()
    topic = Topic.objects.leaves().order_by("id").first()
    TopicProgress.objects.create(user=learner, topic=topic, status=TopicStatus.IN_PROGRESS, updated_at=now)
    TopicNote.objects.create(
        user=learner, topic=topic, text="My private worry about eigenvalues", updated_at=now
    )
    Activity.objects.create(
        user=learner,
        kind=Activity.Kind.TOPIC,
        topic=topic,
        from_status="not_started",
        to_status="in_progress",
        created_at=now - timedelta(days=1),
    )
    return learner


def test_it_shows_the_learners_figures_read_only(client, mentor, cohort, busy_learner):
    row = done_project(busy_learner, evidence_url="https://github.com/lena/digits")
    client.force_login(mentor)
    response = client.get(_learner_url(cohort, busy_learner))
    assert response.status_code == 200
    text = response.text
    assert "Lena Learner" in text
    assert "Overall progress" in text
    assert "In progress" in text  # the topic's status in its tree
    assert 'href="https://github.com/lena/digits"' in text
    assert row.project.title in text
    assert "Mark reviewed" in text
    # Nothing to change the learner's own progress from here: the only form of the page is the review.
    actions = set(re.findall(r'<form[^>]*action="([^"]*)"', text)) - {
        reverse("account_logout"),
        reverse("account_email"),  # the site-wide "confirm your email" prompt
        reverse("roadmap:search"),  # the header's search box
    }
    assert actions == {_review_url(cohort, row)}


def test_it_never_shows_private_notes(client, mentor, cohort, busy_learner):
    client.force_login(mentor)
    text = client.get(_learner_url(cohort, busy_learner)).text
    assert "private worry" not in text
    assert "Has a note" not in text and "note--" not in text  # not even that one exists
    export = client.get(reverse("cohorts:export", kwargs={"pk": cohort.pk})).content.decode()
    assert "private worry" not in export


def test_it_shows_the_cohort_start_as_the_plan_for_a_learner_without_one(
    client, mentor, cohort, busy_learner
):
    cohort.start_date = timezone.localdate() - timedelta(days=30)
    cohort.save(update_fields=["start_date"])
    client.force_login(mentor)
    response = client.get(_learner_url(cohort, busy_learner))
    assert "counted from the cohort's start" in response.text
    assert response.context["dashboard"].plan.start_date == cohort.start_date


def test_it_costs_a_fixed_number_of_queries(
    client, mentor, cohort, busy_learner, django_assert_max_num_queries
):
    ProjectProgress.objects.bulk_create(
        ProjectProgress(
            user=busy_learner, project=project, status=ProjectStatus.DONE, updated_at=timezone.now()
        )
        for project in ProjectIdea.objects.all()
    )
    client.force_login(mentor)
    client.get(_learner_url(cohort, busy_learner))  # the content, read once into the cached structure
    # Session, user, content version, the cohort, the membership, the learner's figures, their
    # activity per day, latest changes with the cohort's nudges, their projects, their topics in progress.
    with django_assert_max_num_queries(10):
        response = client.get(_learner_url(cohort, busy_learner))
    assert len(response.context["projects"]) == ProjectIdea.objects.count()


def test_a_mentor_marks_a_done_project_reviewed_with_a_comment(client, mentor, cohort, learner, roadmap):
    row = done_project(learner)
    client.force_login(mentor)
    response = client.post(_review_url(cohort, row), {"comment": "  Clean notebook; try a CNN next.  "})
    assert response.status_code == 302
    assert response.url == _learner_url(cohort, learner) + f"#project-{row.project_id}"
    row.refresh_from_db()
    assert row.reviewed_by == mentor
    assert row.reviewed_at is not None
    assert row.review_comment == "Clean notebook; try a CNN next."
    page = client.get(response.url)
    assert "Clean notebook; try a CNN next." in page.text
    assert "Marked “" in page.text


def test_the_learner_sees_the_review_on_their_projects_page(client, mentor, cohort, learner, roadmap):
    row = done_project(learner)
    client.force_login(mentor)
    client.post(_review_url(cohort, row), {"comment": "Lovely <b>work</b>"})
    client.force_login(learner)
    text = client.get(reverse("progress:projects")).text
    assert "Lovely &lt;b&gt;work&lt;/b&gt;" in text


def test_a_review_without_a_comment_is_fine_and_leaves_the_waiting_list(
    client, mentor, cohort, learner, roadmap
):
    row = done_project(learner)
    client.force_login(mentor)
    table = client.get(cohort.get_absolute_url()).context["rows"]
    assert table[0].projects_waiting == 1
    client.post(_review_url(cohort, row), {})
    row.refresh_from_db()
    assert row.reviewed_at is not None and row.review_comment == ""
    table = client.get(cohort.get_absolute_url()).context["rows"]
    assert table[0].projects_waiting == 0
    assert table[0].projects_done == 1


def test_reviewing_again_replaces_the_comment(client, mentor, cohort, learner, roadmap):
    row = done_project(learner)
    client.force_login(mentor)
    client.post(_review_url(cohort, row), {"comment": "First"})
    client.post(_review_url(cohort, row), {"comment": "Second"})
    row.refresh_from_db()
    assert row.review_comment == "Second"


def test_it_refuses_to_review_a_project_that_is_not_done(client, mentor, cohort, learner, roadmap):
    row = done_project(learner)
    ProjectProgress.objects.filter(pk=row.pk).update(status=ProjectStatus.IN_PROGRESS)
    client.force_login(mentor)
    response = client.post(_review_url(cohort, row), {"comment": "Nice"}, follow=True)
    assert "Only a project marked done can be reviewed." in response.text
    row.refresh_from_db()
    assert row.reviewed_at is None and row.review_comment == ""


def test_it_refuses_a_comment_that_is_too_long(client, mentor, cohort, learner, roadmap):
    row = done_project(learner)
    client.force_login(mentor)
    response = client.post(
        _review_url(cohort, row), {"comment": "x" * (REFLECTION_MAX_LENGTH + 1)}, follow=True
    )
    assert "at most 2000 characters" in response.text
    row.refresh_from_db()
    assert row.reviewed_at is None


def test_a_superuser_may_look_but_not_review(client, superuser, cohort, learner, roadmap):
    row = done_project(learner)
    client.force_login(superuser)
    page = client.get(_learner_url(cohort, learner))
    assert page.status_code == 200
    assert "Mark reviewed" not in page.text
    assert client.post(_review_url(cohort, row), {"comment": "x"}).status_code == 403
    row.refresh_from_db()
    assert row.reviewed_at is None


def test_another_mentor_cannot_review(client, cohort, learner, roadmap, django_user_model):
    from tests.progress.mentoring.helpers import make_mentor

    row = done_project(learner)
    client.force_login(make_mentor(django_user_model))
    assert client.post(_review_url(cohort, row), {"comment": "x"}).status_code == 404
    row.refresh_from_db()
    assert row.reviewed_at is None


def test_the_learner_gets_an_email_about_the_review(
    client, mentor, cohort, learner, roadmap, mailoutbox, django_capture_on_commit_callbacks
):
    row = done_project(learner)
    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_review_url(cohort, row), {"comment": "Try a CNN next."})
    (message,) = mailoutbox
    assert message.to == [learner.email]
    assert row.project.title in message.subject
    assert "Mina Mentor reviewed your project" in message.body
    assert "Try a CNN next." in message.body
    assert f"http://testserver/projects/#project-{row.project_id}" in message.body


def test_no_email_for_a_learner_who_turned_cohort_emails_off(
    client, mentor, cohort, learner, roadmap, mailoutbox, django_capture_on_commit_callbacks
):
    learner.email_cohort_updates = False
    learner.save(update_fields=["email_cohort_updates"])
    row = done_project(learner)
    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_review_url(cohort, row), {"comment": "Quietly noted."})
    assert mailoutbox == []
    row.refresh_from_db()
    assert row.review_comment == "Quietly noted."


def test_reopening_a_reviewed_project_puts_it_back_in_the_review_queue(mentor, learner, roadmap):
    from progress.services import project_update

    row = done_project(learner, reviewed_at=timezone.now(), reviewed_by=mentor, review_comment="Nice work.")
    project_update(user=learner, project=row.project, status=ProjectStatus.IN_PROGRESS)
    row.refresh_from_db()
    assert row.reviewed_at is None and row.reviewed_by is None
    assert row.review_comment == "Nice work."  # the mentor's words stay for the learner
    project_update(user=learner, project=row.project, status=ProjectStatus.DONE)
    row.refresh_from_db()
    assert row.status == ProjectStatus.DONE and row.reviewed_at is None

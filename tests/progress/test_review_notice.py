"""A mentor's review is news on the learner's dashboard until they have seen it on their projects page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from progress.mentoring.services import project_review
from progress.models import ProjectProgress
from tests.progress.mentoring.helpers import done_project

pytestmark = pytest.mark.django_db

NOTICE = "Your mentor reviewed a project of yours."


def test_a_review_shows_on_the_dashboard_until_the_learner_has_seen_it(client, learner, mentor, roadmap):
    row = done_project(learner)
    client.force_login(learner)
    assert NOTICE not in client.get("/dashboard/").content.decode()

    project_review(reviewer=mentor, row=row, comment="Lovely work.")
    dashboard = client.get("/dashboard/").content.decode()
    assert NOTICE in dashboard
    assert '<a href="/projects/">Read the review</a>' in dashboard

    projects = client.get("/projects/").content.decode()
    assert '<span class="pill pill--ok">New</span> Your mentor\'s review' in projects
    assert NOTICE not in client.get("/dashboard/").content.decode()
    assert 'pill--ok">New' not in client.get("/projects/").content.decode()


def test_a_new_review_is_news_again(client, learner, mentor, roadmap):
    row = done_project(learner)
    project_review(reviewer=mentor, row=row)
    client.force_login(learner)
    client.get("/projects/")
    ProjectProgress.objects.filter(pk=row.pk).update(review_seen_at=timezone.now() - timedelta(hours=1))

    project_review(reviewer=mentor, row=row, comment="One more thing.")

    assert NOTICE in client.get("/dashboard/").content.decode()


def test_it_counts_several_reviews_and_only_the_learners_own(client, learner, outsider, mentor, roadmap):
    from roadmap.models import ProjectIdea

    projects = list(ProjectIdea.objects.order_by("order")[:3])
    for project in projects:
        ProjectProgress.objects.create(
            user=learner,
            project=project,
            status="done",
            updated_at=timezone.now(),
            reviewed_at=timezone.now(),
        )
    ProjectProgress.objects.create(
        user=outsider,
        project=projects[0],
        status="done",
        updated_at=timezone.now(),
        reviewed_at=timezone.now(),
    )
    client.force_login(learner)
    assert "Your mentor reviewed 3 projects of yours." in client.get("/dashboard/").content.decode()
    client.force_login(outsider)
    assert NOTICE in client.get("/dashboard/").content.decode()


def test_the_dashboard_pays_no_query_for_the_notice(
    client, learner, mentor, roadmap, django_assert_max_num_queries
):
    project_review(reviewer=mentor, row=done_project(learner))
    client.force_login(learner)
    client.get("/dashboard/")
    # Session, user, content version, figures (the notice's count with them), activity per day, recent.
    with django_assert_max_num_queries(6):
        assert NOTICE in client.get("/dashboard/").content.decode()

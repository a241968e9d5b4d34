"""The mentor's page of one learner: topics in progress with their age, the weekly strip, nudges
sent, what the learner was promised, and a query budget that does not grow with their history."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from progress.activity import forget_kept_summaries
from progress.mentoring.models import Cohort, Nudge
from progress.models import Activity, ProjectProgress, ProjectStatus, TopicProgress, TopicStatus
from progress.services import progress_set_status, project_update
from roadmap import structure
from roadmap.models import ProjectIdea, Topic
from tests.progress.mentoring.helpers import done_project

pytestmark = pytest.mark.django_db


def _url(cohort, learner):
    return reverse("cohorts:learner", kwargs={"pk": cohort.pk, "user_id": learner.pk})


def _in_progress(user, topic, *, days_ago):
    progress_set_status(user=user, topic=topic, status=TopicStatus.IN_PROGRESS)
    TopicProgress.objects.filter(user=user, topic=topic).update(
        updated_at=timezone.now() - timedelta(days=days_ago)
    )


def test_it_lists_topics_in_progress_the_longest_waiting_first(client, mentor, cohort, learner, roadmap):
    first, second, third = Topic.objects.leaves().order_by("id")[:3]
    _in_progress(learner, first, days_ago=3)
    _in_progress(learner, second, days_ago=26)
    progress_set_status(user=learner, topic=third, status=TopicStatus.DONE)
    client.force_login(mentor)
    response = client.get(_url(cohort, learner))
    items = response.context["in_progress"]
    assert [item.topic.id for item in items] == [second.pk, first.pk]
    assert [(item.days, item.stuck) for item in items] == [(26, True), (3, False)]
    section = response.text.split('id="in-progress-title"')[1].split("</section>")[0]
    assert "26 days: stuck" in section and "3 days<" in section
    assert third.title not in section
    anchor = structure.current().topic_by_id[second.pk].anchor
    assert f'href="{second.section.phase.get_absolute_url()}#{anchor}"' in section


def test_it_draws_a_weekly_strip_of_changes(client, mentor, cohort, learner, roadmap):
    topic = Topic.objects.leaves().first()
    now = timezone.now()
    Activity.objects.bulk_create(
        Activity(
            user=learner,
            kind="topic",
            topic=topic,
            from_status="not_started",
            to_status="done",
            created_at=at,
        )
        for at in [now, now, now - timedelta(weeks=2), now - timedelta(weeks=20)]
    )
    client.force_login(mentor)
    response = client.get(_url(cohort, learner))
    strip = response.context["dashboard"].activity.weeks
    assert [bar.count for bar in strip.bars][-3:] == [1, 0, 2]
    assert strip.total == 3 and strip.active_weeks == 2  # 20 weeks back is before the strip
    assert response.text.count('class="week-strip__bar"') == 2
    assert "2 changes in the week of" in response.text
    assert " style=" not in response.text  # geometry is SVG attributes: the CSP refuses inline styles


def test_it_lists_the_cohorts_nudges_to_the_learner_and_only_those(
    client, mentor, cohort, learner, roadmap, django_user_model
):
    other = Cohort.objects.create(name="Elsewhere")
    for where, text in ((cohort, "From Spring"), (other, "From elsewhere")):
        Nudge.objects.create(
            cohort=where,
            cohort_name=where.name,
            sender=mentor,
            learner=learner,
            message=text,
            batch=where.name,
        )
    client.force_login(mentor)
    text = client.get(_url(cohort, learner)).text
    assert "From Spring" in text
    assert "From elsewhere" not in text


def test_a_mentor_sees_in_progress_projects_but_only_the_links_of_done_ones(
    client, mentor, cohort, learner, roadmap
):
    first, second = ProjectIdea.objects.order_by("order", "id")[:2]
    project_update(
        user=learner, project=first, status=ProjectStatus.DONE, evidence_url="https://example.com/done"
    )
    project_update(
        user=learner,
        project=second,
        status=ProjectStatus.IN_PROGRESS,
        evidence_url="https://example.com/draft",
    )
    client.force_login(mentor)
    text = client.get(_url(cohort, learner)).text
    assert first.title in text and second.title in text
    assert 'href="https://example.com/done"' in text
    assert "example.com/draft" not in text
    assert "Its link shows once Lena Learner marks it done." in text


def test_the_join_page_my_cohorts_and_the_mentors_page_make_the_same_promise(
    client, mentor, cohort, learner, outsider, roadmap
):
    promise = "A cohort's mentors see the status of each of your topics"
    links = "with the links of the finished ones. They never see your notes, your reflections, or the links of projects still in progress."
    client.force_login(outsider)
    join = client.get(reverse("cohorts:join", kwargs={"token": cohort.invite_token})).text
    client.force_login(learner)
    mine = client.get(reverse("cohorts:mine")).text
    client.force_login(mentor)
    page = client.get(_url(cohort, learner)).text
    for text in (join, mine, page):
        assert promise in text and links in text


def test_it_costs_the_same_queries_however_much_the_learner_did(
    client, mentor, cohort, learner, roadmap, django_user_model
):
    leaves = list(Topic.objects.leaves())

    def queries():
        forget_kept_summaries()  # both looks count the learner's activity, as after a change
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(cohort, learner)).status_code == 200
        return len(captured)

    client.force_login(mentor)
    client.get(_url(cohort, learner))  # the content, read once into the cached structure
    few = queries()
    now = timezone.now()
    TopicProgress.objects.bulk_create(
        TopicProgress(
            user=learner, topic=topic, status=TopicStatus.IN_PROGRESS, updated_at=now - timedelta(days=i)
        )
        for i, topic in enumerate(leaves)
    )
    Activity.objects.bulk_create(
        Activity(
            user=learner,
            kind="topic",
            topic=leaves[n % len(leaves)],
            from_status="not_started",
            to_status="done",
            created_at=now - timedelta(hours=7 * n),
        )
        for n in range(1500)
    )
    done_project(learner)  # the first project idea; the others in progress
    ProjectProgress.objects.bulk_create(
        ProjectProgress(user=learner, project=project, status=ProjectStatus.IN_PROGRESS, updated_at=now)
        for project in ProjectIdea.objects.order_by("order", "id")[1:]
    )
    Nudge.objects.bulk_create(
        Nudge(
            cohort=cohort,
            cohort_name=cohort.name,
            sender=mentor,
            learner=learner,
            message=f"n{i}",
            batch=f"b{i}",
        )
        for i in range(30)
    )
    many = queries()
    # Session, user, the cohort, the membership, content version, figures, days, latest changes
    # with the cohort's nudges, projects, topics in progress.
    assert few == many == 10
    response = client.get(_url(cohort, learner))
    assert len(response.context["in_progress"]) == len(leaves)
    assert len(response.context["nudges"]) == 5
    assert len(re.findall(r'class="card review"', response.text)) == ProjectIdea.objects.count()

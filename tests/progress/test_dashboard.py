import random
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from progress.activity import forget_kept_summaries
from progress.mentoring.models import Nudge
from progress.models import Activity, LearningPlan, Pace, PathChoice, TopicProgress, TopicStatus
from progress.services import progress_set_status, project_update
from roadmap.models import Phase, ProjectIdea, Topic
from tests.accounts.conftest import confirm_address

pytestmark = pytest.mark.django_db

URL = "/dashboard/"


@pytest.fixture
def heavy(learner, roadmap):
    """All 199 leaves set, a plan, a chosen path, projects and a year of activity (~2000 rows)."""
    leaves = list(Topic.objects.leaves().order_by("id"))
    statuses = [TopicStatus.DONE, TopicStatus.SKIPPED, TopicStatus.IN_PROGRESS, TopicStatus.NOT_STARTED]
    now = timezone.now()
    TopicProgress.objects.bulk_create(
        TopicProgress(user=learner, topic=topic, status=statuses[i % 4], updated_at=now)
        for i, topic in enumerate(leaves)
    )
    elective = Phase.objects.get(is_elective=True)
    PathChoice.objects.create(user=learner, section=elective.sections.first())
    LearningPlan.objects.create(user=learner, start_date=(now - timedelta(days=200)).date(), pace=Pace.STEADY)
    for project in ProjectIdea.objects.all()[:3]:
        project_update(user=learner, project=project, status="in_progress")
    rng = random.Random(4)
    Activity.objects.bulk_create(
        Activity(
            user=learner,
            kind=Activity.Kind.TOPIC,
            topic=rng.choice(leaves),
            from_status=TopicStatus.NOT_STARTED,
            to_status=TopicStatus.DONE,
            created_at=now - timedelta(days=n % 365, minutes=rng.randrange(1440)),
        )
        for n in range(2000)
    )
    return learner


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=/dashboard/" in response["Location"]


def test_it_rejects_post(client, learner):
    client.force_login(learner)
    assert client.post(URL).status_code == 405


def test_it_is_where_sign_in_leads(client, learner, password, roadmap):
    confirm_address(learner)
    response = client.post(reverse("account_login"), {"login": learner.email, "password": password})
    assert response.status_code == 302
    assert response["Location"] == URL


def test_it_shows_an_empty_dashboard_to_a_new_learner(client, learner, roadmap):
    client.force_login(learner)
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "0 of 176 topics completed" in content  # Phase 8 counts nothing until a path is chosen
    assert "Set your plan" in content
    assert "Nothing yet" in content
    assert "Choose your path" in content
    first = Topic.objects.leaves().filter(section__phase__number=1).order_by("section__order", "id").first()
    assert f"#{first.slug}" in content


def test_it_shows_progress_figures(client, learner, roadmap):
    phase = Phase.objects.get(number=1)
    leaves = list(Topic.objects.leaves().filter(section__phase=phase).order_by("id"))
    progress_set_status(user=learner, topic=leaves[0], status=TopicStatus.DONE)
    progress_set_status(user=learner, topic=leaves[1], status=TopicStatus.SKIPPED)
    progress_set_status(user=learner, topic=leaves[2], status=TopicStatus.IN_PROGRESS)
    client.force_login(learner)
    content = client.get(URL).content.decode()
    assert "2 of 176 topics completed" in content
    assert "Phase 1: 8% completed (1 done, 1 skipped, 1 in progress, of 25 topics)" in content
    assert f'{leaves[2].title}</a>\n              <span class="pill pill--warn">In progress</span>' in content
    # The latest change first, linking to the topic on its phase page.
    assert f'href="/phases/{phase.slug}/#{leaves[2].slug}"' in content


def test_it_puts_in_progress_topics_first_in_up_next(client, learner, roadmap):
    late = Topic.objects.leaves().filter(section__phase__number=5).first()
    progress_set_status(user=learner, topic=late, status=TopicStatus.IN_PROGRESS)
    client.force_login(learner)
    next_topics = client.get(URL).context["dashboard"].next_topics
    assert [topic.node.id for topic in next_topics][:1] == [late.pk]
    assert len(next_topics) == 5
    assert {topic.phase_number for topic in next_topics[1:]} == {1}


def test_it_shows_where_the_plan_stands(client, learner, roadmap):
    LearningPlan.objects.create(user=learner, start_date=timezone.localdate() - timedelta(days=70))
    client.force_login(learner)
    content = client.get(URL).content.decode()
    assert "weeks behind" in content
    assert "Set your plan" not in content


def test_it_starts_the_plan_on_the_cohorts_start_until_the_learner_sets_one(client, learner, cohort, roadmap):
    cohort.start_date = timezone.localdate() - timedelta(days=14)
    cohort.save(update_fields=["start_date"])
    client.force_login(learner)
    plan = client.get(URL).context["dashboard"].plan
    assert plan.start_date == cohort.start_date and not plan.is_saved
    assert "From your cohort's start" in client.get(URL).content.decode()
    LearningPlan.objects.create(user=learner, start_date=date(2025, 1, 1), pace=Pace.STEADY)
    plan = client.get(URL).context["dashboard"].plan
    assert (plan.start_date, plan.pace, plan.is_saved) == (date(2025, 1, 1), Pace.STEADY, True)


def test_it_shows_the_streak_and_heatmap(client, learner, roadmap):
    topic = Topic.objects.leaves().first()
    now = timezone.now()
    Activity.objects.bulk_create(
        Activity(
            user=learner,
            kind="topic",
            topic=topic,
            from_status="not_started",
            to_status="done",
            created_at=now - timedelta(days=d),
        )
        for d in range(3)
    )
    client.force_login(learner)
    content = client.get(URL).content.decode()
    assert "<strong>3 days</strong>" in content
    assert content.count('<rect class="heat ') >= 7 * 25
    assert "1 change on" in content


def test_the_heatmap_shows_a_change_on_the_next_look(client, learner, roadmap):
    """The summary is kept while the learner's change stamp stays; a change raises it."""
    topics = list(Topic.objects.leaves()[:2])
    progress_set_status(user=learner, topic=topics[0], status=TopicStatus.DONE)
    client.force_login(learner)
    assert client.get(URL).context["dashboard"].activity.heatmap.total == 1
    progress_set_status(user=learner, topic=topics[1], status=TopicStatus.DONE)
    assert client.get(URL).context["dashboard"].activity.heatmap.total == 2
    learner.time_zone = "Pacific/Kiritimati"  # another day, maybe: counted again in that zone
    learner.save(update_fields=["time_zone"])
    assert client.get(URL).context["dashboard"].activity.heatmap.total == 2


def test_it_hides_other_learners_progress(client, learner, outsider, roadmap):
    topic = Topic.objects.leaves().first()
    progress_set_status(user=outsider, topic=topic, status=TopicStatus.DONE)
    project_update(user=outsider, project=ProjectIdea.objects.first(), status="done")
    LearningPlan.objects.create(user=outsider, start_date=timezone.localdate())
    client.force_login(learner)
    response = client.get(URL)
    dashboard = response.context["dashboard"]
    assert dashboard.overall.completed == 0
    assert dashboard.recent == []
    assert dashboard.plan is None
    assert dashboard.projects.done == 0
    assert dashboard.activity.streak == 0
    assert topic.title not in response.content.decode().split('id="recent-title"')[1]


def test_it_costs_a_fixed_number_of_queries(client, heavy, mentor, cohort, django_assert_max_num_queries):
    # Mentors' messages: forty nudges, a few dismissed, a few too old, a notice.
    Nudge.objects.bulk_create(
        Nudge(
            cohort=cohort,
            cohort_name=cohort.name,
            sender=mentor,
            learner=heavy,
            message=f"Nudge {i}",
            batch=f"b{i}",
            created_at=timezone.now() - timedelta(days=i),
            dismissed_at=timezone.now() if i % 7 == 0 else None,
            kind=Nudge.Kind.NOTICE if i == 3 else Nudge.Kind.NUDGE,
        )
        for i in range(40)
    )
    client.force_login(heavy)
    client.get(URL)  # the content, read once into the cached structure
    forget_kept_summaries()
    # Session, user, content version, the learner's figures, activity per day, latest changes
    # with their mentors' messages.
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    # Nothing changed since: the activity summary kept from that look serves.
    with django_assert_max_num_queries(5):
        assert client.get(URL).context["dashboard"].activity == response.context["dashboard"].activity
    assert [message.message for message in response.context["dashboard"].messages] == [
        "Nudge 1",
        "Nudge 2",
        "Nudge 3",
        "Nudge 4",
        "Nudge 5",
    ]
    assert [message.is_notice for message in response.context["dashboard"].messages][2]
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert (
        dashboard.overall.leaves
        == 176
        + Phase.objects.get(is_elective=True).sections.first().topics.filter(children__isnull=True).count()
    )
    assert dashboard.activity.streak >= 180
    assert len(dashboard.recent) == 10
    assert dashboard.projects.in_progress == 3


def test_it_says_when_no_roadmap_is_loaded(client, learner):
    client.force_login(learner)
    response = client.get(URL)
    assert response.status_code == 200
    assert "has not been loaded" in response.content.decode()

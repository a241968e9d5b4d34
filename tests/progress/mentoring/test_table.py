"""The cohort page: one row per learner, sorting and filters, the phase summary, and its query budget."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from progress.mentoring.models import Cohort, Membership, Nudge
from progress.mentoring.table import forget_kept_rows
from progress.models import (
    Activity,
    LearningPlan,
    Pace,
    PathChoice,
    ProjectProgress,
    ProjectStatus,
    TopicProgress,
    TopicStatus,
)
from roadmap.models import Phase, ProjectIdea, Topic
from tests.progress.mentoring.helpers import done_project

pytestmark = pytest.mark.django_db


def _url(cohort, **query):
    url = reverse("cohorts:detail", kwargs={"pk": cohort.pk})
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def _learner_names(response):
    """Learner names in table order (each row's header cell links to the learner)."""
    return re.findall(
        r'<th scope="row" class="cohort-table__name"><a href="[^"]+">([^<]+)</a>', response.text
    )


def _complete_phase(user, number):
    now = timezone.now()
    TopicProgress.objects.bulk_create(
        TopicProgress(user=user, topic=topic, status=TopicStatus.DONE, updated_at=now)
        for topic in Topic.objects.leaves().filter(section__phase__number=number)
    )


@pytest.fixture
def three(cohort, learner, django_user_model, roadmap):
    """The shared learner plus two more, with different progress, plans, activity and projects."""
    now = timezone.now()
    ben = django_user_model.objects.create_user(email="ben@example.com", display_name="Ben Behind")
    cleo = django_user_model.objects.create_user(email="cleo@example.com")  # no display name
    for user in (ben, cleo):
        Membership.objects.create(cohort=cohort, user=user)
    _complete_phase(learner, 1)
    _complete_phase(learner, 2)
    _complete_phase(cleo, 1)
    # Ben started a year ago and has done nothing since a month ago: behind and quiet.
    LearningPlan.objects.create(user=ben, start_date=date.today() - timedelta(days=365), pace=Pace.STEADY)
    topic = Topic.objects.leaves().first()
    Activity.objects.create(
        user=ben,
        kind=Activity.Kind.TOPIC,
        topic=topic,
        from_status="not_started",
        to_status="done",
        created_at=now - timedelta(days=30),
    )
    Activity.objects.create(
        user=learner,
        kind=Activity.Kind.TOPIC,
        topic=topic,
        from_status="not_started",
        to_status="done",
        created_at=now,
    )
    django_user_model.objects.filter(pk=ben.pk).update(date_joined=now - timedelta(days=400))
    done_project(cleo)
    # Cleo's marks are older than anything the log keeps: she was never active, as far as it knows.
    Activity.objects.filter(user=cleo).delete()
    return learner, ben, cleo


def test_it_shows_one_row_per_learner_by_display_name(client, mentor, cohort, three):
    client.force_login(mentor)
    response = client.get(_url(cohort))
    assert response.status_code == 200
    assert _learner_names(response) == ["Ben Behind", "cleo@example.com", "Lena Learner"]
    # A learner with a display name is never shown by email.
    assert "learner@example.com" not in response.text
    assert "ben@example.com" not in response.text


def test_it_shows_each_learners_figures(client, mentor, cohort, three):
    client.force_login(mentor)
    response = client.get(_url(cohort))
    rows = {row.name: row for row in response.context["rows"]}
    lena = rows["Lena Learner"]
    phase_1_2 = Topic.objects.leaves().filter(section__phase__number__in=[1, 2]).count()
    assert lena.overall.completed == phase_1_2
    assert [cell.tally.percent for cell in lena.cells][:3] == [100, 100, 0]
    assert lena.current_phase.number == 3
    assert rows["Ben Behind"].is_behind and rows["Ben Behind"].inactive
    assert "weeks behind" in rows["Ben Behind"].plan_label
    assert rows["cleo@example.com"].plan is None  # no plan, and the cohort has no start date
    assert rows["cleo@example.com"].projects_waiting == 1
    assert not lena.inactive
    assert "No plan" in response.text
    assert "Just now" in response.text


def test_it_uses_the_cohort_start_for_learners_without_a_plan(client, mentor, cohort, three):
    cohort.start_date = date.today() - timedelta(days=200)
    cohort.save(update_fields=["start_date"])
    client.force_login(mentor)
    rows = {row.name: row for row in client.get(_url(cohort)).context["rows"]}
    cleo = rows["cleo@example.com"]
    assert cleo.plan is not None and not cleo.plan.is_saved
    assert cleo.plan.start_date == cohort.start_date
    assert rows["Ben Behind"].plan.is_saved  # a plan of one's own wins


def test_it_counts_who_finished_each_phase(client, mentor, cohort, three):
    client.force_login(mentor)
    response = client.get(_url(cohort))
    finished = {item.phase.number: item.finished for item in response.context["completion"]}
    assert finished[1] == 2 and finished[2] == 1 and finished[3] == 0
    assert "2 of 3" in response.text
    # The chart's widths are SVG attributes, never inline styles (the CSP forbids them).
    assert 'width="66.7%"' in response.text
    assert " style=" not in response.text


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Ben Behind", "cleo@example.com", "Lena Learner"]),
        ("-name", ["Lena Learner", "cleo@example.com", "Ben Behind"]),
        ("-overall", ["Lena Learner", "cleo@example.com", "Ben Behind"]),
        ("overall", ["Ben Behind", "cleo@example.com", "Lena Learner"]),
        ("-phase-2", ["Lena Learner", "Ben Behind", "cleo@example.com"]),
        ("-current", ["Lena Learner", "cleo@example.com", "Ben Behind"]),
        ("-active", ["Lena Learner", "Ben Behind", "cleo@example.com"]),  # never active: last
        ("active", ["Ben Behind", "Lena Learner", "cleo@example.com"]),
        ("-waiting", ["cleo@example.com", "Ben Behind", "Lena Learner"]),
        ("-done", ["cleo@example.com", "Ben Behind", "Lena Learner"]),
        ("-plan", ["Ben Behind", "cleo@example.com", "Lena Learner"]),
        ("nonsense", ["Ben Behind", "cleo@example.com", "Lena Learner"]),
    ],
)
def test_it_sorts_by_any_column(client, mentor, cohort, three, sort, expected):
    if sort.endswith("plan"):
        # Give everyone a plan so the order shows: most weeks behind first.
        cohort.start_date = date.today() - timedelta(days=100)
        cohort.save(update_fields=["start_date"])
    client.force_login(mentor)
    names = _learner_names(client.get(_url(cohort, sort=sort)))
    if sort.endswith("plan"):
        assert names[0] == "Ben Behind"
    else:
        assert names == expected


def test_it_marks_the_sorted_column_and_links_to_the_other_direction(client, mentor, cohort, three):
    client.force_login(mentor)
    response = client.get(_url(cohort, sort="-overall", show="review"))
    text = response.text
    assert 'aria-sort="descending"' in text
    assert text.count("aria-sort=") == 1
    assert 'href="?sort=overall&amp;show=review"' in text  # the same column, the other way, filter kept
    assert 'href="?sort=-overall&amp;show=behind"' in text  # a filter keeps the sort


@pytest.mark.parametrize(
    ("show", "expected"),
    [
        ("behind", ["Ben Behind"]),
        ("inactive", ["Ben Behind"]),
        ("review", ["cleo@example.com"]),
        ("bogus", ["Ben Behind", "cleo@example.com", "Lena Learner"]),
    ],
)
def test_it_filters(client, mentor, cohort, three, show, expected):
    client.force_login(mentor)
    assert _learner_names(client.get(_url(cohort, show=show))) == expected


def test_it_says_when_no_learner_matches_a_filter(client, mentor, cohort, roadmap):
    client.force_login(mentor)
    response = client.get(_url(cohort, show="review"))
    assert "No learner matches this filter" in response.text


def test_it_escapes_the_cohort_name(client, mentor, cohort):
    cohort.name = '<script>alert("x")</script>'
    cohort.save(update_fields=["name"])
    client.force_login(mentor)
    for url in (_url(cohort), reverse("cohorts:mentor_home")):
        text = client.get(url).text
        assert "<script>alert" not in text
        assert "&lt;script&gt;alert" in text


def test_it_shows_the_join_link_to_mentors_only(client, mentor, superuser, cohort):
    client.force_login(mentor)
    assert cohort.invite_token in client.get(_url(cohort)).text
    client.force_login(superuser)
    assert cohort.invite_token not in client.get(_url(cohort)).text


def test_the_mentor_home_sums_up_each_cohort(client, mentor, cohort, three, django_user_model):
    empty = Cohort.objects.create(name="Empty one")
    empty.mentors.add(mentor)
    Cohort.objects.create(name="Not mine")
    client.force_login(mentor)
    response = client.get(reverse("cohorts:mentor_home"))
    summaries = {summary.cohort.name: summary for summary in response.context["summaries"]}
    assert set(summaries) == {"Spring cohort", "Empty one"}
    spring = summaries["Spring cohort"]
    assert spring.size == 3
    overall = sorted(row.overall.percent for row in spring.rows)
    assert spring.median_progress == overall[1]
    assert spring.behind == 1
    assert spring.inactive == 1
    assert summaries["Empty one"].median_progress is None
    assert "Not mine" not in response.text


# The query budget: 200 learners, each with a status on every one of the 199 leaves.

LEARNERS = 200


@pytest.fixture
def crowd(cohort, roadmap, django_user_model):
    now = timezone.now()
    password = make_password(None)
    users = django_user_model.objects.bulk_create(
        django_user_model(email=f"learner{i}@example.com", display_name=f"Learner {i:03}", password=password)
        for i in range(LEARNERS - 1)
    )
    users = [*users, cohort.memberships.get().user]
    Membership.objects.bulk_create(Membership(cohort=cohort, user=user) for user in users[:-1])
    leaves = list(Topic.objects.leaves())
    assert len(leaves) == 199
    statuses = [TopicStatus.DONE, TopicStatus.SKIPPED, TopicStatus.IN_PROGRESS, TopicStatus.DONE]
    TopicProgress.objects.bulk_create(
        (
            TopicProgress(user=user, topic=topic, status=statuses[(i + j) % 4], updated_at=now)
            for i, user in enumerate(users)
            for j, topic in enumerate(leaves)
        ),
        batch_size=5000,
    )
    elective = Phase.objects.get(is_elective=True).sections.first()
    PathChoice.objects.bulk_create(PathChoice(user=user, section=elective) for user in users[::2])
    LearningPlan.objects.bulk_create(
        LearningPlan(user=user, start_date=date.today() - timedelta(days=i), pace=Pace.STEADY)
        for i, user in enumerate(users[::3])
    )
    projects = list(ProjectIdea.objects.all()[:3])
    ProjectProgress.objects.bulk_create(
        ProjectProgress(user=user, project=project, status=ProjectStatus.DONE, updated_at=now)
        for user in users[::4]
        for project in projects
    )
    Activity.objects.bulk_create(
        Activity(
            user=user,
            kind=Activity.Kind.TOPIC,
            topic=leaves[i % 199],
            from_status="not_started",
            to_status="done",
            created_at=now - timedelta(days=i % 30, minutes=k),
        )
        for i, user in enumerate(users)
        for k in range(3)
    )
    assert TopicProgress.objects.count() == LEARNERS * 199
    return users


def test_the_cohort_page_costs_a_fixed_number_of_queries(
    client, mentor, cohort, crowd, django_assert_max_num_queries
):
    client.force_login(mentor)
    client.get(_url(cohort))  # the content, read once into the cached structure
    # Session, user, the cohort, content version, the cohort's fingerprint: nobody changed
    # since the first look, so its rows are the ones kept then.
    with django_assert_max_num_queries(5):
        response = client.get(_url(cohort, sort="-plan"))
    assert response.status_code == 200
    rows = response.context["all_rows"]
    assert len(rows) == LEARNERS
    assert len(response.context["rows"]) == 100  # one page of the table is drawn
    assert {row.projects_done for row in rows} == {0, 3}
    assert all(row.last_active is not None for row in rows)
    assert sum(row.plan is not None for row in rows) == len(crowd[::3])


def test_the_mentor_home_costs_a_fixed_number_of_queries(
    client, mentor, cohort, crowd, django_assert_max_num_queries
):
    for name in ("Second", "Third"):
        other = Cohort.objects.create(name=name)
        other.mentors.add(mentor)
        Membership.objects.bulk_create(Membership(cohort=other, user=user) for user in crowd[:50])
    client.force_login(mentor)
    client.get(reverse("cohorts:mentor_home"))
    # Session, user, content version, the cohorts, their fingerprints.
    with django_assert_max_num_queries(5):
        response = client.get(reverse("cohorts:mentor_home"))
    assert [summary.size for summary in response.context["summaries"]] == [50, LEARNERS, 50]


def test_the_csv_export_costs_a_fixed_number_of_queries(
    client, mentor, cohort, crowd, django_assert_max_num_queries
):
    client.force_login(mentor)
    client.get(reverse("cohorts:export", kwargs={"pk": cohort.pk}))
    with django_assert_max_num_queries(5):
        response = client.get(reverse("cohorts:export", kwargs={"pk": cohort.pk}))
    assert len(response.content.decode().splitlines()) == LEARNERS + 1


def test_it_draws_a_large_cohort_a_page_at_a_time(
    client, mentor, cohort, crowd, django_assert_max_num_queries
):
    client.force_login(mentor)
    first = client.get(_url(cohort, sort="name"))
    assert _learner_names(first)[:2] == ["Learner 000", "Learner 001"]
    assert len(_learner_names(first)) == 100
    assert "Learners 1\u2013100 of 200" in first.text
    assert 'rel="next"' in first.text and 'rel="prev"' not in first.text
    with django_assert_max_num_queries(5):
        second = client.get(_url(cohort, sort="name", page=2))
    assert len(_learner_names(second)) == 100
    assert _learner_names(second)[0] == "Learner 100"
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text
    # A page that does not exist falls back to a real one, never an error.
    for bogus in ("0", "999", "abc", "-1"):
        assert client.get(_url(cohort, sort="name", page=bogus)).status_code == 200


def test_the_cohort_page_costs_the_same_queries_for_5_and_1000_learners(
    client, mentor, cohort, roadmap, django_user_model
):
    leaves = list(Topic.objects.leaves())
    now = timezone.now()

    def join(count, start):
        """Learners with topics done, a third of them stuck on one for a month, a fifth who joined
        a fortnight ago and never started, some with a plan, some nudged."""
        users = django_user_model.objects.bulk_create(
            django_user_model(email=f"many{i}@example.com", display_name=f"Many {i:04}", password="!")
            for i in range(start, start + count)
        )
        Membership.objects.bulk_create(
            Membership(cohort=cohort, user=user, joined_at=now - timedelta(days=14)) for user in users
        )
        idle = users[::5]
        TopicProgress.objects.bulk_create(
            (
                TopicProgress(
                    user=user,
                    topic=leaves[(i * 7 + k) % 199],
                    status=TopicStatus.IN_PROGRESS if k == 0 and i % 3 == 0 else TopicStatus.DONE,
                    updated_at=now - timedelta(days=30 if k == 0 else 1),
                )
                for i, user in enumerate(users)
                if user not in idle
                for k in range(10)
            ),
            batch_size=5000,
        )
        LearningPlan.objects.bulk_create(
            LearningPlan(user=user, start_date=date.today() - timedelta(days=60)) for user in users[::2]
        )
        Nudge.objects.bulk_create(
            Nudge(
                cohort=cohort, cohort_name=cohort.name, sender=mentor, learner=user, message="Hi", batch="b"
            )
            for user in users[::4]
        )

    def queries(**query):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(_url(cohort, **query))
            assert response.status_code == 200
        return len(captured), response

    join(4, 0)  # and the learner of the shared fixtures: five
    client.force_login(mentor)
    client.get(_url(cohort))  # the content, read once into the cached structure
    forget_kept_rows()
    few_counted, _response = queries(sort="-overall")
    few_kept, _response = queries(show="stuck", sort="-signals")
    join(995, 4)
    assert cohort.memberships.count() == 1000
    many_counted, response = queries(sort="-overall")  # the members changed: counted again
    many_kept, stuck = queries(show="stuck", sort="-signals")
    # Session, user, the cohort, content version, the cohort's fingerprint; then, when a
    # member changed since the last look, the memberships and their figures.
    assert many_kept == few_kept <= 5
    assert many_counted == few_counted == few_kept + 2
    counts = {item["key"]: item["count"] for item in response.context["filters"]}
    assert counts["stuck"] == 266  # every third of them, but for the ones who never started
    assert counts["not_started"] == 200
    assert len(stuck.context["rows"]) == 100 and all(row.stuck for row in stuck.context["rows"])

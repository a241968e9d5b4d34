"""The cohort table's signals, with time travel on dates: stuck, not started, and the others beside them.

Dates are moved by writing them directly (TopicProgress.updated_at,
Membership.joined_at, Activity.created_at, which the database logs at its own
"now"), or by freezing "now" through `learner_rows(now=...)`.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from progress.mentoring.models import Cohort, Membership
from progress.mentoring.table import learner_rows
from progress.models import Activity, ProjectStatus, TopicProgress, TopicStatus
from progress.services import progress_set_status, project_update
from roadmap.models import ProjectIdea, Topic
from tests.progress.mentoring.helpers import done_project

pytestmark = pytest.mark.django_db


def _url(cohort, **query):
    url = reverse("cohorts:detail", kwargs={"pk": cohort.pk})
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def _names(response):
    return re.findall(
        r'<th scope="row" class="cohort-table__name"><a href="[^"]+">([^<]+)</a>', response.text
    )


def _row(cohort, user, *, now=None):
    _phases, rows = learner_rows([cohort], now=now)
    return next(row for row in rows[cohort.pk] if row.user.pk == user.pk)


def _in_progress(user, topic, *, days_ago):
    """Mark the topic in progress, then move its last change `days_ago` days back."""
    progress_set_status(user=user, topic=topic, status=TopicStatus.IN_PROGRESS)
    TopicProgress.objects.filter(user=user, topic=topic).update(
        updated_at=timezone.now() - timedelta(days=days_ago)
    )


def _joined(cohort, user, *, days_ago):
    Membership.objects.filter(cohort=cohort, user=user).update(
        joined_at=timezone.now() - timedelta(days=days_ago)
    )


@pytest.fixture
def leaves(roadmap):
    return list(Topic.objects.leaves().order_by("id")[:3])


# Stuck: a topic in progress for 21 days or more without a change.


def test_a_topic_in_progress_for_21_days_is_stuck(cohort, learner, leaves):
    _in_progress(learner, leaves[0], days_ago=21)
    row = _row(cohort, learner)
    assert row.stuck
    assert row.stuck_weeks == 3
    assert ("stuck", "Stuck 3 weeks") in row.signals


def test_20_days_is_not_yet_stuck(cohort, learner, leaves):
    _in_progress(learner, leaves[0], days_ago=20)
    assert not _row(cohort, learner).stuck
    # The same row, seen one day later.
    assert _row(cohort, learner, now=timezone.now() + timedelta(days=1)).stuck


def test_the_oldest_topic_in_progress_counts(cohort, learner, leaves):
    _in_progress(learner, leaves[0], days_ago=2)
    _in_progress(learner, leaves[1], days_ago=40)
    row = _row(cohort, learner)
    assert row.stuck and row.stuck_weeks == 5


def test_setting_the_same_status_again_keeps_its_age(cohort, learner, leaves):
    _in_progress(learner, leaves[0], days_ago=30)
    progress_set_status(user=learner, topic=leaves[0], status=TopicStatus.IN_PROGRESS)
    assert _row(cohort, learner).stuck


def test_finishing_the_topic_ends_it(cohort, learner, leaves):
    _in_progress(learner, leaves[0], days_ago=30)
    progress_set_status(user=learner, topic=leaves[0], status=TopicStatus.DONE)
    row = _row(cohort, learner)
    assert not row.stuck and row.in_progress_since is None


def test_a_topic_that_got_subtopics_since_does_not_count(cohort, learner, leaves):
    """The read model counts current leaves only, and so does the signal."""
    _in_progress(learner, leaves[0], days_ago=30)
    Topic.objects.create(
        section=leaves[0].section, parent=leaves[0], key=f"{leaves[0].key}-child", slug="child", title="Child"
    )
    assert not _row(cohort, learner).stuck


# Inactive: nothing changed for 14 days or more (from signing up, for someone who never did).


def _last_change(user, topic, *, days_ago):
    progress_set_status(user=user, topic=topic, status=TopicStatus.DONE)
    Activity.objects.filter(user=user).update(created_at=timezone.now() - timedelta(days=days_ago))


def test_13_days_without_a_change_is_not_yet_inactive(cohort, learner, leaves):
    _last_change(learner, leaves[0], days_ago=13)
    assert not _row(cohort, learner).inactive
    # The same row, seen one day later: the rows kept from the first look say so too.
    later = _row(cohort, learner, now=timezone.now() + timedelta(days=1))
    assert later.inactive
    assert ("inactive", "Inactive") in later.signals


def test_a_newcomer_who_never_changed_anything_counts_from_signing_up(cohort, learner, roadmap):
    assert not _row(cohort, learner).inactive
    assert _row(cohort, learner, now=learner.date_joined + timedelta(days=14)).inactive


# Not started: joined 7 or more days ago with nothing marked.


def test_a_member_of_7_days_with_nothing_marked_has_not_started(cohort, learner, roadmap):
    _joined(cohort, learner, days_ago=7)
    row = _row(cohort, learner)
    assert row.not_started
    assert ("not_started", "Not started") in row.signals


def test_6_days_is_too_soon_to_say(cohort, learner, roadmap):
    _joined(cohort, learner, days_ago=6)
    assert not _row(cohort, learner).not_started
    assert _row(cohort, learner, now=timezone.now() + timedelta(days=1)).not_started


@pytest.mark.parametrize("marked", ["topic", "project"])
def test_any_mark_is_a_start(cohort, learner, leaves, marked):
    _joined(cohort, learner, days_ago=30)
    if marked == "topic":
        progress_set_status(user=learner, topic=leaves[0], status=TopicStatus.SKIPPED)
    else:
        project_update(user=learner, project=ProjectIdea.objects.first(), status=ProjectStatus.IN_PROGRESS)
    assert not _row(cohort, learner).not_started


def test_marks_taken_back_count_as_not_started(cohort, learner, leaves):
    _joined(cohort, learner, days_ago=30)
    progress_set_status(user=learner, topic=leaves[0], status=TopicStatus.DONE)
    progress_set_status(user=learner, topic=leaves[0], status=TopicStatus.NOT_STARTED)
    assert _row(cohort, learner).not_started


def test_it_counts_from_joining_this_cohort_not_from_signing_up(cohort, learner, roadmap, django_user_model):
    django_user_model.objects.filter(pk=learner.pk).update(date_joined=timezone.now() - timedelta(days=300))
    other = Cohort.objects.create(name="New one")
    Membership.objects.create(cohort=other, user=learner)
    _joined(cohort, learner, days_ago=10)
    _phases, rows = learner_rows([cohort, other])
    assert rows[cohort.pk][0].not_started
    assert not rows[other.pk][0].not_started


# On the page: the column, the chips, the filters.


@pytest.fixture
def triage(cohort, learner, leaves, django_user_model):
    """Lena is stuck; Sam joined a fortnight ago and never started; Tess is fine."""
    sam = django_user_model.objects.create_user(email="sam@example.com", display_name="Sam Slow")
    tess = django_user_model.objects.create_user(email="tess@example.com", display_name="Tess Fine")
    for user in (sam, tess):
        Membership.objects.create(cohort=cohort, user=user)
    _in_progress(learner, leaves[0], days_ago=25)
    _joined(cohort, sam, days_ago=14)
    progress_set_status(user=tess, topic=leaves[1], status=TopicStatus.DONE)
    # Everyone changed something lately (the log is the database's; it happened yesterday).
    Activity.objects.update(created_at=timezone.now() - timedelta(days=1))
    return learner, sam, tess


def test_it_shows_each_learners_signals_in_a_column(client, mentor, cohort, triage):
    client.force_login(mentor)
    response = client.get(_url(cohort, sort="name"))
    text = response.text
    assert '<span class="signal signal--stuck">Stuck 3 weeks</span>' in text
    assert '<span class="signal signal--not_started">Not started</span>' in text
    assert text.count('class="signal ') == 2
    rows = {row.name: row for row in response.context["rows"]}
    assert rows["Tess Fine"].signals == []


@pytest.mark.parametrize(("show", "expected"), [("stuck", ["Lena Learner"]), ("not_started", ["Sam Slow"])])
def test_a_chip_filters_on_each_signal(client, mentor, cohort, triage, show, expected):
    client.force_login(mentor)
    response = client.get(_url(cohort, show=show))
    assert _names(response) == expected
    assert (
        'aria-current="page">' + {"stuck": "Stuck 21+ days", "not_started": "Not started"}[show]
        in response.text
    )


def test_the_chips_count_each_signal_and_keep_the_sort(client, mentor, cohort, triage):
    client.force_login(mentor)
    response = client.get(_url(cohort, sort="-overall"))
    counts = {item["key"]: item["count"] for item in response.context["filters"]}
    assert counts == {"behind": 0, "inactive": 0, "stuck": 1, "not_started": 1, "review": 0}
    assert 'href="?sort=-overall&amp;show=stuck"' in response.text


def test_it_sorts_by_how_many_signals_a_learner_has(client, mentor, cohort, triage, roadmap):
    lena, _sam, _tess = triage
    done_project(lena)
    client.force_login(mentor)
    assert _names(client.get(_url(cohort, sort="-signals")))[0] == "Lena Learner"  # stuck and to review


def test_the_mentor_home_counts_stuck_and_not_started(client, mentor, cohort, triage):
    client.force_login(mentor)
    (summary,) = client.get(reverse("cohorts:mentor_home")).context["summaries"]
    assert (summary.stuck, summary.not_started) == (1, 1)


def test_the_csv_lists_the_signals(client, mentor, cohort, triage):
    client.force_login(mentor)
    text = client.get(reverse("cohorts:export", kwargs={"pk": cohort.pk})).content.decode()
    assert "Stuck 3 weeks" in text and "Not started" in text

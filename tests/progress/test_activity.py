from datetime import UTC, date, datetime, timedelta

import pytest

from progress.activity import activity_summary, daily_counts, local_today, streak
from progress.models import Activity
from progress.presentation import HEATMAP_WEEKS, heatmap, level
from roadmap.models import Topic

pytestmark = pytest.mark.django_db

# 23:30 UTC on 10 March 2025: 08:30 on 11 March in Tokyo, 19:30 on 10 March in New York.
LATE_EVENING_UTC = datetime(2025, 3, 10, 23, 30, tzinfo=UTC)


def log(user, *moments):
    topic = Topic.objects.leaves().first()
    Activity.objects.bulk_create(
        Activity(
            user=user,
            kind="topic",
            topic=topic,
            from_status="not_started",
            to_status="done",
            created_at=moment,
        )
        for moment in moments
    )


@pytest.fixture
def tokyo(learner):
    learner.time_zone = "Asia/Tokyo"
    learner.save(update_fields=["time_zone"])
    return learner


@pytest.fixture
def new_york(outsider):
    outsider.time_zone = "America/New_York"
    outsider.save(update_fields=["time_zone"])
    return outsider


def test_it_counts_a_late_utc_change_on_the_learners_own_day(tokyo, new_york, roadmap):
    log(tokyo, LATE_EVENING_UTC)
    log(new_york, LATE_EVENING_UTC)
    assert daily_counts(tokyo) == {date(2025, 3, 11): 1}
    assert daily_counts(new_york) == {date(2025, 3, 10): 1}


def test_it_counts_each_learners_own_changes(tokyo, new_york, roadmap):
    log(tokyo, LATE_EVENING_UTC, LATE_EVENING_UTC + timedelta(minutes=5))
    assert daily_counts(tokyo) == {date(2025, 3, 11): 2}
    assert daily_counts(new_york) == {}


def test_the_streak_crosses_the_time_zone_boundary(tokyo, new_york, roadmap):
    # Two changes an hour apart around midnight UTC: one day in New York, two in Tokyo.
    moments = [datetime(2025, 3, 10, 14, 30, tzinfo=UTC), LATE_EVENING_UTC]
    log(tokyo, *moments)
    log(new_york, *moments)
    now = datetime(2025, 3, 11, 2, 0, tzinfo=UTC)  # 11 March in Tokyo, 10 March in New York
    assert activity_summary(tokyo, now=now).streak == 2  # 10 and 11 March, Tokyo time
    assert activity_summary(new_york, now=now).streak == 1  # both on 10 March, New York time


def test_the_streak_ends_today_or_yesterday():
    today = date(2025, 3, 11)
    assert streak([today, today - timedelta(days=1), today - timedelta(days=2)], today) == 3
    # Nothing yet today: yesterday's run still counts.
    assert streak([today - timedelta(days=1), today - timedelta(days=2)], today) == 2
    assert streak([today - timedelta(days=2), today - timedelta(days=3)], today) == 0
    assert streak([today, today - timedelta(days=2)], today) == 1
    assert streak([], today) == 0


def test_the_streak_reaches_back_beyond_the_heatmap(learner, roadmap):
    now = datetime(2025, 3, 11, 12, 0, tzinfo=UTC)
    log(learner, *(now - timedelta(days=n) for n in range(400)))
    assert activity_summary(learner, now=now).streak == 400


def test_the_heatmap_is_26_weeks_ending_today():
    today = date(2025, 3, 12)  # a Wednesday
    grid = heatmap({today: 2, date(2025, 3, 3): 12}, today)
    assert grid.first_day == date(2024, 9, 16)  # a Monday, 25 weeks before this week's
    assert grid.first_day.weekday() == 0
    assert len(grid.cells) == (HEATMAP_WEEKS - 1) * 7 + 3  # this week: Monday to Wednesday
    assert grid.cells[-1].day == today
    assert grid.cells[-1].label == "2 changes on Wednesday, 12 Mar 2025"
    busiest = next(cell for cell in grid.cells if cell.day == date(2025, 3, 3))
    assert busiest.level == 4
    assert grid.cells[0].label == "No changes on Monday, 16 Sep 2024"
    assert [cell.day for cell in grid.active_cells] == [today, date(2025, 3, 3)]
    assert grid.total == 14
    assert {label.text for label in grid.months} >= {"Oct", "Nov", "Dec", "Jan", "Feb", "Mar"}
    assert [label.text for label in grid.weekdays] == ["Mon", "Wed", "Fri"]


def test_it_shades_by_level():
    assert [level(n) for n in (0, 1, 2, 3, 5, 6, 9, 10, 50)] == [0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_the_summary_is_one_query(learner, roadmap, django_assert_num_queries):
    log(learner, *(LATE_EVENING_UTC - timedelta(hours=7 * n) for n in range(300)))
    with django_assert_num_queries(1):
        summary = activity_summary(learner, now=LATE_EVENING_UTC)
    assert summary.streak > 1
    assert summary.heatmap.total == 300 - sum(
        1
        for n in range(300)
        if (LATE_EVENING_UTC - timedelta(hours=7 * n)).date() < summary.heatmap.first_day
    )


def test_an_unknown_time_zone_falls_back_to_utc(learner):
    learner.time_zone = "Mars/Olympus_Mons"
    assert local_today(learner, LATE_EVENING_UTC) == date(2025, 3, 10)

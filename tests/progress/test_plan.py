from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from progress.figures import PlanInput, learner_figures
from progress.models import LearningPlan, Pace, TopicProgress, TopicStatus
from progress.plan import (
    PhaseFacts,
    PlanStatus,
    add_months,
    expected_completed,
    month_windows,
    phase_targets,
    plan_report,
)
from roadmap import structure
from roadmap.models import Topic

TODAY = date(2025, 6, 16)


def seed_like_phases(completed=None):
    """The seed's eight phases: durations, timeline months and leaf counts."""
    completed = completed or {}
    rows = [
        # number, max months, timeline months, leaves
        (1, 3, (1, 2), 25),
        (2, 3, (3, 4), 29),
        (3, 3, (5, 6), 29),
        (4, 3, (7, 8), 25),
        (5, 3, (9, 10), 29),
        (6, 2, (11, 12), 16),
        (7, 2, (11, 12), 23),
        (8, None, (None, None), 23),
    ]
    return [
        PhaseFacts(
            id=number,
            number=number,
            title=f"Phase {number}",
            slug=f"phase-{number}",
            leaves=leaves,
            completed=completed.get(number, 0),
            duration_max_months=months,
            timeline_start_month=timeline[0],
            timeline_end_month=timeline[1],
        )
        for number, months, timeline, leaves in rows
    ]


def report(start, pace=Pace.TWELVE_MONTHS, completed=None, today=TODAY):
    return plan_report(seed_like_phases(completed), start_date=start, pace=pace, today=today)


# Arithmetic


def test_it_adds_calendar_months_clamping_to_the_months_end():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 11, 15), 3) == date(2026, 2, 15)
    assert add_months(date(2025, 6, 16), 0) == date(2025, 6, 16)


def test_it_follows_the_timeline_at_the_twelve_month_pace():
    windows = month_windows(seed_like_phases(), Pace.TWELVE_MONTHS)
    assert windows[1] == (0, 2)
    assert windows[5] == (8, 10)
    # Months 11-12 hold both Phase 6 and Phase 7: the same window, side by side.
    assert windows[6] == windows[7] == (10, 12)
    assert windows[8] == (12, None)  # ongoing, after the dated phases


def test_it_adds_up_the_upper_durations_at_the_steady_pace():
    windows = month_windows(seed_like_phases(), Pace.STEADY)
    assert [windows[n] for n in range(1, 8)] == [
        (0, 3),
        (3, 6),
        (6, 9),
        (9, 12),
        (12, 15),
        (15, 17),
        (17, 19),
    ]
    assert windows[8] == (19, None)


def test_it_rejects_an_unknown_pace():
    with pytest.raises(ValueError):
        month_windows(seed_like_phases(), "sprint")


def test_it_gives_target_dates_per_phase():
    targets = phase_targets(seed_like_phases(), start_date=date(2025, 1, 31), pace=Pace.TWELVE_MONTHS)
    assert (targets[0].start, targets[0].end, targets[0].last_day) == (
        date(2025, 1, 31),
        date(2025, 3, 31),
        date(2025, 3, 30),
    )
    assert targets[1].start == date(2025, 3, 31)
    assert (
        (targets[5].start, targets[5].end)
        == (targets[6].start, targets[6].end)
        == (date(2025, 11, 30), date(2026, 1, 31))
    )
    assert targets[7].start == date(2026, 1, 31) and targets[7].end is None and targets[7].is_ongoing


def test_a_plan_starting_today_is_on_track_in_phase_one():
    for pace in Pace.values:
        result = report(TODAY, pace=pace)
        assert result.status == PlanStatus.ON_TRACK
        assert result.expected == 0
        assert [target.phase.number for target in result.current] == [1]
        assert result.summary == "On track"


def test_a_plan_starting_in_the_future_is_upcoming():
    result = report(TODAY + timedelta(days=30))
    assert result.status == PlanStatus.UPCOMING
    assert result.current == []
    assert result.summary == "Starts on 16 Jul 2025"


def test_a_plan_started_two_years_ago_without_progress_is_far_behind():
    start = add_months(TODAY, -24)
    for pace in Pace.values:
        result = report(start, pace=pace)
        assert result.status == PlanStatus.BEHIND
        assert result.expected == result.planned_leaves == 176  # Phase 8 is ongoing: not planned
        # Nothing completed: the plan expected that on its first day.
        assert result.weeks == (TODAY - start).days // 7
        assert result.summary == f"{result.weeks} weeks behind"
        assert [target.phase.number for target in result.current] == [8]


def test_a_plan_with_every_dated_phase_completed_is_complete():
    done = {1: 25, 2: 29, 3: 29, 4: 25, 5: 29, 6: 16, 7: 23}
    result = report(add_months(TODAY, -24), completed=done)
    assert result.status == PlanStatus.COMPLETE


def test_a_roadmap_without_a_timeline_has_nothing_to_keep_up_with():
    phases = [
        PhaseFacts(id=n, number=n, title="", slug="", leaves=10, duration_max_months=2) for n in range(1, 4)
    ]
    result = plan_report(phases, start_date=add_months(TODAY, -12), pace=Pace.TWELVE_MONTHS, today=TODAY)
    assert result.planned_leaves == 0
    assert result.status == PlanStatus.ON_TRACK
    steady = plan_report(phases, start_date=add_months(TODAY, -12), pace=Pace.STEADY, today=TODAY)
    assert steady.status == PlanStatus.BEHIND


def test_it_treats_phases_six_and_seven_as_one_shared_window():
    start = add_months(TODAY, -11)  # halfway through months 11-12, roughly
    result = report(start)
    assert {target.phase.number for target in result.current} == {6, 7}
    targets = {target.phase.number: target for target in result.targets}
    share = targets[6].fraction_elapsed(TODAY)
    assert targets[7].fraction_elapsed(TODAY) == share
    assert 0 < share < 1
    assert expected_completed(result.targets, TODAY) == 25 + 29 + 29 + 25 + 29 + (16 + 23) * share


def test_it_says_how_many_weeks_ahead():
    # Four weeks in, with all of Phase 1 done: the 12-month plan expects that after two months.
    start = TODAY - timedelta(weeks=4)
    result = report(start, completed={1: 25})
    assert result.status == PlanStatus.AHEAD
    end_of_phase_one = add_months(start, 2)
    assert result.weeks == (end_of_phase_one - TODAY).days // 7
    assert result.summary == f"{result.weeks} weeks ahead"


def test_less_than_a_week_behind_is_on_track():
    start = TODAY - timedelta(days=61)  # a little after Phase 1's window (2 months) ends
    # The plan expected 25 leaves on day 59 or 60: 23 completed is a few days behind.
    result = report(start, completed={1: 23})
    assert result.expected > 23
    assert result.status == PlanStatus.ON_TRACK


def test_one_week_behind_is_behind():
    start = TODAY - timedelta(weeks=8)
    result = report(start, completed={1: 25 * 5 // 8})
    assert result.status == PlanStatus.BEHIND
    assert result.weeks >= 1
    assert result.summary.endswith("behind")


def test_completed_leaves_of_the_ongoing_phase_do_not_count_toward_the_plan():
    result = report(TODAY - timedelta(weeks=8), completed={8: 23})
    assert result.actual == 0


def test_it_maps_the_seed_timeline_to_phases(roadmap):
    phases = {phase.number: phase for phase in structure.current().phases}
    assert (phases[1].timeline_start_month, phases[1].timeline_end_month) == (1, 2)
    assert (phases[6].timeline_start_month, phases[6].timeline_end_month) == (11, 12)
    assert (phases[7].timeline_start_month, phases[7].timeline_end_month) == (11, 12)
    assert phases[8].timeline_start_month is None
    facts = [
        PhaseFacts(
            id=phase.id,
            number=phase.number,
            title=phase.title,
            slug=phase.slug,
            duration_max_months=phase.duration_max_months,
            timeline_start_month=phase.timeline_start_month,
            timeline_end_month=phase.timeline_end_month,
        )
        for phase in phases.values()
    ]
    windows = month_windows(facts, Pace.TWELVE_MONTHS)
    assert windows[phases[6].id] == windows[phases[7].id] == (10, 12)
    steady = month_windows(facts, Pace.STEADY)
    assert steady[phases[1].id] == (0, 3) and steady[phases[7].id] == (17, 19)
    assert steady[phases[8].id] == (19, None)


def test_learners_sharing_a_start_share_the_plans_arithmetic():
    schedules = {}
    first = plan_report(
        seed_like_phases({1: 5}), start_date=TODAY, pace=Pace.STEADY, today=TODAY, schedules=schedules
    )
    second = plan_report(
        seed_like_phases({1: 9}), start_date=TODAY, pace=Pace.STEADY, today=TODAY, schedules=schedules
    )
    assert len(schedules) == 1
    assert (first.actual, second.actual) == (5, 9)
    assert first.targets[0].phase.completed == 5 and second.targets[0].phase.completed == 9
    assert [t.start for t in first.targets] == [t.start for t in second.targets]


# The plan in the read model


def plan_of(user, **kwargs):
    return learner_figures(user, structure.current(), today=TODAY, **kwargs).plan


@pytest.mark.django_db
def test_there_is_no_plan_without_a_start(learner, roadmap):
    assert plan_of(learner) is None


@pytest.mark.django_db
def test_a_cohorts_start_stands_in_until_the_learner_saves_a_plan(learner, roadmap):
    result = plan_of(learner, cohort_start=TODAY)
    assert result.start_date == TODAY and not result.is_saved and result.pace == Pace.TWELVE_MONTHS
    LearningPlan.objects.create(user=learner, start_date=date(2025, 1, 1), pace=Pace.STEADY)
    result = plan_of(learner, cohort_start=TODAY)
    assert result.start_date == date(2025, 1, 1) and result.is_saved and result.pace == Pace.STEADY


def test_the_plan_starts_on_the_saved_date_else_the_cohorts():
    assert PlanInput().start is None
    assert PlanInput(cohort_start=TODAY).start == TODAY
    assert PlanInput(saved_start=date(2025, 1, 1), cohort_start=TODAY).start == date(2025, 1, 1)


@pytest.mark.django_db
def test_the_plan_counts_the_learners_progress(learner, outsider, roadmap):
    LearningPlan.objects.create(user=learner, start_date=TODAY)
    leaf = Topic.objects.leaves().filter(section__phase__number=1).first()
    TopicProgress.objects.create(
        user=learner, topic=leaf, status=TopicStatus.SKIPPED, updated_at=timezone.now()
    )
    for other in Topic.objects.leaves()[:20]:
        TopicProgress.objects.create(
            user=outsider, topic=other, status=TopicStatus.DONE, updated_at=timezone.now()
        )
    assert plan_of(learner).actual == 1


@pytest.mark.django_db
def test_the_overview_shows_the_learners_dates_on_the_timeline(client, learner, roadmap):
    LearningPlan.objects.create(user=learner, start_date=date(2025, 1, 1), pace=Pace.TWELVE_MONTHS)
    client.force_login(learner)
    html = client.get("/").text
    assert "1 Jan 2025 \N{EN DASH} 28 Feb 2025" in html  # Month 1-2
    assert "1 Nov 2025 \N{EN DASH} 31 Dec 2025" in html  # Month 11-12
    assert "from 1 Jan 2026" in html  # Ongoing


@pytest.mark.django_db
def test_the_overview_shows_no_dates_to_visitors_and_learners_without_a_plan(client, learner, roadmap):
    assert "Your dates" not in client.get("/").text
    client.force_login(learner)
    assert "Your dates" not in client.get("/").text


# The plan page

URL = "/plan/"


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_it_rejects_other_methods(client, learner):
    client.force_login(learner)
    assert client.put(URL).status_code == 405


@pytest.mark.django_db
def test_it_offers_today_as_the_start(client, learner, roadmap):
    client.force_login(learner)
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'type="date"' in content
    assert 'type="radio"' in content
    assert "Target dates" not in content


@pytest.mark.django_db
def test_it_saves_a_plan_and_shows_its_targets(client, learner, roadmap):
    client.force_login(learner)
    response = client.post(URL, {"start_date": "2025-01-01", "pace": Pace.STEADY})
    assert response.status_code == 302 and response["Location"] == URL
    plan = LearningPlan.objects.get(user=learner)
    assert (plan.start_date, plan.pace) == (date(2025, 1, 1), Pace.STEADY)
    content = client.get(URL).content.decode()
    assert "Target dates" in content
    assert "31 Mar 2025" in content  # Phase 1 ends after three months at the steady pace
    assert 'value="2025-01-01"' in content


@pytest.mark.django_db
def test_saving_again_updates_the_one_plan(client, learner, roadmap):
    client.force_login(learner)
    client.post(URL, {"start_date": "2025-01-01", "pace": Pace.STEADY})
    client.post(URL, {"start_date": "2025-03-01", "pace": Pace.TWELVE_MONTHS})
    plan = LearningPlan.objects.get(user=learner)
    assert (plan.start_date, plan.pace) == (date(2025, 3, 1), Pace.TWELVE_MONTHS)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start_date", "message"),
    [
        ("2025-02-30", "Enter a date such as"),
        ("not a date", "Enter a date such as"),
        ("01/02/2025", "Enter a date such as"),
        ("99999-01-01", "Enter a date such as"),
        ("1999-12-31", "Choose a date from 1 Jan 2000 on."),
        ("2100-01-01", "two years from today"),
        ("", "This field is required."),
    ],
)
def test_it_refuses_impossible_dates_and_changes_nothing(client, learner, roadmap, start_date, message):
    LearningPlan.objects.create(user=learner, start_date=date(2025, 1, 1), pace=Pace.STEADY)
    client.force_login(learner)
    response = client.post(URL, {"start_date": start_date, "pace": Pace.TWELVE_MONTHS})
    assert response.status_code == 400
    assert message in response.content.decode()
    plan = LearningPlan.objects.get(user=learner)
    assert (plan.start_date, plan.pace) == (date(2025, 1, 1), Pace.STEADY)


@pytest.mark.django_db
def test_it_refuses_an_unknown_pace(client, learner, roadmap):
    client.force_login(learner)
    response = client.post(URL, {"start_date": "2025-01-01", "pace": "sprint"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not LearningPlan.objects.exists()


@pytest.mark.django_db
def test_it_shows_only_the_learners_own_plan(client, learner, outsider, roadmap):
    LearningPlan.objects.create(user=outsider, start_date=date(2024, 2, 3), pace=Pace.STEADY)
    client.force_login(learner)
    content = client.get(URL).content.decode()
    assert "2024-02-03" not in content
    assert "Target dates" not in content
    client.post(URL, {"start_date": "2025-01-01", "pace": Pace.TWELVE_MONTHS})
    assert LearningPlan.objects.get(user=outsider).start_date == date(2024, 2, 3)

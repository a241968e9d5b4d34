from datetime import date

import pytest
from django.utils import timezone

from progress.models import LearningPlan, Pace

pytestmark = pytest.mark.django_db


def test_it_shows_a_learner_their_own_dates_on_the_timeline(client, learner, roadmap):
    LearningPlan.objects.create(
        user=learner, start_date=date(2026, 1, 1), pace=Pace.TWELVE_MONTHS, updated_at=timezone.now()
    )
    client.force_login(learner)
    response = client.get("/")
    assert response.status_code == 200
    # Months 1-2 start on the plan's first day; months 11-12 end after a year.
    assert "1 Jan 2026 \u2013 28 Feb 2026" in response.text
    assert "Dates from your plan." in response.text


def test_it_invites_a_learner_without_a_plan_to_set_one(client, learner, roadmap):
    client.force_login(learner)
    response = client.get("/")
    assert "to see your own dates on the timeline" in response.text


def test_visitors_see_the_timeline_without_personal_dates(client, roadmap):
    response = client.get("/")
    assert "Your dates" not in response.text
    assert "Set your plan" not in response.text


def test_the_signed_in_overview_costs_a_fixed_number_of_queries(
    client, learner, roadmap, django_assert_max_num_queries
):
    LearningPlan.objects.create(user=learner, start_date=date(2026, 1, 1), updated_at=timezone.now())
    client.force_login(learner)
    client.get("/")  # the content, read once into the cached structure
    # Session, user (with what the navigation needs), content version, the learner's plan.
    with django_assert_max_num_queries(4):
        assert client.get("/").status_code == 200

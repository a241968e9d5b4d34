import pytest
from django.test import Client

from progress.models import LearningPlan

pytestmark = pytest.mark.django_db


def test_a_forbidden_page_uses_the_sites_own_template(client, learner, roadmap):
    client.force_login(learner)
    response = client.get("/mentor/")
    assert response.status_code == 403
    assert "do that here" in response.text
    assert "Your dashboard" in response.text


def test_a_form_without_its_csrf_token_says_it_expired_and_changes_nothing(learner, roadmap):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post("/plan/", {"start_date": "2026-01-01", "pace": "steady"})
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert not LearningPlan.objects.filter(user=learner).exists()

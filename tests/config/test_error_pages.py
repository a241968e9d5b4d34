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


def test_a_wrong_method_gets_the_sites_405_page_with_what_is_allowed(client, learner, roadmap):
    from roadmap.models import Topic

    client.force_login(learner)
    leaf = Topic.objects.leaves().first()
    response = client.get(f"/topics/{leaf.pk}/status/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "Error 405" in response.text
    assert "no page to show here" in response.text
    assert "Content-Security-Policy" in response

    response = client.post("/")
    assert response.status_code == 405
    assert "nothing was changed" in response.text


def test_a_refused_form_gets_its_reason_in_the_sites_400_page(client, learner, roadmap):
    from roadmap.models import Topic

    client.force_login(learner)
    leaf = Topic.objects.leaves().first()
    response = client.post(f"/topics/{leaf.pk}/status/", {"status": "bogus"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Error 400" in response.text
    assert "“bogus” is not a topic status." in response.text

    # htmx shows the short answer beside the control.
    response = client.post(f"/topics/{leaf.pk}/status/", {"status": "bogus"}, HTTP_HX_REQUEST="true")
    assert response["Content-Type"].startswith("text/plain")


def test_a_nul_character_gets_the_sites_400_page(client, roadmap):
    response = client.get("/search/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert "Error 400" in response.text
    assert "NUL character" in response.text

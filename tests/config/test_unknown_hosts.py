"""A request for a host the site does not serve gets the site's own 400 page, never a 500.

The load balancer's probe is the exception: /healthz answers whatever the Host
header says, so a probe that names the instance by its address still sees it
healthy (the answer reveals nothing but "ok").
"""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    # Errors must show as the status a visitor gets, not be raised into the test.
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("host", ["evil.example", "", "localhost.evil.example", "exa mple.com", "[::1"])
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/phases/nowhere/", "/no/such/page/"])
def test_it_answers_400_with_the_sites_page_to_an_unknown_host(client, host, path):
    response = client.get(path, HTTP_HOST=host)

    assert response.status_code == 400
    assert "That request couldn\u2019t be understood" in response.text
    assert '<nav aria-label="Main">' in response.text


def test_it_answers_400_to_a_form_posted_to_an_unknown_host(client, learner, password):
    response = client.post(
        "/accounts/login/", {"login": learner.email, "password": password}, HTTP_HOST="evil.example"
    )

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_it_answers_400_to_a_signed_in_visitor_naming_an_unknown_host(client, learner):
    client.force_login(learner)

    response = client.get("/dashboard/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "That request couldn\u2019t be understood" in response.text


@pytest.mark.parametrize("host", ["10.0.0.7:8000", "evil.example", ""])
def test_the_health_check_answers_whatever_the_host(client, host):
    response = client.get("/healthz", HTTP_HOST=host)

    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]

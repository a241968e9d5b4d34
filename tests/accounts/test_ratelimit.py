"""Repeated attempts are slowed down, with a message that says to wait, in the site's design."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_stops_sign_in_after_five_failures_for_one_address(client, learner, password):
    for attempt in range(5):
        response = client.post(
            reverse("account_login"), {"login": learner.email, "password": f"wrong {attempt}"}
        )
        assert "not correct" in response.content.decode()

    # Even the right password waits now.
    response = client.post(reverse("account_login"), {"login": learner.email, "password": password})

    assert response.status_code == 200
    assert "Please wait a few minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_for_one_address_do_not_lock_out_another(client, learner, outsider, password):
    for attempt in range(5):
        client.post(reverse("account_login"), {"login": learner.email, "password": f"wrong {attempt}"})

    response = client.post(reverse("account_login"), {"login": outsider.email, "password": password})

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == outsider.pk


def test_it_stops_sign_ups_from_one_client_after_thirty_an_hour(client):
    data = {"email": "someone@example.com", "password1": "a", "password2": "b"}
    for _attempt in range(30):
        assert client.post(reverse("account_signup"), data).status_code == 200

    response = client.post(reverse("account_signup"), data)

    assert response.status_code == 429
    html = response.content.decode()
    assert "Please wait a moment" in html
    assert '<nav aria-label="Main">' in html  # the site's own layout


def test_it_stops_reset_emails_to_one_address_after_three_an_hour(client, learner, mailoutbox):
    for _attempt in range(3):
        assert client.post(reverse("account_reset_password"), {"email": learner.email}).status_code == 302

    response = client.post(reverse("account_reset_password"), {"email": learner.email})

    assert response.status_code == 429
    assert "Please wait a moment" in response.content.decode()
    assert len(mailoutbox) == 3


def test_the_cache_is_fresh_for_every_test(client, learner, password):
    # Had the counts above leaked, this sign-in would be refused.
    response = client.post(reverse("account_login"), {"login": learner.email, "password": password})

    assert response.status_code == 302

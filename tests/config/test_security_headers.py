"""The headers and cookies every response carries with production settings.

Tests run with DEBUG off, so these are production's values; only the https
redirect is off in tests (pytest-env), and its own test turns it back on.
That no page loads anything from another host is checked in a real browser
(tests/browser: every request that leaves localhost fails the test).
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


def _nonce(policy) -> str:
    (nonce,) = [value for value in policy["script-src"] if value.startswith("'nonce-")]
    return nonce.removeprefix("'nonce-").removesuffix("'")


def test_it_allows_only_its_own_host_and_no_framing(client):
    policy = _policy(client.get(reverse("progress:overview")))

    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]


def test_it_runs_only_scripts_that_carry_the_nonce(client):
    response = client.get(reverse("progress:overview"))
    policy = _policy(response)

    assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(policy["script-src"])
    nonce = _nonce(policy)
    scripts = SCRIPT_TAG.findall(response.text)
    assert scripts, "the page should load htmx"
    assert all(f'nonce="{nonce}"' in tag for tag in scripts), scripts


def test_it_gives_every_response_a_new_nonce(client):
    first = _nonce(_policy(client.get(reverse("progress:overview"))))
    second = _nonce(_policy(client.get(reverse("progress:overview"))))

    assert first != second
    assert len(first) >= 16


def test_it_sends_the_policy_on_error_pages_too(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert _policy(response)["default-src"] == ["'self'"]


def test_it_tells_browsers_to_keep_to_https_for_a_year(client):
    response = client.get(reverse("progress:overview"), secure=True)

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_it_redirects_plain_http_to_https_in_production(settings):
    settings.SECURE_SSL_REDIRECT = True

    response = Client().get(reverse("progress:overview"))

    assert response.status_code == 301
    assert response.headers["Location"] == "https://testserver" + reverse("progress:overview")


def test_it_sends_the_other_security_headers(client):
    response = client.get(reverse("progress:overview"), secure=True)

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_it_denies_every_powerful_browser_feature(client):
    header = client.get(reverse("progress:overview")).headers["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in header.split(","))

    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial", "hid", "midi"):
        assert features[feature] == "()", feature
    assert set(features.values()) == {"()"}


def test_it_builds_permissions_policy_from_the_setting(client, settings):
    settings.PERMISSIONS_POLICY = {"fullscreen": ("self",), "camera": ()}

    response = client.get(reverse("progress:overview"))

    assert response.headers["Permissions-Policy"] == "fullscreen=(self), camera=()"


def test_it_sets_the_csrf_cookie_secure_and_out_of_reach_of_scripts(client):
    response = client.get(reverse("account_login"), secure=True)

    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_it_sets_the_session_cookie_secure_and_out_of_reach_of_scripts(client, learner, password):
    response = client.post(
        reverse("account_login"), {"login": learner.email, "password": password}, secure=True
    )

    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"

"""Behind the TLS proxy (BEHIND_PROXY), only the proxy may say a request came over https."""

import pytest

PROXY = "127.0.0.1"
STRANGER = "203.0.113.9"


@pytest.fixture
def behind_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = [PROXY]


def test_the_proxys_word_that_a_request_came_over_https_is_taken(client, behind_proxy, roadmap):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"}, REMOTE_ADDR=PROXY)
    assert response.status_code == 200


def test_a_client_reaching_the_app_directly_cannot_claim_https(client, behind_proxy, roadmap):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"}, REMOTE_ADDR=STRANGER)
    # Plain http, as it really came: sent to https like any other plain request.
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_without_a_proxy_the_header_means_nothing(client, settings, roadmap):
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/", headers={"X-Forwarded-Proto": "https"}, REMOTE_ADDR=PROXY)
    assert response.status_code == 301

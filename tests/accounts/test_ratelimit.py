"""Repeated attempts are slowed down, with a message that says to wait, in the site's design."""

import ipaddress
import random
import uuid

import pytest
from django.urls import reverse

from tests.accounts.conftest import confirm_address

pytestmark = pytest.mark.django_db

LOCKED = "Please wait a few minutes"


def _lock_out(client, user, **extra):
    """Five wrong passwords for `user`: the documented limit."""
    for attempt in range(5):
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": f"wrong {attempt}"}, **extra
        )
        assert "not correct" in response.text


def _other_traffic(client, requests: int) -> None:
    """Password-reset requests for random addresses from random client addresses:
    each leaves counters of its own in the cache."""
    rng = random.Random(10)
    for _ in range(requests):
        address = str(ipaddress.IPv4Address(rng.getrandbits(32)))
        response = client.post(
            reverse("account_reset_password"),
            {"email": f"{uuid.uuid4().hex}@example.com"},
            REMOTE_ADDR=address,
        )
        assert response.status_code == 302


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
    confirm_address(outsider)
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
    confirm_address(learner)
    # Had the counts above leaked, this sign-in would be refused.
    response = client.post(reverse("account_login"), {"login": learner.email, "password": password})

    assert response.status_code == 302


@pytest.fixture(params=["database", "redis"])
def any_shared_cache(request, settings):
    """The two caches production can have: the database's table, or Redis (REDIS_URL)."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        }
    return request.param


def test_a_locked_account_stays_locked_whatever_other_traffic_fills_the_cache(
    client, learner, password, any_shared_cache
):
    _lock_out(client, learner)

    _other_traffic(client, 400)

    response = client.post(reverse("account_login"), {"login": learner.email, "password": password})
    assert LOCKED in response.text
    assert "_auth_user_id" not in client.session


def test_the_database_cache_still_drops_expired_entries_when_it_grows(learner, settings):
    from django.core.cache import cache

    limit = settings.CACHES["default"]["OPTIONS"]["MAX_ENTRIES"]
    for number in range(limit + 1):
        cache.set(f"short-lived-{number}", number, timeout=-1)  # expired at once
    cache.set("live", "kept", timeout=60)
    cache.set("one-more", "kept", timeout=60)  # over the limit: expired rows are deleted

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_cache")
        (rows,) = cursor.fetchone()
    assert rows == 2
    assert cache.get("live") == "kept"


@pytest.mark.parametrize("host", ["127.0.0.1:8202", "localhost", "LOCALHOST:1", "localhost.", "testserver"])
def test_the_per_account_limit_holds_whatever_host_the_request_names(client, learner, password, host):
    _lock_out(client, learner)

    response = client.post(
        reverse("account_login"), {"login": learner.email, "password": password}, HTTP_HOST=host
    )

    assert LOCKED in response.text
    assert "_auth_user_id" not in client.session


def test_the_per_account_limit_counts_guesses_sent_to_every_host_together(client, learner, password):
    hosts = ["127.0.0.1:8202", "localhost", "LOCALHOST:1", "localhost.", "testserver"]
    accepted = 0
    for attempt in range(35):
        response = client.post(
            reverse("account_login"),
            {"login": learner.email.upper(), "password": f"wrong {attempt}"},
            HTTP_HOST=hosts[attempt % len(hosts)],
            REMOTE_ADDR=f"192.0.2.{attempt + 1}",  # a client each, so only the per-account limit applies
        )
        accepted += "not correct" in response.text

    assert accepted == 5


def _failed_sign_ins(client, count: int, **extra) -> int:
    """`count` wrong passwords, each for another address; how many were checked (not refused at once)."""
    checked = 0
    for attempt in range(count):
        response = client.post(
            reverse("account_login"),
            {"login": f"nobody-{uuid.uuid4().hex}@example.com", "password": f"wrong {attempt}"},
            **extra,
        )
        checked += "not correct" in response.text
    return checked


@pytest.fixture
def behind_proxy(settings):
    """The settings BEHIND_PROXY=true gives, with the proxy on loopback (FORWARDED_ALLOW_IPS' default)."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1"]


def test_behind_the_proxy_a_client_that_reaches_gunicorn_directly_cannot_pose_as_many(client, behind_proxy):
    checked = 0
    for attempt in range(30):
        checked += _failed_sign_ins(
            client, 1, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt + 1}"
        )

    assert checked == 20  # the per-client limit, 20 a minute, counted for 198.51.100.7


def test_behind_the_proxy_it_counts_the_client_the_proxy_names(client, behind_proxy):
    # What the client sent is kept by some proxies in front of what they add: only the last counts.
    proxied = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.9.9.9, 203.0.113.1"}

    assert _failed_sign_ins(client, 21, **proxied) == 20
    assert _failed_sign_ins(client, 1, **{**proxied, "HTTP_X_FORWARDED_FOR": "10.9.9.9, 203.0.113.2"}) == 1


def test_without_a_proxy_it_ignores_x_forwarded_for(client):
    checked = sum(
        _failed_sign_ins(client, 1, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt + 1}")
        for attempt in range(21)
    )

    assert checked == 20

"""The benchmark's bare view, which `make bench` measures every page against."""

import pytest

BARE = "/__bench__/bare"


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "bench.urls"


@pytest.mark.django_db
def test_it_answers_a_signed_in_user(bench_urls, client, learner):
    client.force_login(learner)

    response = client.get(BARE)

    assert response.status_code == 200
    assert response.content == f"signed in as {learner.pk}".encode()


@pytest.mark.django_db
def test_it_refuses_anonymous(bench_urls, client):
    assert client.get(BARE).status_code == 403


@pytest.mark.django_db
def test_it_keeps_the_application_urls(bench_urls, client):
    assert client.get("/healthz").status_code == 200


def test_it_is_not_in_the_application_urls(client):
    assert client.get(BARE).status_code == 404

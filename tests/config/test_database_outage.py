"""While the database is down (a PostgreSQL restart), every page answers 503 with
Retry-After and the site's own page, saying nothing was saved; it never claims
"Something went wrong on our side". A bug that reaches the database (an
integrity error) is still a 500."""

import pytest
from django.db import IntegrityError, InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from progress.models import TopicProgress
from roadmap.models import Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    # The status a visitor gets, not the exception raised into the test.
    return Client(raise_request_exception=False)


def _failing(error):
    def execute(execute, sql, params, many, context):
        raise error

    return execute


def _assert_unavailable(response):
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "Not saved" in response.text or "briefly unavailable" in response.text
    assert "Something went wrong" not in response.text
    assert "<!doctype html>" in response.text.lower()
    assert "/static/css/site.css" in response.text  # the site's own look


@pytest.mark.parametrize(
    "error",
    [OperationalError("the database system is shutting down"), InterfaceError("connection already closed")],
)
def test_a_signed_in_learners_change_answers_503_while_the_database_is_down(client, learner, roadmap, error):
    topic = Topic.objects.leaves().first()
    client.force_login(learner)
    url = reverse("progress:topic_status", kwargs={"pk": topic.pk})

    with connection.execute_wrapper(_failing(error)):
        plain = client.post(url, {"status": "done"})
        htmx = client.post(url, {"status": "done"}, HTTP_HX_REQUEST="true")

    _assert_unavailable(plain)
    _assert_unavailable(htmx)
    assert not TopicProgress.objects.exists()


def test_an_anonymous_page_answers_503_while_the_database_is_down(client, roadmap):
    with connection.execute_wrapper(_failing(OperationalError("connection refused"))):
        response = client.get(reverse("progress:overview"))

    _assert_unavailable(response)
    assert "briefly unavailable" in response.text


def test_sign_in_answers_503_while_the_database_is_down(client, learner, password):
    with connection.execute_wrapper(_failing(OperationalError("connection refused"))):
        response = client.post(reverse("account_login"), {"login": learner.email, "password": password})

    _assert_unavailable(response)


def test_an_integrity_error_is_still_a_500(client, learner, roadmap):
    topic = Topic.objects.leaves().first()
    client.force_login(learner)
    url = reverse("progress:topic_status", kwargs={"pk": topic.pk})

    def fail_on_write(execute, sql, params, many, context):
        if "INSERT INTO" in sql.upper():
            raise IntegrityError("duplicate key value")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail_on_write):
        response = client.post(url, {"status": "done"})

    assert response.status_code == 500
    assert "Retry-After" not in response

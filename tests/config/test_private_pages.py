"""What a signed-in person is shown is theirs: no shared cache (a proxy, a CDN) may
keep it, and the browser may not store it on disk. Public pages for anonymous
visitors stay cacheable as before."""

import pytest
from django.urls import reverse

from progress.models import ProjectIdea
from roadmap.models import Phase, Topic

pytestmark = pytest.mark.django_db


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def _pages(cohort, learner):
    phase = Phase.objects.order_by("number").first()
    return [
        ("get", reverse("progress:overview"), {}),
        ("get", phase.get_absolute_url(), {}),
        ("get", reverse("progress:dashboard"), {}),
        ("get", reverse("progress:export_csv"), {}),
        ("get", reverse("progress:plan"), {}),
        ("get", reverse("accounts:profile"), {}),
        ("get", reverse("accounts:data"), {}),
        ("post", reverse("accounts:data_download"), {}),
        ("get", reverse("cohorts:mine"), {}),
        (
            "post",
            reverse("progress:topic_status", kwargs={"pk": Topic.objects.leaves().first().pk}),
            {"status": "done"},
        ),
        (
            "post",
            reverse("progress:project_progress", kwargs={"pk": ProjectIdea.objects.first().pk}),
            {"status": "in_progress"},
        ),
    ]


def test_every_page_and_export_for_a_signed_in_learner_is_private_and_not_stored(
    client, learner, cohort, roadmap
):
    client.force_login(learner)
    for method, url, data in _pages(cohort, learner):
        for htmx in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = getattr(client, method)(url, data, **htmx)

            assert {"private", "no-store"} <= _directives(response), (method, url, htmx, response.status_code)
            assert "public" not in _directives(response)


def test_the_mentors_cohort_pages_and_csv_are_private_and_not_stored(
    client, mentor, cohort, learner, roadmap
):
    client.force_login(mentor)
    for url in [
        reverse("cohorts:mentor_home"),
        cohort.get_absolute_url(),
        reverse("cohorts:export", kwargs={"pk": cohort.pk}),
        reverse("cohorts:learner", kwargs={"pk": cohort.pk, "user_id": learner.pk}),
    ]:
        assert {"private", "no-store"} <= _directives(client.get(url)), url


def test_an_error_page_for_a_signed_in_person_is_private_too(client, learner):
    client.force_login(learner)

    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert {"private", "no-store"} <= _directives(response)


def test_public_pages_for_anonymous_visitors_keep_their_caching(client, roadmap):
    response = client.get(reverse("progress:overview"))

    assert "no-store" not in _directives(response)
    assert "private" not in _directives(response)

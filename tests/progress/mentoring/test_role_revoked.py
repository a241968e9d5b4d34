"""A mentor whose role is taken away loses every cohort page at once, however it was taken."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from progress.mentoring.models import Cohort
from tests.progress.mentoring.helpers import done_project, make_mentor

pytestmark = pytest.mark.django_db


def _revoke(email) -> str:
    out = StringIO()
    call_command("revoke_role", email, "mentor", stdout=out)
    return out.getvalue()


def _answers(client, cohort, learner, project_row) -> dict[str, int]:
    member = {"pk": cohort.pk, "user_id": learner.pk}
    review = reverse("cohorts:review", kwargs={**member, "project_id": project_row.project_id})
    return {
        "home": client.get(reverse("cohorts:mentor_home")).status_code,
        "detail": client.get(cohort.get_absolute_url()).status_code,
        "learner": client.get(reverse("cohorts:learner", kwargs=member)).status_code,
        "export": client.get(reverse("cohorts:export", kwargs={"pk": cohort.pk})).status_code,
        "rename": client.post(
            reverse("cohorts:rename", kwargs={"pk": cohort.pk}), {"name": "Taken over"}
        ).status_code,
        "regenerate": client.post(reverse("cohorts:regenerate", kwargs={"pk": cohort.pk})).status_code,
        "review": client.post(review, {"comment": "Still here"}).status_code,
        "nudge": client.post(
            reverse("cohorts:nudge", kwargs={"pk": cohort.pk}),
            {"learner": learner.pk, "message": "Hi", "batch": "a-one-time-key-0123456789"},
        ).status_code,
        "mentors": client.get(reverse("cohorts:mentors", kwargs={"pk": cohort.pk})).status_code,
        "archive": client.post(reverse("cohorts:archive", kwargs={"pk": cohort.pk})).status_code,
        "delete": client.post(reverse("cohorts:delete", kwargs={"pk": cohort.pk})).status_code,
        "settings": client.get(reverse("cohorts:settings")).status_code,
    }


CLOSED = {
    "home": 403,
    "detail": 404,
    "learner": 404,
    "export": 404,
    "rename": 404,
    "regenerate": 404,
    "review": 404,
    "nudge": 404,
    "mentors": 404,
    "archive": 404,
    "delete": 404,
    "settings": 403,
}


def test_revoking_the_role_ends_access_to_every_cohort_page(client, mentor, cohort, learner, roadmap):
    project_row = done_project(learner)
    token = cohort.invite_token
    client.force_login(mentor)

    _revoke(mentor.email)

    assert _answers(client, cohort, learner, project_row) == CLOSED
    cohort.refresh_from_db()
    assert (cohort.name, cohort.invite_token, cohort.archived_at) == ("Spring cohort", token, None)
    assert not cohort.nudges.exists()
    project_row.refresh_from_db()
    assert project_row.reviewed_at is None


def test_access_needs_the_role_even_when_the_group_is_taken_away_by_hand(
    client, mentor, cohort, learner, roadmap
):
    """A superuser editing the person's groups in the admin skips revoke_role: the pages still close."""
    project_row = done_project(learner)
    client.force_login(mentor)

    mentor.groups.remove(Group.objects.get(name="Mentors"))

    assert mentor.mentored_cohorts.filter(pk=cohort.pk).exists()
    assert _answers(client, cohort, learner, project_row) == CLOSED


def test_revoking_the_role_says_what_becomes_of_each_cohort(mentor, cohort, django_user_model):
    shared = Cohort.objects.create(name="Autumn cohort")
    other = make_mentor(django_user_model)
    shared.mentors.add(mentor, other)

    out = _revoke(mentor.email)

    assert out.splitlines() == [
        "Revoked the mentor role from mentor@example.com, and took them off the 2 cohorts they mentored:",
        "  Autumn cohort: still mentored by Omar Other.",
        "  Spring cohort: now has no mentor; superusers see it under “no mentor” in the admin.",
    ]
    assert list(cohort.mentors.all()) == []
    assert list(shared.mentors.all()) == [other]


def test_revoking_the_role_from_a_mentor_of_no_cohort_says_so(django_user_model):
    alone = make_mentor(django_user_model)

    assert _revoke(alone.email) == (
        "Revoked the mentor role from other.mentor@example.com. They mentored no cohort.\n"
    )


def test_a_cohort_left_without_a_mentor_shows_as_such_to_superusers(client, superuser, mentor, cohort):
    _revoke(mentor.email)
    client.force_login(superuser)

    listing = client.get(reverse("admin:progress_cohort_changelist"))
    filtered = client.get(reverse("admin:progress_cohort_changelist") + "?mentor=none")

    assert "no mentor" in listing.text
    assert "Spring cohort" in filtered.text
    # And the superuser still reaches the cohort's page on the site, to see who is in it.
    assert client.get(cohort.get_absolute_url()).status_code == 200

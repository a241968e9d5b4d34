"""Who may open which cohort page: every cohort and mentor URL against every kind of person.

404 for a cohort or learner someone may not see (so ids cannot be probed),
403 where they may look but not act (a superuser on a cohort they do not
mentor, a non-mentor on mentor-only pages), sign-in for anonymous visitors.
"""

import pytest
from django.urls import reverse

from tests.progress.mentoring.helpers import done_project, make_mentor

PEOPLE = ["anonymous", "learner", "outsider", "mentor", "other_mentor", "editor", "superuser"]


@pytest.fixture
def people(db, learner, outsider, mentor, editor, superuser, django_user_model):
    return {
        "anonymous": None,
        "learner": learner,
        "outsider": outsider,
        "mentor": mentor,
        "other_mentor": make_mentor(django_user_model),
        "editor": editor,
        "superuser": superuser,
    }


@pytest.fixture
def project_row(roadmap, learner, cohort):
    return done_project(learner)


def _urls(cohort, learner, project_row):
    ids = {"pk": cohort.pk}
    member = {"pk": cohort.pk, "user_id": learner.pk}
    return {
        "mentor_home": ("get", reverse("cohorts:mentor_home")),
        "new": ("get", reverse("cohorts:new")),
        "mine": ("get", reverse("cohorts:mine")),
        "detail": ("get", reverse("cohorts:detail", kwargs=ids)),
        "rename": ("get", reverse("cohorts:rename", kwargs=ids)),
        "regenerate": ("post", reverse("cohorts:regenerate", kwargs=ids)),
        "export": ("get", reverse("cohorts:export", kwargs=ids)),
        "learner": ("get", reverse("cohorts:learner", kwargs=member)),
        "review": (
            "post",
            reverse("cohorts:review", kwargs={**member, "project_id": project_row.project_id}),
        ),
        "leave": ("get", reverse("cohorts:leave", kwargs=ids)),
        "nudge": ("get", reverse("cohorts:nudge", kwargs=ids) + f"?learner={learner.pk}"),
        "mentors": ("get", reverse("cohorts:mentors", kwargs=ids)),
        "delete": ("get", reverse("cohorts:delete", kwargs=ids)),
        "archive": ("post", reverse("cohorts:archive", kwargs=ids)),
        "restore": ("post", reverse("cohorts:restore", kwargs=ids)),
        "mentor_invite_regenerate": ("post", reverse("cohorts:mentor_invite_regenerate", kwargs=ids)),
        "settings": ("get", reverse("cohorts:settings")),
    }


# What each person gets: a status code, or "login" for a redirect to sign in.
OK, LOGIN, FORBIDDEN, MISSING, DONE = 200, "login", 403, 404, 302
MATRIX = {
    #               anonymous learner    outsider   mentor other_mentor editor    superuser
    "mentor_home": (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN, OK),
    "new": (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN),
    "mine": (LOGIN, OK, OK, OK, OK, OK, OK),
    "detail": (LOGIN, MISSING, MISSING, OK, MISSING, MISSING, OK),
    "rename": (LOGIN, MISSING, MISSING, OK, MISSING, MISSING, FORBIDDEN),
    "regenerate": (LOGIN, MISSING, MISSING, DONE, MISSING, MISSING, FORBIDDEN),
    "export": (LOGIN, MISSING, MISSING, OK, MISSING, MISSING, OK),
    "learner": (LOGIN, MISSING, MISSING, OK, MISSING, MISSING, OK),
    "review": (LOGIN, MISSING, MISSING, DONE, MISSING, MISSING, FORBIDDEN),
    "leave": (LOGIN, OK, MISSING, MISSING, MISSING, MISSING, MISSING),
    "nudge": (LOGIN, MISSING, MISSING, OK, MISSING, MISSING, FORBIDDEN),
    "mentors": (LOGIN, MISSING, MISSING, OK, MISSING, MISSING, OK),
    "delete": (LOGIN, MISSING, MISSING, OK, MISSING, MISSING, FORBIDDEN),
    "archive": (LOGIN, MISSING, MISSING, DONE, MISSING, MISSING, FORBIDDEN),
    "restore": (LOGIN, MISSING, MISSING, DONE, MISSING, MISSING, FORBIDDEN),
    "mentor_invite_regenerate": (LOGIN, MISSING, MISSING, DONE, MISSING, MISSING, FORBIDDEN),
    "settings": (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN, OK),
}


@pytest.mark.parametrize("url_name", MATRIX)
def test_it_lets_in_exactly_who_may_see_the_page(client, people, cohort, learner, project_row, url_name):
    """One page against every kind of person (one set-up per page keeps the matrix fast)."""
    method, url = _urls(cohort, learner, project_row)[url_name]
    answers = {}
    for person in PEOPLE:
        client.logout()
        if people[person] is not None:
            client.force_login(people[person])
        response = getattr(client, method)(url)
        login = response.status_code == 302 and response.url.startswith(reverse("account_login") + "?next=")
        answers[person] = LOGIN if login else response.status_code
    assert answers == dict(zip(PEOPLE, MATRIX[url_name], strict=True))


def test_it_hides_a_learner_from_a_mentor_of_another_cohort_they_are_not_in(
    client, cohort, learner, django_user_model
):
    from progress.mentoring.models import Cohort

    other_mentor = make_mentor(django_user_model)
    other = Cohort.objects.create(name="Other")
    other.mentors.add(other_mentor)
    client.force_login(other_mentor)
    # The learner exists, and the cohort id is the other mentor's own: still no way in.
    url = reverse("cohorts:learner", kwargs={"pk": other.pk, "user_id": learner.pk})
    assert client.get(url).status_code == 404


def test_it_hides_a_learner_who_left_at_once(client, cohort, learner, mentor):
    url = reverse("cohorts:learner", kwargs={"pk": cohort.pk, "user_id": learner.pk})
    client.force_login(mentor)
    assert client.get(url).status_code == 200
    cohort.memberships.filter(user=learner).delete()
    assert client.get(url).status_code == 404
    assert learner.display_name not in client.get(cohort.get_absolute_url()).text


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("post", "cohorts:mentor_home"),
        ("post", "cohorts:mine"),
        ("post", "cohorts:detail"),
        ("post", "cohorts:export"),
        ("post", "cohorts:learner"),
        ("get", "cohorts:regenerate"),
        ("get", "cohorts:review"),
        ("delete", "cohorts:rename"),
        ("put", "cohorts:new"),
        ("delete", "cohorts:leave"),
        ("get", "cohorts:archive"),
        ("get", "cohorts:restore"),
        ("put", "cohorts:delete"),
        ("put", "cohorts:nudge"),
        ("post", "cohorts:mentors"),
        ("get", "cohorts:mentor_invite_regenerate"),
        ("get", "cohorts:mentor_remove"),
        ("delete", "cohorts:settings"),
    ],
)
def test_it_rejects_wrong_methods(client, mentor, cohort, learner, method, name):
    kwargs = {
        "cohorts:mentor_home": {},
        "cohorts:mine": {},
        "cohorts:new": {},
        "cohorts:learner": {"pk": cohort.pk, "user_id": learner.pk},
        "cohorts:review": {"pk": cohort.pk, "user_id": learner.pk, "project_id": 1},
        "cohorts:mentor_remove": {"pk": cohort.pk, "user_id": learner.pk},
        "cohorts:settings": {},
    }.get(name, {"pk": cohort.pk})
    client.force_login(mentor)
    assert getattr(client, method)(reverse(name, kwargs=kwargs)).status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/cohorts/abc/",
        "/cohorts/1.5/export.csv",
        "/cohorts/-1/",
        "/cohorts/{pk}/learners/me/",
        "/cohorts/{pk}/learners/{user}/projects/x/review/",
        "/cohorts/99999/",
        "/cohorts/{pk}/learners/99999/",
    ],
)
def test_it_answers_404_to_malformed_or_unknown_ids(client, mentor, cohort, learner, path):
    client.force_login(mentor)
    assert client.get(path.format(pk=cohort.pk, user=learner.pk)).status_code == 404


def test_it_answers_404_for_a_project_the_learner_has_no_record_of(client, mentor, cohort, learner, roadmap):
    client.force_login(mentor)
    url = reverse("cohorts:review", kwargs={"pk": cohort.pk, "user_id": learner.pk, "project_id": 99999})
    assert client.post(url).status_code == 404

"""Creating and renaming cohorts on the site, managing them in the admin, and the learner's data export."""

import json

import pytest
from django.urls import reverse

from progress.mentoring.models import Cohort, Membership
from progress.models import TopicProgress
from tests.progress.mentoring.helpers import make_mentor

pytestmark = pytest.mark.django_db


def test_a_mentor_creates_a_cohort_and_mentors_it(client, mentor):
    client.force_login(mentor)
    response = client.post(
        reverse("cohorts:new"), {"name": "  Winter evening group ", "start_date": "2027-01-11"}
    )
    cohort = Cohort.objects.get(name="Winter evening group")
    assert response.status_code == 302
    assert response.url == cohort.get_absolute_url()
    assert list(cohort.mentors.all()) == [mentor]
    assert str(cohort.start_date) == "2027-01-11"
    assert len(cohort.invite_token) >= 43


def test_it_refuses_a_cohort_without_a_name_and_creates_nothing(client, mentor):
    client.force_login(mentor)
    before = Cohort.objects.count()
    response = client.post(reverse("cohorts:new"), {"name": "   ", "start_date": "not a date"})
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert "Enter a valid date." in response.text
    assert Cohort.objects.count() == before


def test_a_learner_cannot_create_a_cohort(client, learner):
    client.force_login(learner)
    assert client.post(reverse("cohorts:new"), {"name": "Mine now"}).status_code == 403
    assert not Cohort.objects.filter(name="Mine now").exists()


def test_a_mentor_renames_their_cohort(client, mentor, cohort):
    client.force_login(mentor)
    url = reverse("cohorts:rename", kwargs={"pk": cohort.pk})
    assert 'value="Spring cohort"' in client.get(url).text
    response = client.post(url, {"name": "Spring & summer", "start_date": ""})
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.name == "Spring & summer"
    assert cohort.start_date is None


def test_renaming_to_nothing_changes_nothing(client, mentor, cohort):
    client.force_login(mentor)
    response = client.post(reverse("cohorts:rename", kwargs={"pk": cohort.pk}), {"name": ""})
    assert response.status_code == 200
    assert "This field is required." in response.text
    cohort.refresh_from_db()
    assert cohort.name == "Spring cohort"


def test_another_mentor_cannot_rename_or_regenerate(client, cohort, django_user_model):
    token = cohort.invite_token
    client.force_login(make_mentor(django_user_model))
    assert (
        client.post(reverse("cohorts:rename", kwargs={"pk": cohort.pk}), {"name": "Taken"}).status_code == 404
    )
    assert client.post(reverse("cohorts:regenerate", kwargs={"pk": cohort.pk})).status_code == 404
    cohort.refresh_from_db()
    assert (cohort.name, cohort.invite_token) == ("Spring cohort", token)


def test_co_mentors_both_see_the_cohort(client, cohort, django_user_model):
    second = make_mentor(django_user_model)
    cohort.mentors.add(second)
    client.force_login(second)
    assert client.get(cohort.get_absolute_url()).status_code == 200
    assert "Spring cohort" in client.get(reverse("cohorts:mentor_home")).text


# The admin: superusers manage every cohort; editors edit content only and never reach people.


@pytest.mark.parametrize(
    "url",
    [
        "/admin/progress/cohort/",
        "/admin/progress/cohort/{cohort}/change/",
        "/admin/progress/cohort/add/",
        "/admin/progress/membership/",
        "/admin/progress/membership/?q=learner",
        "/admin/progress/membership/{membership}/change/",
        "/admin/progress/membership/add/",
    ],
)
def test_editors_reach_no_cohort_or_membership_in_the_admin(client, editor, cohort, url):
    client.force_login(editor)

    response = client.get(url.format(cohort=cohort.pk, membership=cohort.memberships.get().pk))

    assert response.status_code == 403
    assert "learner@example.com" not in response.text


@pytest.mark.parametrize(("person", "allowed"), [("editor", False), ("superuser", True)])
def test_only_superusers_put_people_in_a_cohort_or_make_them_its_mentor(
    client, request, cohort, outsider, django_user_model, person, allowed
):
    other = make_mentor(django_user_model)
    client.force_login(request.getfixturevalue(person))
    management = {
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }

    client.post(
        "/admin/progress/membership/add/",
        {"cohort": cohort.pk, "user": outsider.email, "joined_at_0": "2026-02-01", "joined_at_1": "09:00:00"},
    )
    client.post(
        f"/admin/progress/cohort/{cohort.pk}/change/",
        {"name": cohort.name, "start_date": "", "mentors": [other.pk], **management},
    )

    assert cohort.memberships.filter(user=outsider).exists() is allowed
    assert cohort.mentors.filter(pk=other.pk).exists() is allowed


def test_the_admin_index_shows_editors_only_content(client, editor):
    client.force_login(editor)

    index = client.get("/admin/")

    assert "Roadmap" in index.text
    assert "Cohorts" not in index.text
    assert "Memberships" not in index.text


def test_the_editors_group_holds_no_permission_on_people():
    from django.contrib.auth.models import Group

    editors = Group.objects.get(name="Editors")

    # Beyond content: only the queue of reported links, which counts learners and names none.
    outside = editors.permissions.exclude(content_type__app_label="roadmap")
    assert sorted(outside.values_list("codename", flat=True)) == [
        "change_reportedresource",
        "view_reportedresource",
    ]


def test_a_superuser_manages_cohorts_in_the_admin(client, superuser, cohort, learner, outsider, mentor):
    client.force_login(superuser)
    changelist = client.get(reverse("admin:progress_cohort_changelist"))
    assert changelist.status_code == 200
    assert "Spring cohort" in changelist.text
    url = reverse("admin:progress_cohort_change", args=[cohort.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="learner@example.com"' in page.text  # members are shown by email, not by id
    membership = cohort.memberships.get()
    data = {
        "name": "Renamed by a superuser",
        "start_date": "",
        "mentors": [mentor.pk],
        "memberships-TOTAL_FORMS": "2",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": membership.pk,
        "memberships-0-cohort": cohort.pk,
        "memberships-0-user": "learner@example.com",
        "memberships-0-joined_at_0": "2026-01-05",
        "memberships-0-joined_at_1": "10:00:00",
        "memberships-1-cohort": cohort.pk,
        "memberships-1-user": "OUTSIDER@example.com",
        "memberships-1-joined_at_0": "2026-02-01",
        "memberships-1-joined_at_1": "09:00:00",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    cohort.refresh_from_db()
    assert cohort.name == "Renamed by a superuser"
    assert set(cohort.learners.all()) == {learner, outsider}


def test_the_admin_refuses_an_unknown_email_and_a_cohort_without_mentors(client, superuser, cohort):
    client.force_login(superuser)
    url = reverse("admin:progress_cohort_change", args=[cohort.pk])
    data = {
        "name": "X",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-cohort": cohort.pk,
        "memberships-0-user": "nobody@example.com",
        "memberships-0-joined_at_0": "2026-02-01",
        "memberships-0-joined_at_1": "09:00:00",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "No one has an account with this email address." in response.text
    assert "This field is required." in response.text  # mentors
    cohort.refresh_from_db()
    assert cohort.name == "Spring cohort"


def test_only_mentors_can_be_chosen_as_mentors(client, superuser, cohort, learner):
    client.force_login(superuser)
    page = client.get(reverse("admin:progress_cohort_change", args=[cohort.pk]))
    assert "Mina Mentor" in page.text
    mentors_field = page.context["adminform"].form.fields["mentors"]
    assert learner not in mentors_field.queryset


def test_editors_do_not_see_learners_progress_in_the_admin(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:progress_topicprogress_changelist")).status_code == 403


def test_superusers_see_progress_read_only(client, superuser, learner, roadmap):
    from django.utils import timezone

    from roadmap.models import Topic

    row = TopicProgress.objects.create(
        user=learner, topic=Topic.objects.leaves().first(), status="done", updated_at=timezone.now()
    )
    client.force_login(superuser)
    assert client.get(reverse("admin:progress_topicprogress_changelist")).status_code == 200
    change = client.get(reverse("admin:progress_topicprogress_change", args=[row.pk]))
    assert change.status_code == 200
    assert 'name="status"' not in change.text  # shown, not editable
    assert client.get(reverse("admin:progress_topicprogress_add")).status_code == 403
    assert client.get("/admin/progress/topicnote/").status_code == 404  # private notes are not there at all


# The learner's data export.


def test_the_learners_data_export_lists_their_cohorts(client, learner, cohort, password):
    client.force_login(learner)
    response = client.post(reverse("accounts:data_download"))
    assert response.status_code == 200
    data = json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
    cohorts = data["progress"]["cohorts"]
    assert [entry["cohort"] for entry in cohorts] == ["Spring cohort"]
    assert cohorts[0]["joined_at"]


def test_deleting_a_learner_removes_their_memberships(cohort, learner):
    learner.delete()
    assert not Membership.objects.filter(cohort=cohort).exists()
    assert Cohort.objects.filter(pk=cohort.pk).exists()

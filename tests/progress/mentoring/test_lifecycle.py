"""A cohort's life: created once however often the form is sent, archived (read-only) and restored,
deleted after asking (learners keep their progress and are told), co-mentors by a link of their own."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from progress.mentoring.models import Cohort, Membership, Nudge
from progress.mentoring.services import CohortNameTaken, cohort_create
from progress.models import TopicProgress, TopicStatus
from progress.services import progress_set_status
from roadmap.models import Topic
from tests.progress.mentoring.helpers import done_project, make_mentor

pytestmark = pytest.mark.django_db


def _post(client, name, cohort, **kwargs):
    return client.post(reverse(f"cohorts:{name}", kwargs={"pk": cohort.pk, **kwargs}))


@pytest.fixture
def co_mentor(cohort, django_user_model):
    user = make_mentor(django_user_model, email="co@example.com", name="Cora Co")
    cohort.mentors.add(user)
    return user


# Creating: once, however often the form is sent.


def test_sending_the_new_cohort_form_twice_creates_one_cohort(client, mentor):
    client.force_login(mentor)
    data = {"name": "Autumn evenings", "start_date": ""}
    first = client.post(reverse("cohorts:new"), data)
    again = client.post(reverse("cohorts:new"), data)  # a double click, or back and send again
    cohort = Cohort.objects.get(name="Autumn evenings")
    assert first.url == again.url == cohort.get_absolute_url()
    assert Cohort.objects.filter(owner=mentor).count() == 2  # the fixture's and this one
    assert "You already have a cohort called “Autumn evenings”: here it is." in client.get(again.url).text


def test_names_are_told_apart_without_case_or_spaces(client, mentor, cohort):
    client.force_login(mentor)
    response = client.post(reverse("cohorts:new"), {"name": "  SPRING COHORT "})
    assert response.url == cohort.get_absolute_url()
    assert Cohort.objects.count() == 1


def test_an_archived_cohort_of_the_same_name_is_pointed_out(client, mentor, cohort):
    cohort.archive()
    client.force_login(mentor)
    response = client.post(reverse("cohorts:new"), {"name": "Spring cohort"})
    assert response.status_code == 200
    assert "You have an archived cohort of this name" in response.text
    assert Cohort.objects.count() == 1


def test_another_mentor_may_use_the_same_name(mentor, cohort, django_user_model):
    other = make_mentor(django_user_model)
    assert cohort_create(mentor=other, name="Spring cohort").owner == other


def test_the_database_refuses_a_second_cohort_of_the_same_name_for_one_owner(mentor, cohort):
    with pytest.raises(IntegrityError), transaction.atomic():
        Cohort.objects.create(name="spring Cohort", owner=mentor)
    with pytest.raises(CohortNameTaken) as taken:
        cohort_create(mentor=mentor, name="Spring cohort")
    assert taken.value.cohort == cohort


def test_renaming_to_another_of_ones_names_is_refused(client, mentor, cohort):
    other = cohort_create(mentor=mentor, name="Winter")
    client.force_login(mentor)
    response = client.post(reverse("cohorts:rename", kwargs={"pk": other.pk}), {"name": "spring cohort"})
    assert response.status_code == 200
    assert "already has a cohort of this name" in response.text
    other.refresh_from_db()
    assert other.name == "Winter"


# Archiving and restoring.


def test_archiving_takes_the_cohort_off_the_home_into_the_archive(client, mentor, cohort, learner, roadmap):
    client.force_login(mentor)
    response = _post(client, "archive", cohort)
    assert response.status_code == 302 and response.url == reverse("cohorts:mentor_home")
    cohort.refresh_from_db()
    assert cohort.is_archived
    home = client.get(reverse("cohorts:mentor_home"))
    assert home.context["summaries"] == []
    assert [archived.pk for archived in home.context["archived"]] == [cohort.pk]
    assert "Archived cohorts" in home.text and "1 learner, archived" in home.text


def test_an_archived_cohort_is_read_only(client, mentor, cohort, learner, roadmap):
    row = done_project(learner)
    cohort.archive()
    client.force_login(mentor)
    page = client.get(cohort.get_absolute_url())
    assert page.status_code == 200
    assert "Lena Learner" in page.text  # still there to read
    assert "Restore the cohort" in page.text
    assert cohort.invite_token not in page.text
    assert "Nudge selected learners" not in page.text and 'name="learner"' not in page.text
    member = {"pk": cohort.pk, "user_id": learner.pk}
    writes = [
        client.post(reverse("cohorts:rename", kwargs={"pk": cohort.pk}), {"name": "Changed"}),
        _post(client, "regenerate", cohort),
        _post(client, "archive", cohort),
        _post(client, "mentor_invite_regenerate", cohort),
        client.get(reverse("cohorts:nudge", kwargs={"pk": cohort.pk}) + f"?learner={learner.pk}"),
        client.post(
            reverse("cohorts:review", kwargs={**member, "project_id": row.project_id}), {"comment": "x"}
        ),
    ]
    assert [response.status_code for response in writes] == [403] * len(writes)
    learner_page = client.get(reverse("cohorts:learner", kwargs=member)).text
    assert "Mark reviewed" not in learner_page and "Nudge Lena" not in learner_page


def test_an_archived_cohort_takes_no_one_new(client, cohort, outsider, django_user_model):
    cohort.archive()
    client.force_login(outsider)
    join = reverse("cohorts:join", kwargs={"token": cohort.invite_token})
    assert "archived and takes no new members" in client.get(join).text
    client.post(join)
    assert not Membership.objects.filter(user=outsider).exists()
    client.force_login(make_mentor(django_user_model))
    assert client.get(cohort.get_mentor_invite_path()).status_code == 404


def test_members_see_it_archived_and_may_still_leave(client, cohort, learner):
    cohort.archive()
    client.force_login(learner)
    assert '<span class="pill">archived</span>' in client.get(reverse("cohorts:mine")).text
    assert _post(client, "leave", cohort).status_code == 302
    assert not cohort.memberships.exists()


def test_restoring_brings_it_back(client, mentor, cohort, roadmap):
    cohort.archive()
    client.force_login(mentor)
    response = _post(client, "restore", cohort)
    assert response.status_code == 302 and response.url == cohort.get_absolute_url()
    cohort.refresh_from_db()
    assert not cohort.is_archived
    assert [
        summary.cohort.pk for summary in client.get(reverse("cohorts:mentor_home")).context["summaries"]
    ] == [cohort.pk]


def test_a_co_mentor_archives_and_restores_too_but_others_cannot(
    client, cohort, co_mentor, superuser, outsider
):
    client.force_login(co_mentor)
    assert _post(client, "archive", cohort).status_code == 302
    client.force_login(superuser)
    assert _post(client, "restore", cohort).status_code == 403
    client.force_login(outsider)
    assert _post(client, "restore", cohort).status_code == 404
    client.force_login(co_mentor)
    assert _post(client, "restore", cohort).status_code == 302


# Deleting.


def test_deleting_asks_first(client, mentor, cohort, learner):
    client.force_login(mentor)
    page = client.get(reverse("cohorts:delete", kwargs={"pk": cohort.pk}))
    assert page.status_code == 200
    assert "Delete “Spring cohort”?" in page.text
    assert "keeps their progress" in page.text
    assert Cohort.objects.filter(pk=cohort.pk).exists()


def test_deleting_keeps_learners_progress_and_tells_them(
    client,
    mentor,
    cohort,
    learner,
    roadmap,
    mailoutbox,
    django_user_model,
    django_capture_on_commit_callbacks,
):
    quiet = django_user_model.objects.create_user(email="quiet@example.com", email_cohort_updates=False)
    Membership.objects.create(cohort=cohort, user=quiet)
    topic = Topic.objects.leaves().first()
    progress_set_status(user=learner, topic=topic, status=TopicStatus.DONE)
    nudge = Nudge.objects.create(
        cohort=cohort, cohort_name=cohort.name, sender=mentor, learner=learner, message="Hi", batch="b"
    )
    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cohorts:delete", kwargs={"pk": cohort.pk}))
    assert response.status_code == 302 and response.url == reverse("cohorts:mentor_home")
    assert not Cohort.objects.filter(pk=cohort.pk).exists()
    assert not Membership.objects.filter(user__in=[learner, quiet]).exists()
    assert TopicProgress.objects.get(user=learner, topic=topic).status == TopicStatus.DONE
    nudge.refresh_from_db()
    assert nudge.cohort is None and nudge.cohort_name == "Spring cohort"  # the log keeps it
    notices = Nudge.objects.filter(kind=Nudge.Kind.NOTICE)
    assert sorted(notices.values_list("learner__email", flat=True)) == [learner.email, quiet.email]
    (email,) = mailoutbox  # the quiet one asked for no cohort emails
    assert email.to == [learner.email]
    assert email.subject == "“Spring cohort” was deleted · Waymark"
    assert (
        "Mina Mentor deleted the cohort “Spring cohort”. Your progress, notes and plan are unchanged"
        in email.body
    )
    assert "2 learners were told" in client.get(response.url).text
    client.force_login(learner)
    dashboard = client.get(reverse("progress:dashboard")).text
    assert (
        "Mina Mentor deleted the cohort “Spring cohort”" in dashboard and "Notice, Spring cohort" in dashboard
    )


def test_only_the_owner_deletes(client, cohort, co_mentor, superuser):
    for person in (co_mentor, superuser):
        client.force_login(person)
        assert client.get(reverse("cohorts:delete", kwargs={"pk": cohort.pk})).status_code == 403
        assert client.post(reverse("cohorts:delete", kwargs={"pk": cohort.pk})).status_code == 403
    assert Cohort.objects.filter(pk=cohort.pk).exists()


def test_the_owner_deletes_an_archived_cohort_too(client, mentor, cohort):
    cohort.archive()
    client.force_login(mentor)
    assert client.post(reverse("cohorts:delete", kwargs={"pk": cohort.pk})).status_code == 302
    assert not Cohort.objects.exists()


# The join link asks before making a new one.


def test_making_a_new_join_link_asks_first_without_script(client, mentor, cohort, roadmap):
    client.force_login(mentor)
    text = client.get(cohort.get_absolute_url()).text
    disclosure = text.split('<details class="confirm" id="invite-new">')[1].split("</details>")[0]
    assert "<summary" in disclosure and "stops working at once" in disclosure
    assert f'action="{reverse("cohorts:regenerate", kwargs={"pk": cohort.pk})}"' in disclosure
    assert "Yes, make a new join link" in disclosure


# Co-mentors.


def test_the_owner_sees_the_co_mentor_link_a_co_mentor_does_not(client, mentor, cohort, co_mentor):
    url = reverse("cohorts:mentors", kwargs={"pk": cohort.pk})
    client.force_login(mentor)
    page = client.get(url).text
    assert cohort.mentor_invite_token in page
    assert cohort.invite_token not in page
    assert "Cora Co" in page and "owner" in page
    client.force_login(co_mentor)
    page = client.get(url).text
    assert cohort.mentor_invite_token not in page
    assert "Stop mentoring" in page and "Remove<" not in page


def test_a_mentor_becomes_a_co_mentor_from_the_link(client, mentor, cohort, django_user_model):
    newcomer = make_mentor(django_user_model, email="new@example.com", name="Nina New")
    client.force_login(newcomer)
    page = client.get(cohort.get_mentor_invite_path())
    assert page.status_code == 200
    assert "Mina Mentor</strong> invites you to mentor this cohort" in page.text
    assert not cohort.mentors.filter(pk=newcomer.pk).exists()  # looking changes nothing
    response = client.post(cohort.get_mentor_invite_path())
    assert response.status_code == 302 and response.url == cohort.get_absolute_url()
    assert cohort.mentors.filter(pk=newcomer.pk).exists()
    assert client.get(cohort.get_absolute_url()).status_code == 200
    assert client.post(cohort.get_mentor_invite_path()).status_code == 302  # again: nothing more
    assert cohort.mentors.count() == 2


def test_only_people_with_the_mentor_role_accept(client, cohort, outsider, learner):
    client.force_login(outsider)
    assert "Only people with the mentor role can accept" in client.get(cohort.get_mentor_invite_path()).text
    response = client.post(cohort.get_mentor_invite_path(), follow=True)
    assert "Only mentors can co-mentor a cohort" in response.text
    assert not cohort.mentors.filter(pk=outsider.pk).exists()


def test_a_learner_of_the_cohort_cannot_become_its_mentor(client, cohort, learner):
    from accounts.roles import role_grant

    role_grant(user=learner, role="mentor")
    client.force_login(learner)
    response = client.post(cohort.get_mentor_invite_path(), follow=True)
    assert "You are a learner in this cohort" in response.text
    assert not cohort.mentors.filter(pk=learner.pk).exists()


def test_the_join_link_never_makes_a_mentor_and_the_co_mentor_link_never_a_member(
    client, cohort, django_user_model
):
    newcomer = make_mentor(django_user_model, email="new@example.com")
    client.force_login(newcomer)
    assert client.get(f"/join/{cohort.mentor_invite_token}/").status_code == 404
    assert client.get(f"/mentor-invite/{cohort.invite_token}/").status_code == 404


def test_an_anonymous_visitor_is_asked_to_sign_in(client, cohort):
    page = client.get(cohort.get_mentor_invite_path())
    assert "Sign in with your mentor account" in page.text
    response = client.post(cohort.get_mentor_invite_path())
    assert response.url.startswith(reverse("account_login") + "?next=")


def test_a_new_co_mentor_link_stops_the_old_one(client, mentor, cohort, django_user_model):
    old = cohort.get_mentor_invite_path()
    client.force_login(mentor)
    assert _post(client, "mentor_invite_regenerate", cohort).status_code == 302
    cohort.refresh_from_db()
    assert cohort.get_mentor_invite_path() != old
    client.force_login(make_mentor(django_user_model))
    assert client.get(old).status_code == 404


def test_the_owner_removes_a_co_mentor(client, mentor, cohort, co_mentor):
    client.force_login(mentor)
    response = _post(client, "mentor_remove", cohort, user_id=co_mentor.pk)
    assert response.status_code == 302
    assert not cohort.mentors.filter(pk=co_mentor.pk).exists()
    client.force_login(co_mentor)
    assert client.get(cohort.get_absolute_url()).status_code == 404


def test_a_co_mentor_removes_no_one_but_themselves(client, mentor, cohort, co_mentor, django_user_model):
    third = make_mentor(django_user_model, email="third@example.com")
    cohort.mentors.add(third)
    client.force_login(co_mentor)
    assert _post(client, "mentor_remove", cohort, user_id=third.pk).status_code == 403
    assert _post(client, "mentor_remove", cohort, user_id=mentor.pk).status_code == 403
    assert _post(client, "mentor_remove", cohort, user_id=co_mentor.pk).url == reverse("cohorts:mentor_home")
    assert set(cohort.mentors.all()) == {mentor, third}


def test_the_owner_cannot_be_removed(client, mentor, cohort, co_mentor):
    client.force_login(mentor)
    response = client.post(
        reverse("cohorts:mentor_remove", kwargs={"pk": cohort.pk, "user_id": mentor.pk}), follow=True
    )
    assert "The cohort&#x27;s owner cannot be removed." in response.text
    assert cohort.mentors.filter(pk=mentor.pk).exists()


def test_when_the_owner_loses_the_role_the_longest_standing_mentor_acts_as_owner(
    client, mentor, cohort, co_mentor, django_user_model
):
    from accounts.roles import role_revoke

    later = make_mentor(django_user_model, email="later@example.com")
    cohort.mentors.add(later)
    role_revoke(user=mentor, role="mentor")
    client.force_login(later)
    assert client.get(reverse("cohorts:delete", kwargs={"pk": cohort.pk})).status_code == 403
    client.force_login(co_mentor)
    assert client.get(reverse("cohorts:delete", kwargs={"pk": cohort.pk})).status_code == 200
    assert cohort.mentor_invite_token in client.get(reverse("cohorts:mentors", kwargs={"pk": cohort.pk})).text

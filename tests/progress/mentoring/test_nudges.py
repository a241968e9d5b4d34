"""Nudges: a mentor ticks learners in the table, edits a message, sends it; the learner gets it on
their dashboard (and by email if they want cohort emails); opt-outs, the daily limit, double submits."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from progress.mentoring.models import DEFAULT_NUDGE_TEMPLATE, Cohort, Membership, MentorSettings, Nudge
from progress.mentoring.services import NUDGES_PER_DAY
from tests.progress.mentoring.helpers import make_mentor

pytestmark = pytest.mark.django_db

BATCH = "a-one-time-key-0123456789"


def _url(cohort):
    return reverse("cohorts:nudge", kwargs={"pk": cohort.pk})


@pytest.fixture
def ben(cohort, django_user_model):
    user = django_user_model.objects.create_user(email="ben@example.com", display_name="Ben Busy")
    Membership.objects.create(cohort=cohort, user=user)
    return user


def _send(client, cohort, learners, message="Hi {name}, how is it going? {mentor}", batch=BATCH, **extra):
    return client.post(
        _url(cohort),
        {"learner": [learner.pk for learner in learners], "message": message, "batch": batch, **extra},
    )


def test_the_table_lets_a_mentor_tick_learners_for_a_nudge(client, mentor, cohort, learner, ben, roadmap):
    client.force_login(mentor)
    text = client.get(cohort.get_absolute_url()).text
    assert f'<form method="get" action="{_url(cohort)}" id="nudge-form"' in text
    for user in (learner, ben):
        assert f'name="learner" value="{user.pk}" id="pick-{user.pk}" form="nudge-form"' in text
        assert (
            f'<label for="pick-{user.pk}" class="visually-hidden">Select {user.display_name}</label>' in text
        )


def test_the_mentor_sees_who_turned_nudges_off(client, mentor, cohort, learner, ben, roadmap):
    ben.accept_nudges = False
    ben.save(update_fields=["accept_nudges"])
    client.force_login(mentor)
    text = client.get(cohort.get_absolute_url()).text
    assert f'value="{ben.pk}"' not in text
    assert "Ben Busy turned nudges off" in text
    page = client.get(reverse("cohorts:learner", kwargs={"pk": cohort.pk, "user_id": ben.pk})).text
    assert "Ben Busy turned nudges off" in page


def test_the_message_page_starts_from_the_mentors_template(client, mentor, cohort, learner, ben):
    client.force_login(mentor)
    response = client.get(_url(cohort) + f"?learner={learner.pk}&learner={ben.pk}&learner=999999&learner=x")
    assert response.status_code == 200
    assert [user.pk for user in response.context["learners"]] == [ben.pk, learner.pk]
    assert DEFAULT_NUDGE_TEMPLATE.split("\n")[0] in response.text
    assert "Send 2 nudges" in response.text
    assert f"You can nudge {NUDGES_PER_DAY} learners a day; {NUDGES_PER_DAY} more today." in response.text
    assert not Nudge.objects.exists()  # looking sends nothing


def test_it_sends_each_learner_their_own_message_by_email_and_logs_it(
    client, mentor, cohort, learner, ben, roadmap, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, cohort, [learner, ben])
    assert response.status_code == 302 and response.url == cohort.get_absolute_url()
    nudges = {nudge.learner_id: nudge for nudge in Nudge.objects.all()}
    assert nudges[learner.pk].message == "Hi Lena Learner, how is it going? Mina Mentor"
    assert nudges[ben.pk].message == "Hi Ben Busy, how is it going? Mina Mentor"
    assert {nudge.sender_id for nudge in nudges.values()} == {mentor.pk}
    assert all(nudge.cohort == cohort and nudge.emailed and nudge.created_at for nudge in nudges.values())
    assert sorted(message.to[0] for message in mailoutbox) == [ben.email, learner.email]
    (to_lena,) = [message for message in mailoutbox if message.to == [learner.email]]
    assert to_lena.subject == "A note from Mina Mentor · Waymark"
    assert to_lena.body.startswith("Hi Lena Learner, how is it going? Mina Mentor")
    assert "http://testserver/dashboard/" in to_lena.body and "/accounts/profile/" in to_lena.body
    assert "mentor@example.com" not in to_lena.body  # the mentor's address stays theirs
    page = client.get(response.url).text
    assert "Nudged Ben Busy and Lena Learner." in page
    assert "nudged <time" in page


def test_a_learner_without_cohort_emails_gets_it_on_their_dashboard_only(
    client, mentor, cohort, learner, ben, mailoutbox, django_capture_on_commit_callbacks
):
    ben.email_cohort_updates = False
    ben.save(update_fields=["email_cohort_updates"])
    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, cohort, [learner, ben])
    assert [message.to for message in mailoutbox] == [[learner.email]]
    assert not Nudge.objects.get(learner=ben).emailed
    assert "Ben Busy will see it on their dashboard only" in client.get(response.url).text


def test_it_leaves_out_learners_who_turned_nudges_off(
    client, mentor, cohort, learner, ben, mailoutbox, django_capture_on_commit_callbacks
):
    ben.accept_nudges = False
    ben.save(update_fields=["accept_nudges"])
    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, cohort, [learner, ben])
    assert list(Nudge.objects.values_list("learner_id", flat=True)) == [learner.pk]
    assert [message.to for message in mailoutbox] == [[learner.email]]
    assert "Not nudged: Ben Busy turned nudges off." in client.get(response.url).text


def test_sending_the_same_form_twice_reaches_no_one_twice(
    client, mentor, cohort, learner, ben, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        _send(client, cohort, [learner, ben])
        response = _send(client, cohort, [learner, ben])
    assert Nudge.objects.count() == 2
    assert len(mailoutbox) == 2
    assert "had already reached" in client.get(response.url).text
    with django_capture_on_commit_callbacks(execute=True):
        _send(client, cohort, [learner], batch="another-one-time-key-987")  # a new message is a new send
    assert Nudge.objects.count() == 3


def test_it_refuses_a_send_past_the_daily_limit_whole(client, mentor, cohort, learner, ben, mailoutbox):
    Nudge.objects.bulk_create(
        Nudge(cohort=cohort, cohort_name="x", sender=mentor, learner=learner, message="m", batch=f"old-{i}")
        for i in range(NUDGES_PER_DAY - 1)
    )
    client.force_login(mentor)
    response = _send(client, cohort, [learner, ben])
    assert response.status_code == 200
    assert f"You can nudge {NUDGES_PER_DAY} learners a day; 1 more today." in response.text
    assert Nudge.objects.count() == NUDGES_PER_DAY - 1 and mailoutbox == []
    # Yesterday's nudges no longer count.
    Nudge.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert _send(client, cohort, [learner, ben]).status_code == 302
    assert Nudge.objects.count() == NUDGES_PER_DAY + 1


def test_the_limit_counts_a_mentor_across_all_their_cohorts(
    client, mentor, cohort, learner, django_user_model
):
    other = Cohort.objects.create(name="Other", owner=mentor)
    other.mentors.add(mentor)
    Nudge.objects.bulk_create(
        Nudge(
            cohort=other, cohort_name="Other", sender=mentor, learner=learner, message="m", batch=f"old-{i}"
        )
        for i in range(NUDGES_PER_DAY)
    )
    client.force_login(mentor)
    assert _send(client, cohort, [learner]).status_code == 200
    assert Nudge.objects.filter(cohort=cohort).count() == 0


@pytest.mark.parametrize("message", ["\x1b[31mred\x1b[0m", "ding\x07", "", "x" * 1001])
def test_it_refuses_a_bad_message_and_sends_nothing(client, mentor, cohort, learner, mailoutbox, message):
    client.force_login(mentor)
    response = _send(client, cohort, [learner], message=message)
    assert response.status_code == 200
    assert re.search(r"control character|This field is required|at most 1000 characters", response.text)
    assert not Nudge.objects.exists() and mailoutbox == []


def test_it_keeps_line_breaks_and_placeholders_it_does_not_know(client, mentor, cohort, learner):
    client.force_login(mentor)
    _send(client, cohort, [learner], message="Hi {name},\r\n\r\n{0.__class__} {cohort}")
    assert Nudge.objects.get().message == "Hi Lena Learner,\n\n{0.__class__} Spring cohort"


def test_it_keeps_the_message_as_the_mentors_template_when_asked(client, mentor, cohort, learner):
    client.force_login(mentor)
    _send(client, cohort, [learner], message="Short and kind, {name}.", remember="on")
    assert MentorSettings.objects.get(user=mentor).nudge_template == "Short and kind, {name}."
    assert "Short and kind, {name}." in client.get(_url(cohort) + f"?learner={learner.pk}").text


def test_it_sends_nothing_without_a_learner(client, mentor, cohort, outsider):
    client.force_login(mentor)
    assert "No learner is selected" in client.get(_url(cohort)).text
    response = _send(client, cohort, [outsider])  # not in the cohort: ignored
    assert response.status_code == 200
    assert "No learner is selected" in response.text
    assert not Nudge.objects.exists()


def test_it_refuses_learners_outside_the_cohort(mentor, cohort, outsider):
    from django.core.exceptions import ValidationError

    from progress.mentoring.services import nudge_send

    with pytest.raises(ValidationError):
        nudge_send(sender=mentor, cohort=cohort, learners=[outsider], template="Hi", batch=BATCH)
    assert not Nudge.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", "login"), ("outsider", 404), ("other_mentor", 404), ("superuser", 403)]
)
def test_only_the_cohorts_mentors_nudge(
    client, cohort, learner, outsider, superuser, django_user_model, who, status
):
    people = {"outsider": outsider, "superuser": superuser, "other_mentor": make_mentor(django_user_model)}
    if who in people:
        client.force_login(people[who])
    for response in (client.get(_url(cohort) + f"?learner={learner.pk}"), _send(client, cohort, [learner])):
        if status == "login":
            assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
        else:
            assert response.status_code == status
    assert not Nudge.objects.exists()


def test_it_rejects_other_methods(client, mentor, cohort):
    client.force_login(mentor)
    assert client.put(_url(cohort)).status_code == 405


# The learner's side: their dashboard, dismissing, opting out.


def test_the_learner_sees_the_nudge_on_their_dashboard_and_can_dismiss_it(
    client, mentor, cohort, learner, roadmap
):
    client.force_login(mentor)
    _send(client, cohort, [learner], message="Keep going, {name}!")
    client.force_login(learner)
    text = client.get(reverse("progress:dashboard")).text
    assert "From your mentors" in text
    assert "Keep going, Lena Learner!" in text
    assert "Mina Mentor, Spring cohort" in text
    nudge = Nudge.objects.get()
    response = client.post(reverse("cohorts:message_dismiss", kwargs={"pk": nudge.pk}))
    assert response.status_code == 302
    nudge.refresh_from_db()
    assert nudge.dismissed_at is not None
    assert "Keep going" not in client.get(reverse("progress:dashboard")).text
    # The mentor's log keeps it, marked read.
    client.force_login(mentor)
    page = client.get(reverse("cohorts:learner", kwargs={"pk": cohort.pk, "user_id": learner.pk})).text
    assert "Keep going, Lena Learner!" in page and "; read" in page


def test_old_messages_leave_the_dashboard_after_30_days(client, mentor, cohort, learner, roadmap):
    Nudge.objects.create(
        cohort=cohort, cohort_name=cohort.name, sender=mentor, learner=learner, message="Old one", batch="b"
    )
    Nudge.objects.update(created_at=timezone.now() - timedelta(days=31))
    client.force_login(learner)
    assert "Old one" not in client.get(reverse("progress:dashboard")).text


def test_a_learner_dismisses_only_their_own(client, mentor, cohort, learner, outsider):
    nudge = Nudge.objects.create(
        cohort=cohort, cohort_name="x", sender=mentor, learner=learner, message="m", batch="b"
    )
    url = reverse("cohorts:message_dismiss", kwargs={"pk": nudge.pk})
    assert client.post(url).url.startswith(reverse("account_login"))
    client.force_login(outsider)
    assert client.post(reverse("cohorts:message_dismiss", kwargs={"pk": nudge.pk})).status_code == 404
    assert client.get(reverse("cohorts:message_dismiss", kwargs={"pk": nudge.pk})).status_code == 405
    nudge.refresh_from_db()
    assert nudge.dismissed_at is None


def test_a_learner_turns_nudges_off_in_their_profile(client, learner):
    client.force_login(learner)
    page = client.get(reverse("accounts:profile")).text
    assert "Let my mentors nudge me" in page
    client.post(
        reverse("accounts:profile"),
        {"display_name": "Lena", "time_zone": "UTC", "email_cohort_updates": "on"},
    )
    learner.refresh_from_db()
    assert learner.accept_nudges is False and learner.email_cohort_updates is True


def test_the_learners_data_download_holds_their_nudges(client, mentor, cohort, learner):
    Nudge.objects.create(
        cohort=cohort, cohort_name=cohort.name, sender=mentor, learner=learner, message="Hi Lena", batch="b"
    )
    client.force_login(learner)
    data = client.post(reverse("accounts:data_download")).json()
    assert data["accounts"]["profile"]["accept_nudges"] is True
    (nudge,) = data["progress"]["nudges"]
    assert (nudge["message"], nudge["from"], nudge["cohort"]) == ("Hi Lena", "Mina Mentor", "Spring cohort")


def test_superusers_read_the_nudge_log_in_the_admin_and_editors_do_not(
    client, superuser, editor, mentor, cohort, learner
):
    nudge = Nudge.objects.create(
        cohort=cohort, cohort_name=cohort.name, sender=mentor, learner=learner, message="Hi there", batch="b"
    )
    client.force_login(editor)
    assert client.get(reverse("admin:progress_nudge_changelist")).status_code == 403
    assert client.get(reverse("admin:progress_mentorsettings_changelist")).status_code == 403
    client.force_login(superuser)
    assert "Lena Learner" in client.get(reverse("admin:progress_nudge_changelist")).text
    change = client.get(reverse("admin:progress_nudge_change", args=[nudge.pk]))
    assert change.status_code == 200 and 'name="message"' not in change.text  # read-only
    assert client.get(reverse("admin:progress_nudge_add")).status_code == 403

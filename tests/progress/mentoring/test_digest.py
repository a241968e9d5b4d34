"""The weekly digest: what it says, that it skips mentors with nothing to act on and weeks already
sent, its one-click unsubscribe link, the task and the command the weekly schedule runs."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.mail.backends import locmem
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from progress.mentoring.digest import digest_send, unsubscribe_token
from progress.mentoring.models import Cohort, Membership, MentorSettings
from progress.mentoring.services import mentor_settings_update
from progress.mentoring.tasks import send_weekly_digests
from progress.models import Activity, LearningPlan, TopicProgress, TopicStatus
from progress.services import progress_set_status
from roadmap.models import Topic
from tests.progress.mentoring.helpers import done_project, make_mentor

pytestmark = pytest.mark.django_db


def _active_now(*users):
    """Everyone did something yesterday (the database logs at its own now; move it)."""
    topic = Topic.objects.leaves().order_by("id").last()
    for user in users:
        progress_set_status(user=user, topic=topic, status=TopicStatus.DONE)
    Activity.objects.filter(user__in=users).update(created_at=timezone.now() - timedelta(days=1))


@pytest.fixture
def calm(cohort, learner, roadmap):
    """A cohort with nothing to act on: one learner, active yesterday, joined long ago, no plan."""
    _active_now(learner)
    Membership.objects.filter(user=learner).update(joined_at=timezone.now() - timedelta(days=60))
    return cohort


@pytest.fixture
def busy(calm, learner, mentor, django_user_model):
    """The calm cohort, plus: a newcomer, a project waiting, one newly stuck, one quiet, one behind."""
    now = timezone.now()
    newbie = django_user_model.objects.create_user(email="newbie@example.com", display_name="Nell Newbie")
    stuck = django_user_model.objects.create_user(email="stuck@example.com", display_name="Stan Stuck")
    quiet = django_user_model.objects.create_user(email="quiet@example.com", display_name="Quinn Quiet")
    behind = django_user_model.objects.create_user(email="behind@example.com", display_name="Bea Behind")
    for user in (newbie, stuck, quiet, behind):
        Membership.objects.create(cohort=calm, user=user, joined_at=now - timedelta(days=60))
    Membership.objects.filter(user=newbie).update(joined_at=now - timedelta(days=2))
    _active_now(newbie, stuck, behind)
    done_project(learner)
    topic = Topic.objects.leaves().order_by("id").first()
    progress_set_status(user=stuck, topic=topic, status=TopicStatus.IN_PROGRESS)
    TopicProgress.objects.filter(user=stuck, topic=topic).update(updated_at=now - timedelta(days=24))
    Activity.objects.filter(user=stuck).update(created_at=now - timedelta(days=1))
    django_user_model.objects.filter(pk=quiet.pk).update(date_joined=now - timedelta(days=90))
    LearningPlan.objects.create(user=behind, start_date=date.today() - timedelta(days=200))
    return calm


def test_it_tells_a_mentor_what_their_cohorts_need(busy, mentor, mailoutbox):
    assert digest_send() == {"sent": 1, "empty": 0, "failed": 0}
    (email,) = mailoutbox
    assert email.to == [mentor.email]
    assert email.subject == "Your cohorts this week: 1 to review, 1 newly stuck, 1 new · Waymark"
    body = email.body
    assert "Hello Mina Mentor," in body
    assert "Spring cohort (5 learners)" in body
    assert f"http://testserver{busy.get_absolute_url()}" in body
    assert "- New members: Nell Newbie\n" in body
    assert "- Projects waiting for your review (1): Lena Learner (1)\n" in body
    assert "- Newly stuck on a topic: Stan Stuck (3 weeks)\n" in body
    assert "- Inactive for 14 days or more: Quinn Quiet\n" in body
    assert "- Behind their plan: Bea Behind (" in body and "weeks behind)" in body
    assert "Nell" not in body.split("Projects waiting")[1]  # each list holds only its own learners


def test_it_sends_nothing_to_a_mentor_with_nothing_to_act_on(calm, mentor, mailoutbox, django_user_model):
    make_mentor(django_user_model)  # mentors no cohort at all
    assert digest_send() == {"sent": 0, "empty": 2, "failed": 0}
    assert mailoutbox == []
    assert not MentorSettings.objects.filter(digest_sent_at__isnull=False).exists()


def test_stuck_for_weeks_is_news_only_once(calm, learner, mentor, mailoutbox):
    """A learner already stuck at the last digest is not "newly" stuck in the next one."""
    topic = Topic.objects.leaves().order_by("id").first()
    progress_set_status(user=learner, topic=topic, status=TopicStatus.IN_PROGRESS)
    TopicProgress.objects.filter(user=learner).update(updated_at=timezone.now() - timedelta(days=40))
    _active_now(learner)
    mentor_settings_update(user=mentor, digest_sent_at=timezone.now() - timedelta(days=7))
    assert digest_send()["empty"] == 1
    assert mailoutbox == []


def test_it_sends_once_a_week_however_often_the_job_runs(busy, mentor, mailoutbox):
    now = timezone.now()
    digest_send(now=now)
    assert MentorSettings.objects.get(user=mentor).digest_sent_at == now
    assert digest_send(now=now + timedelta(days=1)) == {"sent": 0, "empty": 0, "failed": 0}
    assert len(mailoutbox) == 1
    assert digest_send(now=now + timedelta(days=7))["sent"] == 1  # next week: the waiting project still waits
    assert len(mailoutbox) == 2
    assert "New members" not in mailoutbox[1].body  # Nell is no longer new


def test_it_leaves_out_archived_cohorts_and_mentors_without_the_role(busy, mentor, mailoutbox):
    from accounts.roles import role_revoke

    busy.archive()
    assert digest_send()["sent"] == 0
    busy.restore()
    role_revoke(user=mentor, role="mentor")
    assert digest_send() == {"sent": 0, "empty": 0, "failed": 0}
    assert mailoutbox == []


def test_a_mentor_turns_the_digest_off_in_their_settings(client, busy, mentor, mailoutbox):
    client.force_login(mentor)
    page = client.get(reverse("cohorts:settings"))
    assert "Email me a weekly digest" in page.text
    response = client.post(reverse("cohorts:settings"), {"nudge_template": "Hi {name}"})
    assert response.status_code == 302
    assert MentorSettings.objects.get(user=mentor).weekly_digest is False
    assert digest_send()["sent"] == 0 and mailoutbox == []


def test_the_settings_refuse_control_characters(client, mentor):
    client.force_login(mentor)
    response = client.post(
        reverse("cohorts:settings"), {"weekly_digest": "on", "nudge_template": "Hi\x1b[2J"}
    )
    assert response.status_code == 200 and "control character" in response.text
    assert not MentorSettings.objects.exists()


def test_the_settings_are_for_mentors(client, learner):
    client.force_login(learner)
    assert client.get(reverse("cohorts:settings")).status_code == 403


# Unsubscribing, without signing in.


def test_the_digest_carries_a_one_click_unsubscribe_link(busy, mentor, mailoutbox):
    digest_send()
    (email,) = mailoutbox
    url = reverse("cohorts:digest_unsubscribe", kwargs={"token": unsubscribe_token(mentor)})
    assert f"Stop it with one click: http://testserver{url}" in email.body
    assert email.extra_headers["List-Unsubscribe"] == f"<http://testserver{url}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_unsubscribing_asks_first_then_stops_the_digest(client, busy, mentor, mailoutbox):
    url = reverse("cohorts:digest_unsubscribe", kwargs={"token": unsubscribe_token(mentor)})
    page = client.get(url)
    assert page.status_code == 200
    assert "Stop the weekly digest?" in page.text
    assert "no-store" in page["Cache-Control"]  # it names the mentor, signed in or not
    assert not MentorSettings.objects.filter(weekly_digest=False).exists()  # asking changes nothing
    done = client.post(url)
    assert "You will get no more weekly digests" in done.text
    assert MentorSettings.objects.get(user=mentor).weekly_digest is False
    assert digest_send()["sent"] == 0


def test_a_mail_programs_one_click_post_works_without_a_csrf_token(busy, mentor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    url = reverse("cohorts:digest_unsubscribe", kwargs={"token": unsubscribe_token(mentor)})
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert MentorSettings.objects.get(user=mentor).weekly_digest is False


@pytest.mark.parametrize("token", ["nope", "1:forged:signature", "MQ:1abc:xyz"])
def test_a_forged_or_broken_link_changes_nothing(client, mentor, token):
    url = reverse("cohorts:digest_unsubscribe", kwargs={"token": token})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not MentorSettings.objects.exists()


def test_a_token_names_one_mentor_only(mentor, django_user_model):
    other = make_mentor(django_user_model)
    assert unsubscribe_token(mentor) != unsubscribe_token(other)


# The task and the command the weekly schedule runs.


def test_the_digest_is_a_weekly_job():
    from jobs.schedule import registered

    job = registered()["weekly-digest"]
    assert job.every == timedelta(weeks=1)
    assert job.task.module_path == "progress.mentoring.tasks.send_weekly_digests"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_runs_the_digest_task(busy, mailoutbox):
    """Queued in the database and run by django-tasks-db's own worker, as the weekly job is."""
    from django.tasks import TaskResultStatus

    result = send_weekly_digests.enqueue()
    call_command(
        "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0, stdout=StringIO()
    )
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"sent": 1, "empty": 0, "failed": 0}
    assert len(mailoutbox) == 1


def test_the_command_sends_and_says_how_many(busy, mentor, mailoutbox, django_user_model):
    make_mentor(django_user_model)
    out = StringIO()
    call_command("send_digests", "--dry-run", stdout=out)
    assert out.getvalue() == "Would send 1 digest; 1 mentor had nothing to act on; 0 failed.\n"
    assert mailoutbox == [] and not MentorSettings.objects.filter(digest_sent_at__isnull=False).exists()
    out = StringIO()
    call_command("send_digests", stdout=out)
    assert out.getvalue() == "Sent 1 digest; 1 mentor had nothing to act on; 0 failed.\n"
    assert len(mailoutbox) == 1


def test_the_command_fails_loudly_when_a_digest_cannot_be_sent(busy, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.progress.mentoring.test_digest.BrokenBackend"}}
    with pytest.raises(CommandError, match="1 digest"):
        call_command("send_digests", stdout=StringIO())
    assert not MentorSettings.objects.filter(digest_sent_at__isnull=False).exists()


class BrokenBackend:
    """A mail server that refuses everything."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")

    def __getattr__(self, name):
        raise ConnectionRefusedError("no mail server")


class PickyBackend(locmem.EmailBackend):
    """A mail server that refuses one address and delivers the rest (to mail.outbox)."""

    def send_messages(self, messages):
        if any("refused" in address for message in messages for address in message.to):
            raise ConnectionRefusedError("recipient refused")
        return super().send_messages(messages)


def test_other_mentors_still_get_theirs_when_one_fails(busy, mentor, django_user_model, settings, mailoutbox):
    settings.MAILERS = {"default": {"BACKEND": "tests.progress.mentoring.test_digest.PickyBackend"}}
    second = make_mentor(django_user_model, email="second@example.com")
    other = Cohort.objects.create(name="Other", owner=second)
    other.mentors.add(second)
    Membership.objects.create(cohort=other, user=django_user_model.objects.get(email="quiet@example.com"))
    mentor.email = "refused@example.com"
    mentor.save(update_fields=["email"])
    assert digest_send() == {"sent": 1, "empty": 0, "failed": 1}
    assert [email.to for email in mailoutbox] == [["second@example.com"]]
    assert list(
        MentorSettings.objects.filter(digest_sent_at__isnull=False).values_list("user", flat=True)
    ) == [second.pk]

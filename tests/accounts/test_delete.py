import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

URL = reverse("accounts:delete")


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("person", ["learner", "mentor", "editor", "superuser"])
def test_it_asks_everyone_for_their_password_first(client, request, person):
    client.force_login(request.getfixturevalue(person))

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_password">Your password</label>' in html
    assert "cannot be undone" in html


def test_it_deletes_the_account_and_everything_about_the_person(client, mentor, learner, password):
    # The `mentor` fixture puts `learner` in the mentor's cohort.
    EmailAddress.objects.create(user=learner, email=learner.email, verified=True, primary=True)
    assert learner.cohort_memberships.exists()
    other_device = Client()
    other_device.force_login(learner)
    client.force_login(learner)

    response = client.post(URL, {"password": password}, follow=True)

    assert not User.objects.filter(pk=learner.pk).exists()
    assert not EmailAddress.objects.filter(email=learner.email).exists()
    assert not learner.cohort_memberships.exists()
    assert "Your account and everything stored about you have been deleted." in response.content.decode()
    assert SESSION_KEY not in client.session
    assert other_device.get(reverse("accounts:profile")).status_code == 302
    # Nobody else is touched.
    assert User.objects.filter(pk=mentor.pk).exists()


def test_it_deletes_the_persons_progress_too(client, learner, password, roadmap):
    from progress.models import TopicNote, TopicProgress
    from roadmap.models import Topic

    topic = Topic.objects.filter(children__isnull=True).first()
    TopicProgress.objects.create(user=learner, topic=topic, status="done", updated_at="2026-01-01T00:00Z")
    TopicNote.objects.create(user=learner, topic=topic, text="mine", updated_at="2026-01-01T00:00Z")
    client.force_login(learner)

    client.post(URL, {"password": password})

    assert not TopicProgress.objects.exists()
    assert not TopicNote.objects.exists()
    assert Topic.objects.filter(pk=topic.pk).exists()


def test_a_mentor_can_delete_their_account(client, mentor, cohort, password):
    client.force_login(mentor)

    client.post(URL, {"password": password})

    assert not User.objects.filter(pk=mentor.pk).exists()


@pytest.mark.parametrize("wrong", ["not my password", ""])
def test_it_deletes_nothing_when_the_password_is_wrong(client, learner, wrong):
    client.force_login(learner)

    response = client.post(URL, {"password": wrong})

    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert User.objects.filter(pk=learner.pk).exists()
    assert int(client.session[SESSION_KEY]) == learner.pk


def test_it_stops_password_guessing(client, learner):
    client.force_login(learner)

    statuses = [client.post(URL, {"password": f"guess {n}"}).status_code for n in range(11)]

    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    assert User.objects.filter(pk=learner.pk).exists()


def test_it_rejects_other_methods(client, learner):
    client.force_login(learner)

    assert client.put(URL).status_code == 405

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.accounts.conftest import links_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long and unusual passphrase 7"


def _signup(client, email="newcomer@example.com", password1=NEW_PASSWORD, password2=NEW_PASSWORD, **extra):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": password1, "password2": password2}, **extra
    )


def test_it_shows_the_signup_form_in_the_sites_layout(client):
    response = client.get(reverse("account_signup"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<nav aria-label="Main">' in html  # the site's base.html, not allauth's bare layout
    for name in ("email", "password1", "password2"):
        assert re.search(rf'<label for="id_{name}">', html), name
    # The password rules are a list: never inside a <p> or a <span>.
    assert not re.search(r"<(p|span)[^>]*>\s*<ul", html)
    assert re.search(r'<div class="helptext" id="id_password1_helptext">\s*<ul>', html)


def test_it_creates_an_account_and_asks_to_confirm_the_address_first(client, mailoutbox):
    response = _signup(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="newcomer@example.com")
    assert "_auth_user_id" not in client.session
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("newcomer@example.com", False, True)
    assert [message.to for message in mailoutbox] == [["newcomer@example.com"]]


def test_it_confirms_the_address_from_the_link_and_signs_the_newcomer_in(client, mailoutbox):
    _signup(client)
    (link,) = [link for link in links_in(mailoutbox[0]) if "/confirm-email/" in link]
    path = link.removeprefix("http://testserver")

    page = client.get(path)
    assert page.status_code == 200
    assert "newcomer@example.com" in page.content.decode()
    response = client.post(path)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="newcomer@example.com").verified
    assert int(client.session["_auth_user_id"]) == User.objects.get(email="newcomer@example.com").pk


def test_the_link_followed_in_another_browser_confirms_but_signs_nobody_in(client, mailoutbox):
    _signup(client)
    (link,) = [link for link in links_in(mailoutbox[0]) if "/confirm-email/" in link]
    other = Client()

    other.post(link.removeprefix("http://testserver"))

    assert EmailAddress.objects.get(email="newcomer@example.com").verified
    assert "_auth_user_id" not in other.session


def test_it_says_when_a_confirmation_link_is_not_valid(client):
    response = client.get(reverse("account_confirm_email", args=["not-a-real-key"]))

    assert response.status_code == 200
    assert "has expired, has been used already, or is not valid" in response.content.decode()


def test_it_lets_unverified_people_use_the_site_with_a_gentle_prompt(client, settings, mailoutbox):
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    _signup(client)

    response = client.get(reverse("progress:overview"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="verify-prompt"' in html
    assert "newcomer@example.com" in html


def test_it_resends_the_verification_email_from_the_prompt(client, learner, mailoutbox):
    client.force_login(learner)
    assert "Email me the link" in client.get(reverse("progress:overview")).content.decode()

    response = client.post(reverse("account_email"), {"email": learner.email, "action_send": ""})

    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [[learner.email]]
    assert any("/confirm-email/" in link for link in links_in(mailoutbox[0]))


def test_it_shows_no_prompt_once_the_address_is_confirmed(client, learner):
    EmailAddress.objects.create(user=learner, email=learner.email, verified=True, primary=True)
    client.force_login(learner)

    assert 'class="verify-prompt"' not in client.get(reverse("progress:overview")).content.decode()


def test_it_signs_a_newcomer_in_at_once_when_verification_is_optional(client, settings, mailoutbox):
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"

    response = _signup(client)

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert int(client.session["_auth_user_id"]) == User.objects.get(email="newcomer@example.com").pk
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("email", "field"),
    [("not-an-email", "email"), ("two@@example.com", "email"), ("", "email")],
)
def test_it_rejects_a_malformed_email(client, email, field):
    response = _signup(client, email=email)

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not User.objects.exists()


def test_it_answers_a_taken_address_exactly_as_a_new_one(client, learner, mailoutbox):
    new = _signup(client, email="newcomer@example.com")
    taken = _signup(Client(), email="LEARNER@Example.com")

    assert (taken.status_code, taken["Location"]) == (new.status_code, new["Location"])
    assert new["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    # The owner is told by email that someone tried; no second account is made.
    assert User.objects.filter(email__iexact=learner.email).count() == 1
    assert sorted(message.to[0] for message in mailoutbox) == [learner.email, "newcomer@example.com"]
    (exists,) = [message for message in mailoutbox if message.to == [learner.email]]
    assert "an account already uses this address" in exists.body


def test_it_rejects_mismatched_passwords(client):
    response = _signup(client, password2=NEW_PASSWORD + "!")

    assert response.status_code == 200
    assert "You must type the same password each time." in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("73918264051", "entirely numeric"),
        ("newcomer@example.com", "too similar"),
    ],
)
def test_it_rejects_a_weak_password(client, password, message):
    response = _signup(client, password1=password, password2=password)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()

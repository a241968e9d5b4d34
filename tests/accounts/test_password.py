import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import links_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a different and longer passphrase 9"


def _reset_link(client, mailoutbox, email) -> str:
    client.post(reverse("account_reset_password"), {"email": email})
    (message,) = mailoutbox
    (link,) = [link for link in links_in(message) if "/password/reset/key/" in link]
    return link.removeprefix("http://testserver")


def _set_new_password(client, link, password=NEW_PASSWORD):
    """Follow the emailed link (allauth moves the key into the session) and post the new password."""
    page = client.get(link, follow=True)
    form_path = page.redirect_chain[-1][0] if page.redirect_chain else link
    return page, client.post(form_path, {"password1": password, "password2": password})


def test_it_resets_a_forgotten_password_from_the_emailed_link(client, learner, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": learner.email})
    assert response.status_code == 302
    assert "Check your email" in client.get(response["Location"]).content.decode()

    mailoutbox.clear()
    link = _reset_link(client, mailoutbox, learner.email)
    page, response = _set_new_password(client, link)

    assert "Choose a new password" in page.content.decode()
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)
    assert (
        client.post(reverse("account_login"), {"login": learner.email, "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_it_refuses_a_weak_new_password_and_keeps_the_old_one(client, learner, password, mailoutbox):
    link = _reset_link(client, mailoutbox, learner.email)

    _page, response = _set_new_password(client, link, password="12345678")

    assert response.status_code == 200
    assert "too common" in response.content.decode()
    learner.refresh_from_db()
    assert learner.check_password(password)


def test_it_says_a_used_link_does_not_work_and_offers_a_new_one(client, learner, mailoutbox):
    link = _reset_link(client, mailoutbox, learner.email)
    _set_new_password(client, link)

    again = Client().get(link, follow=True)

    html = again.content.decode()
    assert "This reset link does not work" in html
    assert reverse("account_reset_password") in html


def test_it_says_a_tampered_link_does_not_work(client, learner, password, mailoutbox):
    link = _reset_link(client, mailoutbox, learner.email)
    tampered = link.rstrip("/")[:-4] + "zzzz/"
    assert tampered != link

    response = Client().get(tampered, follow=True)

    assert "This reset link does not work" in response.content.decode()
    learner.refresh_from_db()
    assert learner.check_password(password)


def test_it_does_not_reveal_whether_an_address_has_an_account(client, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    # The unknown address is told so by email, not on screen.
    assert [message.to for message in mailoutbox] == [["nobody@example.com"]]


def test_it_changes_the_password_and_ends_every_session(client, learner, password):
    other_device = Client()
    other_device.force_login(learner)
    client.force_login(learner)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)
    assert SESSION_KEY not in client.session
    # The other device's session no longer authenticates.
    assert other_device.get(reverse("accounts:profile")).status_code == 302


def test_it_refuses_a_wrong_current_password(client, learner, password):
    client.force_login(learner)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "Please type your current password." in response.content.decode()
    learner.refresh_from_db()
    assert learner.check_password(password)


def test_it_sends_anonymous_visitors_from_change_password_to_sign_in(client):
    response = client.get(reverse("account_change_password"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))

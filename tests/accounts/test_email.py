"""What the emails look like: both parts, the site's name, links from SITE_URL only."""

import pytest
from django.urls import reverse

from tests.accounts.conftest import html_part, links_in

pytestmark = pytest.mark.django_db

SITE = "https://waymark.example"
PASSWORD = "a long and unusual passphrase 7"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE
    # A host the site answers to but that is not SITE_URL's: what an attacker can send.
    settings.ALLOWED_HOSTS = ["*"]


def _signup(client, email="newcomer@example.com", **extra):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}, **extra
    )


def _assert_links_from_site_url(message, fragment):
    text_links = [link for link in links_in(message) if fragment in link]
    assert text_links, message.body
    assert all(link.startswith(SITE + "/") for link in text_links), text_links
    html = html_part(message)
    for link in text_links:
        assert f'href="{link}"' in html
    assert "evil.example" not in message.body
    assert "evil.example" not in html


def test_the_verification_email_has_text_and_html_parts_and_the_sites_name(client, mailoutbox):
    _signup(client)

    (message,) = mailoutbox
    assert "Waymark" in message.subject
    assert "Waymark" in message.body
    html = html_part(message)
    assert "<html" in html
    assert "Waymark" in html
    _assert_links_from_site_url(message, "/accounts/confirm-email/")


def test_the_verification_email_ignores_a_spoofed_host(client, mailoutbox):
    _signup(client, HTTP_HOST="evil.example")

    _assert_links_from_site_url(mailoutbox[0], "/accounts/confirm-email/")


def test_the_reset_email_has_both_parts_and_a_link_from_site_url_despite_a_spoofed_host(
    client, learner, mailoutbox
):
    client.post(reverse("account_reset_password"), {"email": learner.email}, HTTP_HOST="evil.example")

    (message,) = mailoutbox
    assert message.to == [learner.email]
    assert "Waymark" in message.subject
    _assert_links_from_site_url(message, "/accounts/password/reset/key/")


def test_the_unknown_account_email_links_to_sign_up_on_site_url(client, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.com"}, HTTP_HOST="evil.example")

    (message,) = mailoutbox
    _assert_links_from_site_url(message, "/accounts/signup/")


def test_the_account_exists_email_links_to_reset_on_site_url(client, learner, mailoutbox):
    # Signing up with a taken address answers like a success (nobody learns who
    # has an account) and tells the owner by email.
    _signup(client, email=learner.email, HTTP_HOST="evil.example")

    (message,) = mailoutbox
    assert message.to == [learner.email]
    _assert_links_from_site_url(message, "/accounts/password/reset/")

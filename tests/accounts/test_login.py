import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, resolve, reverse

from tests.accounts.conftest import confirm_address

pytestmark = pytest.mark.django_db


def _login(client, email, password, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password, **extra})


def _main_nav(response) -> str:
    html = response.content.decode()
    return re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S).group(1)


def _resolves(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def test_it_shows_the_sign_in_form_with_remember_me(client):
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_login">Email address</label>' in html
    assert '<label for="id_remember">Remember me on this device</label>' in html
    assert reverse("account_reset_password") in html


def test_it_signs_in_by_email_whatever_its_case(client, learner, password):
    confirm_address(learner)

    response = _login(client, "Learner@Example.COM", password)

    assert response.status_code == 302
    assert response["Location"] == resolve_url(settings.LOGIN_REDIRECT_URL)
    assert int(client.session["_auth_user_id"]) == learner.pk


def test_it_forgets_the_session_when_the_browser_closes_unless_remembered(client, learner, password):
    confirm_address(learner)
    _login(client, learner.email, password)
    assert client.session.get_expire_at_browser_close()

    client.logout()
    _login(client, learner.email, password, remember="on")
    assert int(client.session["_auth_user_id"]) == learner.pk
    assert not client.session.get_expire_at_browser_close()


def test_it_asks_to_confirm_an_unconfirmed_address_before_signing_in(client, learner, password, mailoutbox):
    response = _login(client, learner.email, password)

    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert [message.to for message in mailoutbox] == [[learner.email]]


def test_it_refuses_a_wrong_password(client, learner):
    response = _login(client, learner.email, "not the password")

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_refuses_an_inactive_account(client, learner, password):
    learner.is_active = False
    learner.save(update_fields=["is_active"])

    response = _login(client, learner.email, password)

    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)


def test_it_asks_before_signing_out_on_get(client, learner):
    client.force_login(learner)

    response = client.get(reverse("account_logout"))

    assert response.status_code == 200
    assert "Sign out?" in response.content.decode()
    assert int(client.session["_auth_user_id"]) == learner.pk


def test_it_signs_out_on_post(client, learner):
    client.force_login(learner)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_it_offers_anonymous_visitors_sign_in_and_sign_up(client):
    nav = _main_nav(client.get(reverse("progress:overview")))

    assert reverse("account_login") in nav
    assert reverse("account_signup") in nav
    assert reverse("admin:index") not in nav
    assert reverse("accounts:profile") not in nav


@pytest.mark.parametrize(
    ("person", "sees_admin", "sees_cohorts"),
    [
        ("learner", False, False),
        ("mentor", False, True),
        ("editor", True, False),
        ("superuser", True, False),
    ],
)
def test_it_shows_each_person_the_places_their_roles_reach(client, request, person, sees_admin, sees_cohorts):
    user = request.getfixturevalue(person)
    client.force_login(user)

    nav = _main_nav(client.get(reverse("progress:overview")))

    assert (reverse("admin:index") in nav) is sees_admin
    if _resolves("cohorts:mentor_home"):
        assert (reverse("cohorts:mentor_home") in nav) is sees_cohorts
    if _resolves("progress:dashboard"):
        assert reverse("progress:dashboard") in nav
    assert f'href="{reverse("accounts:profile")}"' in nav
    assert user.get_short_name() in nav
    assert "Sign out" in nav


@pytest.mark.parametrize("person", ["learner", "mentor", "editor", "superuser"])
def test_it_never_links_a_role_to_a_missing_page(client, request, person):
    client.force_login(request.getfixturevalue(person))
    nav = _main_nav(client.get(reverse("progress:overview")))

    # The roadmap's own pages are the roadmap's to test; these are the role links and the account.
    roadmap_pages = {"progress:overview", "progress:phase", "progress:projects"}
    hrefs = [
        href
        for href in re.findall(r'href="([^"]+)"', nav)
        if resolve(href).namespace != "roadmap" and resolve(href).view_name not in roadmap_pages
    ]
    assert reverse("accounts:profile") in hrefs
    for href in hrefs:
        assert client.get(href).status_code in (200, 302), href


def test_a_mentor_lands_on_their_cohorts_after_signing_in(client, mentor, password):
    confirm_address(mentor)
    response = _login(client, mentor.email, password)
    assert response.status_code == 302
    assert response["Location"] == reverse("cohorts:mentor_home")


def test_a_learner_lands_on_their_dashboard_and_next_wins_over_both(client, learner, mentor, password):
    confirm_address(learner)
    assert _login(client, learner.email, password)["Location"] == reverse("progress:dashboard")
    client.logout()
    confirm_address(mentor)
    response = client.post(
        reverse("account_login") + "?next=/phases/prerequisites/",
        {"login": mentor.email, "password": password},
    )
    assert response["Location"] == "/phases/prerequisites/"

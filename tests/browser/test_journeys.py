"""Whole journeys through the site in a real browser, the way people take them.

Each journey for a feature that is still being built skips, naming what it
waits for, until that feature's URL exists; then it runs without changes here.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from roadmap.models import Phase
from tests.browser.conftest import screenshot, url_exists

pytestmark = pytest.mark.browser

EMAIL_LINK = re.compile(r"https?://[^\s\"'<>]+/accounts/confirm-email/[^\s\"'<>]+")
DASHBOARD = "progress:dashboard"


def _first_phase():
    return Phase.objects.order_by("number").first()


def test_it_takes_a_newcomer_from_the_roadmap_to_their_dashboard(site, page, mailoutbox):
    phase = _first_phase()

    page.goto(site.url + reverse("roadmap:overview"))
    expect(page.get_by_role("heading", level=1)).to_have_text(phase.roadmap.title)
    screenshot(page, "overview")

    page.get_by_role("link", name=phase.title, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(phase.title)
    screenshot(page, "phase")

    page.get_by_role("banner").get_by_role("link", name=re.compile("sign up", re.I)).click()
    expect(page).to_have_url(site.url + reverse("account_signup"))
    screenshot(page, "signup")
    page.locator("input[name=email]").fill("newcomer@example.com")
    page.locator("input[name=password1]").fill("a long and unusual passphrase 7")
    page.locator("input[name=password2]").fill("a long and unusual passphrase 7")
    page.locator("form:has(input[name=password1]) [type=submit]").click()
    expect(page.get_by_role("button", name=re.compile("sign out", re.I))).to_be_visible()

    assert len(mailoutbox) == 1, [message.subject for message in mailoutbox]
    (link,) = set(EMAIL_LINK.findall(mailoutbox[0].body))
    assert link.startswith(site.url), link
    page.goto(link)
    screenshot(page, "confirm-email")
    page.get_by_role("main").get_by_role("button", name=re.compile("confirm", re.I)).click()

    if url_exists(DASHBOARD):
        expect(page).to_have_url(site.url + reverse(DASHBOARD))
        screenshot(page, "dashboard-new")
    from accounts.models import User

    assert User.objects.get(email="newcomer@example.com").emailaddress_set.get().verified

"""Real-browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Every browser context these fixtures make is guarded: a request for anything
outside 127.0.0.1/localhost is aborted and fails the test, and so does a
console error (a script or style the CSP refused, a missing file) or an
uncaught script error. Screenshots go to test-artifacts/ (git-ignored).
"""

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse

from accounts.roles import Role, role_grant
from tests.conftest import FIXTURE, PASSWORD, ROOT

ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def url_exists(name: str, *args, **kwargs) -> bool:
    """Whether the URL name is wired up yet: journeys for features still being built skip until it is."""
    try:
        reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return False
    return True


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright cannot download its own Chromium here; Debian's is started
    # without a sandbox (tests run as root) and without its calls home.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-GB", "timezone_id": "UTC"}


class Guard:
    """What a browser context did that a test must fail on."""

    def __init__(self):
        self.foreign_requests: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []

    def route(self, route):
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.foreign_requests.append(f"{route.request.method} {url}")
            route.abort("blockedbyclient")

    def console(self, message):
        if message.type == "error":
            self.console_errors.append(f"{message.text} (at {message.location.get('url', '?')})")

    def web_error(self, error):
        self.page_errors.append(str(error.error))

    def problems(self) -> list[str]:
        return (
            [f"request left this machine: {url}" for url in self.foreign_requests]
            + [f"console error: {text}" for text in self.console_errors]
            + [f"script error: {text}" for text in self.page_errors]
        )


@pytest.fixture
def browser_guard() -> Iterator[Guard]:
    guard = Guard()
    yield guard
    problems = guard.problems()
    assert not problems, "The browser saw:\n  " + "\n  ".join(problems)


@pytest.fixture
def new_context(new_context, browser_guard):
    """pytest-playwright's context factory, with every context guarded (`context` and `page` use it too)."""

    def guarded_context(**kwargs):
        context = new_context(**kwargs)
        context.route("**/*", browser_guard.route)
        context.on("console", browser_guard.console)
        context.on("weberror", browser_guard.web_error)
        return context

    return guarded_context


@pytest.fixture
def site(live_server, django_db_serialized_rollback, settings):
    """The live server with the seed roadmap loaded, for one test.

    Serialized rollback brings back what the data migrations made (the Editors
    and Mentors groups) after the previous browser test flushed the database.
    Links in emails point at this server, so a journey can follow them.
    """
    if not FIXTURE.exists():
        pytest.skip("fixtures/roadmap.json is not generated yet")
    call_command("loaddata", str(FIXTURE), verbosity=0)
    settings.SITE_URL = live_server.url
    return live_server


@pytest.fixture
def mentor(django_user_model):
    user = django_user_model.objects.create_user(
        email="mentor@example.com", password=PASSWORD, display_name="Maya Mentor"
    )
    role_grant(user=user, role=Role.MENTOR)
    return user


def sign_in(context, site, user) -> None:
    """Give the browser a signed-in session for `user` without going through the form.

    Journeys that are about signing in use the form; the others start signed in.
    """
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": site.url}])


def screenshot(page, name: str) -> None:
    """Save the page as a phone (390 px) and a desktop (1280 px) would show it, whole."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size or DESKTOP
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(original)


def artifact_path(*parts: str) -> Path:
    path = ARTIFACTS.joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path

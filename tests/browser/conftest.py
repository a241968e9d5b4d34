"""Real-browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Every browser context these fixtures make is guarded: a request for anything
outside 127.0.0.1/localhost is aborted and fails the test, and so does a
console error (a script or style the CSP refused, a missing file) or an
uncaught script error. Screenshots go to test-artifacts/ (git-ignored).
"""

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse

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
        self.error_pages: set[str] = set()
        self.expected_console_errors: list[str] = []
        self.reported = 0  # problems already failed the test

    def expect_error_status(self, url: str) -> None:
        """Opening `url` answers 404 (or another error) on purpose: Chromium's console note is no problem."""
        self.error_pages.add(url)

    def expect_console_error(self, text: str) -> None:
        """A console error containing `text` is what the test provokes on purpose (htmx logs failed requests)."""
        self.expected_console_errors.append(text)

    def route(self, route):
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.foreign_requests.append(f"{route.request.method} {url}")
            route.abort("blockedbyclient")

    def console(self, message):
        expected = (
            message.location.get("url") in self.error_pages
            and message.text.startswith("Failed to load resource: the server responded with a status of")
        ) or any(text in message.text for text in self.expected_console_errors)
        if message.type == "error" and not expected:
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
    # Anything the browser did after the test's own body (pytest_runtest_call
    # below fails the test itself for what happened during it).
    problems = guard.problems()[guard.reported :]
    assert not problems, "The browser saw:\n  " + "\n  ".join(problems)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail the test itself, not its teardown, when its browser left localhost or logged an error."""
    result = yield
    guard = getattr(item, "funcargs", {}).get("browser_guard")
    if guard is not None and guard.problems():
        guard.reported = len(guard.problems())
        raise AssertionError("The browser saw:\n  " + "\n  ".join(guard.problems()))
    return result


# Chromium logs a refused style or script, but not always what it was: say which directive and
# which attribute or element, so a failure names its source (the page's own scripts run too).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const where = event.target && event.target.id ? `#${event.target.id}` : (event.target && event.target.tagName) || "";
  console.error(`CSP refused ${event.effectiveDirective} on ${where}: ${event.sample || event.blockedURI}`);
});
"""


@pytest.fixture
def new_context(new_context, browser_guard):
    """pytest-playwright's context factory, with every context guarded (`context` and `page` use it too)."""

    def guarded_context(**kwargs):
        context = new_context(**kwargs)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.route("**/*", browser_guard.route)
        context.on("console", browser_guard.console)
        context.on("weberror", browser_guard.web_error)
        return context

    return guarded_context


@pytest.fixture(scope="session")
def migrated_rows(django_db_setup, django_db_blocker) -> str:
    """The rows the migrations made (the Editors and Mentors groups, permissions), serialized."""
    connection = connections[DEFAULT_DB_ALIAS]
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is None:
        with django_db_blocker.unblock():
            contents = connection.creation.serialize_db_to_string()
    return contents


@pytest.fixture
def site(live_server, django_db_serialized_rollback, migrated_rows, settings):
    """The live server with the seed roadmap loaded, for one test.

    Serialized rollback brings back what the data migrations made after the
    previous browser test flushed the database. Links in emails point at this
    server, so a journey can follow them.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if not hasattr(connection, "_test_serialized_contents"):
        # Under Playwright the test runs in another context than the session's
        # set-up, with its own connection object, on which pytest-django finds
        # nothing to roll back to: give it the rows, and restore them this once.
        connection._test_serialized_contents = migrated_rows
        if not Group.objects.exists():
            connection.creation.deserialize_db_from_string(migrated_rows)
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
    # From the top: scrolled to an #anchor, sticky parts would be drawn where the view was.
    page.keyboard.press("Home")
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(original)


def artifact_path(*parts: str) -> Path:
    path = ARTIFACTS.joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


# Pages: every page a person can reach, found from the URL names that exist,
# so pages join the accessibility and HTML checks as they land.

# Reached with arguments made from the data by `_arguments`.
ADMIN_PAGES = [
    ("admin:index", {}),
    ("admin:roadmap_phase_changelist", {}),
    ("admin:roadmap_resource_changelist", {}),
    ("admin:roadmap_resource_change", {"object_id": "resource"}),
    ("admin:roadmap_topic_change", {"object_id": "topic"}),
    ("admin:roadmap_topic_history", {"object_id": "topic"}),
    ("admin:roadmap_projectidea_change", {"object_id": "project"}),
    ("admin:roadmap_resource_add", {}),
    ("admin:roadmap_linkneedingattention_changelist", {}),
    ("admin:progress_reportedresource_changelist", {}),
    ("admin:progress_reportedresource_change", {"object_id": "reported"}),
]
# Not pages: a probe, downloads, and the 404 page's own test below.
NOT_PAGES = {"healthz"}


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # what is opened
    status: int = 200
    shown_at: str = ""  # where it ends up, when that page redirects

    def __str__(self):
        where = f" -> {self.shown_at}" if self.shown_at and self.shown_at != self.path else ""
        return f"{self.path}{where} ({self.name})"


def _named_patterns(patterns=None, namespace="", params=frozenset()):
    """(name, names of its URL arguments) for every named URL pattern of the site."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        here = params | _params(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_patterns(pattern.url_patterns, inner, here)
        elif pattern.name:
            yield f"{namespace}{pattern.name}", here


def _params(route_pattern) -> frozenset[str]:
    # path() and re_path() patterns both compile to a regex with named groups.
    return frozenset(route_pattern.regex.groupindex)


def _arguments(name: str, params: frozenset[str], people: dict) -> list[dict]:
    """The URL arguments that reach real pages for `name`, made from the data; [] when unknown."""
    from roadmap.models import Phase, Topic

    namespace = name.partition(":")[0] if ":" in name else ""
    if name == "progress:phase":
        return [{"slug": slug} for slug in Phase.objects.order_by("number").values_list("slug", flat=True)]
    if name == "account_confirm_email" and people.get("learner"):
        from allauth.account.models import EmailAddress, EmailConfirmationHMAC

        address, _ = EmailAddress.objects.get_or_create(
            user=people["learner"], email=people["learner"].email, defaults={"primary": True}
        )
        return [{"key": EmailConfirmationHMAC(address).key}]
    if name == "account_reset_password_from_key" and people.get("learner"):
        from allauth.account.forms import default_token_generator
        from allauth.account.utils import user_pk_to_url_str

        user = people["learner"]
        return [{"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)}]
    if name.startswith("progress:topic") and params == {"pk"}:
        leaf = Topic.objects.filter(children=None).order_by(
            "section__phase__number", "section__order", "order"
        )
        return [{"pk": leaf.values_list("pk", flat=True).first()}]
    if name == "progress:path":
        return [
            {"slug": Phase.objects.order_by("-is_elective", "number").values_list("slug", flat=True).first()}
        ]
    if name == "progress:project_progress" and people.get("project"):
        return [{"pk": people["project"].pk}]
    if name == "cohorts:mentor_invite" and people.get("cohort"):
        return [{"token": people["cohort"].mentor_invite_token}]
    if name == "cohorts:digest_unsubscribe" and people.get("mentor"):
        from progress.mentoring.digest import unsubscribe_token

        return [{"token": unsubscribe_token(people["mentor"])}]
    if name == "progress:shared" and people.get("share_token"):
        return [{"token": people["share_token"]}]
    if namespace == "cohorts" and people.get("cohort"):
        cohort = people["cohort"]
        values = {
            "pk": cohort.pk,
            "cohort_pk": cohort.pk,
            "cohort_id": cohort.pk,
            "token": cohort.invite_token,
            "user_pk": people["learner"].pk,
            "learner_pk": people["learner"].pk,
            "user_id": people["learner"].pk,
            "learner_id": people["learner"].pk,
            "project_id": people["project"].pk if people.get("project") else None,
        }
        if params <= set(values):
            return [{param: values[param] for param in params}]
    return []


def _admin_pages() -> list[Page]:
    from progress.models import LinkReport
    from roadmap.models import ProjectIdea, Resource, Topic

    reported = LinkReport.objects.open().order_by("pk").first()
    objects = {
        "resource": Resource.objects.order_by("pk").first(),
        "topic": Topic.objects.exclude(parent=None).order_by("pk").first(),
        "project": ProjectIdea.objects.order_by("pk").first(),
        "reported": reported.resource if reported else None,
    }
    pages = []
    for name, kwargs in ADMIN_PAGES:
        if any(objects[value] is None for value in kwargs.values()):
            continue
        kwargs = {key: objects[value].pk for key, value in kwargs.items()}
        try:
            pages.append(Page(name, reverse(name, kwargs=kwargs or None)))
        except NoReverseMatch:
            continue  # that model is not in the admin (yet)
    return pages


# Pages checked with a query that fills them (search results rather than an empty search).
QUERIES = {"roadmap:search": "?q=learning"}


def candidate_pages(people: dict, *, admin: bool) -> list[Page]:
    """Every page path the site can name, with the data to fill in its arguments."""
    pages = []
    for name, params in _named_patterns():
        if name in NOT_PAGES or name.startswith("admin:"):
            continue
        if not params:
            pages.append(Page(name, reverse(name) + QUERIES.get(name, "")))
        else:
            pages += [Page(name, reverse(name, kwargs=kwargs)) for kwargs in _arguments(name, params, people)]
    # The nudge page with a learner ticked, as the cohort table opens it.
    if people.get("learner"):
        ticked = f"?learner={people['learner'].pk}"
        pages = [
            Page(page.name, page.path + ticked) if page.name == "cohorts:nudge" else page for page in pages
        ]
    if admin:
        pages += _admin_pages()
    pages.append(Page("404", "/this-page-does-not-exist/", status=404))
    # A form's address opened as a page: the site's 405 page.
    if url_exists("progress:topic_status", pk=1):
        pages.append(Page("405", reverse("progress:topic_status", kwargs={"pk": 1}), status=405))
    return pages


def reachable_pages(user, people: dict, *, admin: bool = False) -> list[tuple[Page, str]]:
    """The pages `user` (None: signed out) can open, with their HTML as the server sends it.

    A page that redirects counts once, where it ends up (under its own name
    when it can be opened directly); a download, a fragment (no doctype) or a
    refusal is not a page for them.
    """
    client = Client()
    if user is not None:
        client.force_login(user)
    reached: dict[str, tuple[Page, str]] = {}
    for page in candidate_pages(people, admin=admin):
        response = client.get(page.path, follow=True)
        final = response.request["PATH_INFO"] + (
            f"?{response.request['QUERY_STRING']}" if "?" in page.path else ""
        )
        html = response.content.decode()
        if (
            response.status_code != page.status
            or not response.get("Content-Type", "").startswith("text/html")
            or not html.lstrip()[:15].lower().startswith("<!doctype html")
        ):
            continue
        if final not in reached or final == page.path:
            reached[final] = (Page(page.name, page.path, page.status, shown_at=final), html)
    return list(reached.values())


@pytest.fixture
def people(learner, editor, mentor) -> dict:
    """Everyone whose pages are checked, and enough of their doings to fill those pages.

    A learner with topics in every status, a note and a finished project; an
    editor; a mentor of a cohort the learner is in. Request it after the
    content is loaded (`site` or `roadmap`), so there are topics to be on.
    """
    from progress.models import ProjectStatus, TopicStatus
    from progress.services import note_save, progress_set_status, project_update
    from roadmap.models import ProjectIdea, Topic

    leaves = Topic.objects.filter(children=None).order_by("section__phase__number", "section__order", "order")
    statuses = [TopicStatus.DONE, TopicStatus.DONE, TopicStatus.IN_PROGRESS, TopicStatus.SKIPPED]
    for topic, status in zip(leaves[:4], statuses, strict=False):
        progress_set_status(user=learner, topic=topic, status=status)
    if leaves:
        note_save(user=learner, topic=leaves[0], text="Revisit list comprehensions.")
    project = ProjectIdea.objects.order_by("pk").first()
    if project is not None:
        project_update(
            user=learner,
            project=project,
            status=ProjectStatus.DONE,
            evidence_url="https://example.org/my-first-project",
            reflection="Smaller than I planned, and better for it.",
        )
    _curated(learner)
    from datetime import timedelta

    from django.utils import timezone

    from progress.models import LearnerLink, LearningPlan
    from progress.services import learner_link_create

    # A plan, a shared progress page and a calendar feed: their pages show what they are.
    LearningPlan.objects.create(user=learner, start_date=timezone.localdate() - timedelta(weeks=6))
    share = learner_link_create(user=learner, kind=LearnerLink.Kind.SHARE)
    learner_link_create(user=learner, kind=LearnerLink.Kind.CALENDAR)
    people = {
        "anonymous": None,
        "learner": learner,
        "editor": editor,
        "mentor": mentor,
        "project": project,
        "share_token": share.token,
    }
    from progress.mentoring.services import cohort_create, membership_join, nudge_send

    cohort = cohort_create(mentor=mentor, name="Spring cohort")
    membership_join(cohort=cohort, user=learner)
    # A nudge on the learner's dashboard, and a cohort of last year in the mentor's archive.
    nudge_send(
        sender=mentor,
        cohort=cohort,
        learners=[learner],
        template="Hi {name}, how is it going?",
        batch="people-0123456789",
    )
    last_year = cohort_create(mentor=mentor, name="Last year's cohort")
    membership_join(cohort=last_year, user=learner)
    last_year.archive()
    return {**people, "cohort": cohort}


def _curated(learner) -> None:
    """What editors and learners add (issue 11), so the pages that show it are checked with it:
    a described topic with its own resource, labels, a project brief, a link check, a learner's report."""
    from django.utils import timezone

    from progress.services import link_report_send
    from roadmap.models import LinkCheck, ProjectIdea, Resource, Topic

    topic = (
        Topic.objects.filter(children=None)
        .order_by("section__phase__number", "section__order", "order")
        .first()
    )
    if topic is None:
        return
    topic.description = (
        "What it is, **why** it matters, and [where to read more](https://docs.python.org/3/)."
    )
    topic.save()
    own = Resource.objects.create(
        section=topic.section,
        topic=topic,
        key=f"{topic.key}/resources/checked",
        kind="docs",
        title="A topic's own resource",
        url="https://docs.python.org/3/",
        cost="free",
        level="beginner",
        hours=2,
        language="fr",
    )
    Resource.objects.filter(pk=Resource.objects.exclude(pk=own.pk).order_by("pk").values("pk")[:1]).update(
        cost="paid"
    )
    project = ProjectIdea.objects.order_by("pk").first()
    project.brief, project.skills, project.done_when = (
        "Build it **small**.",
        "pandas, SQL",
        "A notebook\nA chart",
    )
    project.save()
    LinkCheck.objects.create(
        resource=own, url=own.url, status="broken", http_code=404, checked_at=timezone.now(), failures=2
    )
    link_report_send(user=learner, resource_id=own.pk, reason="paywalled", comment="Asks for a card")

"""Whole journeys through the site in a real browser, the way people take them.

Each journey for a feature that is still being built skips, naming what it
waits for, until that feature's URL exists; then it runs without changes here.
"""

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from roadmap.models import Phase, Resource, Topic
from tests.browser.conftest import artifact_path, screenshot, sign_in, url_exists
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

EMAIL_LINK = re.compile(r"https?://[^\s\"'<>]+/accounts/confirm-email/[^\s\"'<>]+")
DASHBOARD = "progress:dashboard"
TOPIC_STATUS = "progress:topic_status"
COHORT = "cohorts:detail"


def _first_phase():
    return Phase.objects.order_by("number").first()


def _first_two_leaves(phase):
    """Two topics with no subtopics, first on the phase page, and their section."""
    section = phase.sections.order_by("order").first()
    root = Topic.objects.filter(section=section, parent=None).order_by("order").first()
    leaves = list(root.children.filter(children=None).order_by("order")[:2])
    assert len(leaves) == 2, "the seed's first tree should start with two plain topics"
    return section, leaves


def _tab_to(page, target, limit=400):
    """Press Tab until `target` has the focus, as a keyboard user would, or fail."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{target} never got the focus after {limit} presses of Tab")


def test_it_takes_a_newcomer_from_the_roadmap_to_their_dashboard(site, page, mailoutbox):
    phase = _first_phase()

    page.goto(site.url + reverse("progress:overview"))
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
    # Nobody is signed in before confirming the address (so sign-up cannot tell who has an account).
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    screenshot(page, "verification-sent")

    assert len(mailoutbox) == 1, [message.subject for message in mailoutbox]
    (link,) = set(EMAIL_LINK.findall(mailoutbox[0].body))
    assert link.startswith(site.url), link
    page.goto(link)
    screenshot(page, "confirm-email")
    page.get_by_role("main").get_by_role("button", name=re.compile("confirm", re.I)).click()
    expect(page.get_by_role("button", name=re.compile("sign out", re.I))).to_be_visible()

    if url_exists(DASHBOARD):
        expect(page).to_have_url(site.url + reverse(DASHBOARD))
        screenshot(page, "dashboard-new")
    assert User.objects.get(email="newcomer@example.com").emailaddress_set.get().verified


def test_it_lets_a_learner_mark_topics_and_keep_a_note_with_the_keyboard_alone(site, page, learner):
    if not url_exists(TOPIC_STATUS, pk=1):
        pytest.skip("the phase page's status buttons are not built yet")
    phase = _first_phase()
    section, (first, second) = _first_two_leaves(phase)
    sign_in(page.context, site, learner)
    page.goto(site.url + phase.get_absolute_url())
    section_figure = page.locator(f"#section-{section.pk}-progress")
    phase_figure = page.locator("#phase-progress")
    expect(section_figure).to_contain_text(re.compile(r"\b0 of \d+ completed"))
    page.evaluate("window.sameDocument = true")  # gone if the page reloads

    done = page.get_by_role("button", name=f"Mark {first.title} as done")
    _tab_to(page, done)
    page.keyboard.press("Enter")
    expect(done).to_have_attribute("aria-pressed", "true")
    expect(section_figure).to_contain_text(re.compile(r"\b1 of \d+ completed"))
    expect(phase_figure).to_contain_text("1 done, 0 skipped")
    # The swapped-in control keeps the focus, so the keyboard user is where they were.
    expect(done).to_be_focused()

    skip = page.get_by_role("button", name=f"Mark {second.title} as skipped")
    _tab_to(page, skip)
    page.keyboard.press("Space")
    expect(skip).to_have_attribute("aria-pressed", "true")
    expect(section_figure).to_contain_text(re.compile(r"\b2 of \d+ completed"))
    expect(phase_figure).to_contain_text("1 done, 1 skipped")

    # A private note, also by keyboard: open the disclosure, type, save.
    note = page.locator(f"#topic-{first.pk}-note")
    _tab_to(page, note.locator("summary"))
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(note.get_by_role("textbox")).to_be_focused()
    page.keyboard.type("Revisit generators.")
    # A learner may make the box taller (Chromium keeps that size in its style attribute): saving
    # must not copy it onto the new box, which the CSP refuses ("Applying inline style violates").
    note.get_by_role("textbox").evaluate("box => { box.style.height = '9rem' }")
    _tab_to(page, note.get_by_role("button", name=re.compile("save note", re.I)))
    page.keyboard.press("Enter")
    expect(note).to_contain_text("Saved")
    assert page.evaluate("window.sameDocument === true"), "the page reloaded"
    section_text, phase_text = section_figure.inner_text(), phase_figure.inner_text()
    screenshot(page, "phase-marked")

    page.reload()
    expect(section_figure).to_have_text(section_text)
    expect(phase_figure).to_have_text(phase_text)
    expect(page.get_by_role("button", name=f"Mark {first.title} as done")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator(f"#topic-{first.pk}-note-text")).to_have_value("Revisit generators.")


def _unavailable_response(learner, url) -> dict:
    """What the server answers `url` while its database is down (tests/config/test_database_outage.py)."""
    from django.db import OperationalError, connection
    from django.test import Client

    def database_down(execute, sql, params, many, context):
        raise OperationalError("the database system is shutting down")

    client = Client(raise_request_exception=False)
    client.force_login(learner)
    with connection.execute_wrapper(database_down):
        response = client.post(url, {"status": "done"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 503
    return {"status": 503, "headers": dict(response.headers), "body": response.content}


def test_it_says_not_saved_in_place_and_keeps_the_old_state_when_a_change_fails(
    site, page, learner, browser_guard
):
    if not url_exists(TOPIC_STATUS, pk=1):
        pytest.skip("the phase page's status buttons are not built yet")
    phase = _first_phase()
    _section, (first, _second) = _first_two_leaves(phase)
    status_url = site.url + reverse(TOPIC_STATUS, kwargs={"pk": first.pk})
    unavailable = _unavailable_response(learner, reverse(TOPIC_STATUS, kwargs={"pk": first.pk}))
    # Chromium and htmx both log the failed requests this test provokes.
    browser_guard.expect_error_status(status_url)
    browser_guard.expect_console_error("Response Status Error Code 503")
    browser_guard.expect_console_error("htmx:sendError")
    browser_guard.expect_console_error("htmx:afterRequest")
    browser_guard.expect_console_error("net::ERR_")
    sign_in(page.context, site, learner)
    page.goto(site.url + phase.get_absolute_url())
    row = page.locator(f"#topic-{first.pk}-row")
    done = page.get_by_role("button", name=f"Mark {first.title} as done")
    not_started = page.get_by_role("button", name=f"Mark {first.title} as not started")
    expect(not_started).to_have_attribute("aria-pressed", "true")

    # The database restarts: the server answers 503.
    page.route(status_url, lambda route: route.fulfill(**unavailable))
    done.click()
    alert = row.get_by_role("alert")
    expect(alert).to_have_text("Not saved, try again.")
    expect(done).to_have_attribute("aria-pressed", "false")
    expect(not_started).to_have_attribute("aria-pressed", "true")
    screenshot(page, "phase-not-saved")

    # No answer at all (the connection dropped): the same, said once.
    page.unroute(status_url)
    page.route(status_url, lambda route: route.abort("connectionreset"))
    done.click()
    expect(alert).to_have_text("Not saved, try again.")
    expect(row.get_by_role("alert")).to_have_count(1)
    expect(done).to_have_attribute("aria-pressed", "false")

    # Back up: the next try saves, and the message goes.
    page.unroute(status_url)
    done.click()
    expect(done).to_have_attribute("aria-pressed", "true")
    expect(row.get_by_role("alert")).to_have_count(0)
    assert learner.topic_progress.get(topic=first).status == "done"


def test_it_lets_a_learner_mark_topics_without_javascript(site, new_context, learner):
    if not url_exists(TOPIC_STATUS, pk=1):
        pytest.skip("the phase page's status buttons are not built yet")
    phase = _first_phase()
    section, (first, second) = _first_two_leaves(phase)
    context = new_context(java_script_enabled=False)
    sign_in(context, site, learner)
    page = context.new_page()
    page.goto(site.url + phase.get_absolute_url())
    section_figure = page.locator(f"#section-{section.pk}-progress")
    expect(section_figure).to_contain_text(re.compile(r"\b0 of \d+ completed"))

    page.get_by_role("button", name=f"Mark {first.title} as done").click()
    expect(page).to_have_url(re.compile(re.escape(phase.get_absolute_url()) + rf"#{first.slug}$"))
    expect(section_figure).to_contain_text(re.compile(r"\b1 of \d+ completed"))
    page.get_by_role("button", name=f"Mark {second.title} as in progress").click()
    expect(page.get_by_role("button", name=f"Mark {second.title} as in progress")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("#phase-progress")).to_contain_text("1 done, 0 skipped, 1 in progress")
    screenshot(page, "phase-marked-no-js")


def test_it_shows_the_public_a_resource_link_an_editor_changed(site, page, editor):
    resource = Resource.objects.exclude(url="").select_related("section__phase").order_by("pk").first()
    new_url = "https://example.org/a-better-course/"
    sign_in(page.context, site, editor)

    page.goto(site.url + reverse("admin:index"))
    page.get_by_role("link", name="Resources", exact=True).first.click()
    page.locator("#searchbar").fill(resource.title)
    page.locator("#searchbar").press("Enter")
    page.get_by_role("link", name=resource.title, exact=True).click()
    expect(page.locator("#id_url")).to_have_value(resource.url)
    page.locator("#id_url").fill(new_url)
    screenshot(page, "admin-resource")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(site.url + resource.section.phase.get_absolute_url())
    expect(page.get_by_role("link", name=resource.title, exact=True)).to_have_attribute("href", new_url)


def test_it_lets_a_mentor_sort_a_cohort_open_a_learner_and_download_it(site, page, people):
    if not url_exists(COHORT, pk=1):
        pytest.skip("cohorts are not built yet")
    from progress.mentoring.services import membership_join

    cohort = people["cohort"]
    other = User.objects.create_user(email="ada@example.com", password=PASSWORD, display_name="Ada Another")
    membership_join(cohort=cohort, user=other)
    sign_in(page.context, site, people["mentor"])

    page.goto(site.url + reverse("cohorts:mentor_home"))
    page.get_by_role("link", name=cohort.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(cohort.name)
    screenshot(page, "cohort")

    names = page.locator("table tbody th[scope=row]")
    expect(names).to_have_count(2)
    name_header = page.locator("table thead th.cohort-table__name")
    name_header.get_by_role("link").click()
    expect(name_header).to_have_attribute("aria-sort", re.compile("ascending|descending"))
    first_order = names.all_inner_texts()
    first_sort = name_header.get_attribute("aria-sort")
    name_header.get_by_role("link").click()
    expect(name_header).not_to_have_attribute("aria-sort", first_sort)
    expect(names).to_have_text(list(reversed(first_order)))

    page.get_by_role("link", name=people["learner"].display_name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(people["learner"].display_name)
    screenshot(page, "cohort-learner")
    page.go_back()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text(encoding="utf-8-sig"))))
    text = "\n".join(",".join(row) for row in rows)
    assert len(rows) == 3, rows  # a header and the two learners
    assert people["learner"].display_name in text
    assert other.display_name in text


def _stuck_learners(cohort, names):
    """Members of the cohort, each with a topic in progress untouched for 25 days."""
    from datetime import timedelta

    from django.utils import timezone

    from progress.mentoring.services import membership_join
    from progress.models import TopicProgress, TopicStatus
    from progress.services import progress_set_status

    topic = Topic.objects.filter(children=None).order_by("pk").first()
    users = []
    for name in names:
        user = User.objects.create_user(email=f"{name.split()[0].lower()}@example.com", display_name=name)
        membership_join(cohort=cohort, user=user)
        progress_set_status(user=user, topic=topic, status=TopicStatus.IN_PROGRESS)
        users.append(user)
    TopicProgress.objects.filter(user__in=users).update(updated_at=timezone.now() - timedelta(days=25))
    return users


def test_it_lets_a_mentor_triage_a_cohort_without_javascript(site, new_context, people, mailoutbox):
    """Filter on stuck, nudge two learners, archive the cohort: plain forms and links throughout."""
    from progress.mentoring.models import Nudge

    cohort = people["cohort"]
    stuck = _stuck_learners(cohort, ["Sofia Stuck", "Tariq Tangled"])
    mailoutbox.clear()  # what setting up sent
    context = new_context(java_script_enabled=False)
    sign_in(context, site, people["mentor"])
    page = context.new_page()

    page.goto(site.url + reverse("cohorts:mentor_home"))
    page.get_by_role("link", name=cohort.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(cohort.name)
    names = page.locator("table tbody th[scope=row]")
    expect(names).to_have_count(3)

    page.get_by_role("navigation", name="Show learners").get_by_role(
        "link", name=re.compile("Stuck 21")
    ).click()
    expect(page).to_have_url(re.compile(r"[?&]show=stuck$"))
    expect(names).to_have_text(["Sofia Stuck", "Tariq Tangled"])
    expect(page.locator("tbody .signal--stuck")).to_have_text(["Stuck 3 weeks", "Stuck 3 weeks"])
    screenshot(page, "cohort-stuck")

    for user in stuck:
        page.get_by_label(f"Select {user.display_name}").check()
    page.get_by_role("button", name="Nudge selected learners").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nudge 2 learners")
    message = page.get_by_role("textbox", name="Message")
    message.fill("Hi {name}, the topic you started a few weeks ago: want to look at it together on Thursday?")
    screenshot(page, "nudge")
    page.get_by_role("button", name="Send 2 nudges").click()
    expect(page.locator(".messages")).to_contain_text("Nudged Sofia Stuck and Tariq Tangled.")
    assert sorted(email.to[0] for email in mailoutbox) == ["sofia@example.com", "tariq@example.com"]
    assert "Hi Sofia Stuck, the topic you started" in Nudge.objects.get(learner=stuck[0]).message
    expect(page.locator("tbody .cohort-table__nudged")).to_have_count(3)  # and the learner, nudged before

    page.get_by_role("button", name="Archive the cohort").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cohorts")
    expect(page.locator(".messages")).to_contain_text("is archived")
    archive = page.get_by_role("region", name="Archived cohorts")
    expect(archive.get_by_role("link", name=cohort.name, exact=True)).to_be_visible()
    screenshot(page, "mentor-home-archived")
    cohort.refresh_from_db()
    assert cohort.is_archived

    learner = context.browser.new_context(java_script_enabled=False)
    try:
        sign_in(learner, site, stuck[0])
        dashboard = learner.new_page()
        dashboard.goto(site.url + reverse("progress:dashboard"))
        messages = dashboard.get_by_role("region", name="From your mentors")
        expect(messages).to_contain_text("Hi Sofia Stuck, the topic you started")
        screenshot(dashboard, "dashboard-nudged")
    finally:
        learner.close()


def test_the_cohort_table_keeps_the_learners_name_in_view_on_a_phone(site, page, people):
    cohort = people["cohort"]
    sign_in(page.context, site, people["mentor"])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site.url + cohort.get_absolute_url())
    wrap = page.locator(".cohort-table-wrap")
    name = page.locator("tbody th[scope=row]").first
    tick = page.locator("tbody td.cohort-table__pick").first
    assert wrap.evaluate("element => element.scrollWidth > element.clientWidth"), (
        "the table fits: nothing to scroll"
    )
    name.scroll_into_view_if_needed()
    before = name.bounding_box()
    wrap.evaluate("element => { element.scrollLeft = element.scrollWidth; }")
    page.wait_for_function("document.querySelector('.cohort-table-wrap').scrollLeft > 100")
    after = name.bounding_box()
    assert abs(after["x"] - before["x"]) < 1, (before, after)
    assert abs(tick.bounding_box()["x"] - wrap.bounding_box()["x"]) < 2
    # The name is drawn over the scrolled cells, not under them.
    covering = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('th') !== null",
        [after["x"] + after["width"] / 2, after["y"] + after["height"] / 2],
    )
    assert covering
    page.screenshot(path=str(artifact_path("screenshots", "cohort-table-scrolled-phone.png")))

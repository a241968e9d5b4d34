"""A learner's journeys through what makes the roadmap theirs: search, undo, notes, the phone
menu, sharing and the calendar, long names, the time zone; in Chromium, with the guard on
(any console error, CSP refusal or request off this machine fails them)."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar
from playwright.sync_api import expect

from progress.models import LearnerLink, LearningPlan, TopicProgress, TopicStatus
from progress.services import progress_set_status
from roadmap.models import Topic
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, reachable_pages, screenshot, sign_in

pytestmark = pytest.mark.browser

LONG_NAME = "W" * 80


def _tab_to(page, target, limit=400):
    """Press Tab until `target` has the focus, as a keyboard user would, or fail."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{target} never got the focus after {limit} presses of Tab")


def _linear_algebra():
    return Topic.objects.get(
        key="ai-ml-roadmap-2025/prerequisites/mathematics-foundations/math-for-ml/linear-algebra"
    )


def _statuses(user, topics):
    rows = dict(TopicProgress.objects.filter(user=user, topic__in=topics).values_list("topic_id", "status"))
    return {topic.pk: rows.get(topic.pk, TopicStatus.NOT_STARTED) for topic in topics}


def test_it_finds_a_topic_from_the_header_and_lands_on_it(site, page):
    topic = Topic.objects.get(title="Linear Regression")
    page.goto(site.url + "/")

    search = page.get_by_role("search", name="Site").get_by_role("searchbox", name=re.compile("search", re.I))
    search.fill("linear regression")
    search.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Search results for “linear regression”")
    topics = page.get_by_role("list", name="Topics")
    expect(topics.get_by_role("heading", level=3).first).to_have_text("Linear Regression")
    expect(topics.locator("mark").first).to_have_text(re.compile("linear", re.I))
    screenshot(page, "search")
    page.emulate_media(color_scheme="dark")
    screenshot(page, "search-dark")
    page.emulate_media(color_scheme="light")

    topics.get_by_role("link", name="Linear Regression").click()
    expect(page).to_have_url(re.compile(rf"/phases/machine-learning-fundamentals/#{topic.slug}$"))
    expect(page.locator(f"#{topic.slug}")).to_be_in_viewport()


def test_search_needs_no_javascript(site, new_context):
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + "/")
    page.locator("#site-search").fill("pandas")
    page.locator(".site-search__button").click()
    expect(page.get_by_role("list", name="Resources")).to_contain_text("Pandas Documentation")


def test_it_undoes_mark_all_done_exactly_with_the_keyboard(site, page, learner):
    branch = _linear_algebra()
    leaves = list(branch.children.order_by("order"))
    progress_set_status(user=learner, topic=leaves[0], status=TopicStatus.IN_PROGRESS)
    progress_set_status(user=learner, topic=leaves[1], status=TopicStatus.SKIPPED)
    before = _statuses(learner, leaves)
    sign_in(page.context, site, learner)
    page.goto(site.url + branch.section.phase.get_absolute_url())

    mark_all = page.get_by_role("button", name=f"Mark all done in {branch.title}")
    _tab_to(page, mark_all)
    page.keyboard.press("Enter")
    undo = page.get_by_role("button", name=f"Undo marking {branch.title} all done")
    expect(undo).to_be_focused()  # the focus stays where the button was
    expect(page.locator(f"#topic-{branch.pk}-head")).to_contain_text("All 4 completed")
    expect(page.get_by_role("button", name=f"Mark {leaves[3].title} as done")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert set(_statuses(learner, leaves).values()) == {TopicStatus.DONE, TopicStatus.SKIPPED}
    screenshot(page, "phase-undo")

    page.keyboard.press("Enter")
    expect(mark_all).to_be_focused()
    expect(page.get_by_role("button", name=f"Mark {leaves[0].title} as in progress")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_role("button", name=f"Mark {leaves[3].title} as not started")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("#progress-announcer")).to_contain_text("undone, 3 topics back as before")
    assert _statuses(learner, leaves) == before


def test_it_undoes_mark_all_done_without_javascript(site, new_context, learner):
    branch = _linear_algebra()
    leaves = list(branch.children.order_by("order"))
    context = new_context(java_script_enabled=False)
    sign_in(context, site, learner)
    page = context.new_page()
    page.goto(site.url + branch.section.phase.get_absolute_url())

    page.get_by_role("button", name=f"Mark all done in {branch.title}").click()
    expect(page).to_have_url(re.compile(rf"#{branch.slug}$"))
    assert set(_statuses(learner, leaves).values()) == {TopicStatus.DONE}
    page.get_by_role("button", name=f"Undo marking {branch.title} all done").click()

    expect(page.get_by_role("button", name=f"Mark all done in {branch.title}")).to_be_visible()
    assert set(_statuses(learner, leaves).values()) == {TopicStatus.NOT_STARTED}


def test_it_gathers_a_learners_notes_and_leads_back_to_them(site, page, learner):
    phase_page = site.url + "/phases/prerequisites/"
    sign_in(page.context, site, learner)
    page.goto(phase_page)
    leaves = Topic.objects.leaves().filter(section__phase__number=1).order_by("section__order", "order")
    for leaf, text in zip(leaves[:2], ["Practise with NumPy.", "Ask about PEP 484."], strict=True):
        note = page.locator(f"#topic-{leaf.pk}-note")
        note.locator("summary").click()
        note.get_by_role("textbox").fill(text)
        note.get_by_role("button", name=re.compile("save note", re.I)).click()
        expect(note).to_contain_text("Saved")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Notes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your notes")
    notes = page.get_by_role("list", name="Notes")
    expect(notes.get_by_role("heading", level=3)).to_have_text([leaves[1].title, leaves[0].title])
    screenshot(page, "notes")

    page.get_by_label("Containing").fill("pep")
    page.get_by_label("Phase", exact=True).select_option("prerequisites")
    page.get_by_role("button", name="Show notes").click()
    expect(notes.get_by_role("heading", level=3)).to_have_text([leaves[1].title])
    notes.get_by_role("link", name=leaves[1].title).click()
    expect(page).to_have_url(re.compile(rf"/phases/prerequisites/#{leaves[1].slug}$"))
    expect(page.locator(f"#topic-{leaves[1].pk}-note-text")).to_have_value("Ask about PEP 484.")


PHONE_CONTEXT = pytest.mark.browser_context_args(viewport=PHONE, has_touch=True, is_mobile=True)


@PHONE_CONTEXT
@pytest.mark.parametrize("javascript", [True, False], ids=["scripts", "no-scripts"])
def test_the_phone_menu_opens_and_leads_on_with_the_keyboard_alone(site, new_context, learner, javascript):
    context = new_context(java_script_enabled=javascript)
    sign_in(context, site, learner)
    page = context.new_page()
    page.goto(site.url + "/")
    header = page.get_by_role("banner")
    assert header.bounding_box()["height"] < 80  # one row, where three rows took 171 px
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()

    menu = header.get_by_text("Menu", exact=True)
    _tab_to(page, page.locator(".site-menu__button"))
    expect(page.locator(".site-menu__button")).to_have_accessible_name("Menu")
    page.keyboard.press("Enter")
    expect(nav).to_be_visible()
    expect(page.locator("#site-search")).to_be_visible()
    if javascript:
        page.screenshot(path=str(_shot("menu-open-phone")))
        page.emulate_media(color_scheme="dark")
        page.screenshot(path=str(_shot("menu-open-phone-dark")))
        page.emulate_media(color_scheme="light")
        page.keyboard.press("Escape")  # a script's nicety: closes, focus back on the button
        expect(nav).to_be_hidden()
        expect(page.locator(".site-menu__button")).to_be_focused()
        page.keyboard.press("Enter")
        expect(nav).to_be_visible()

    dashboard = nav.get_by_role("link", name="Dashboard")
    _tab_to(page, dashboard)
    page.keyboard.press("Enter")
    expect(page).to_have_url(site.url + reverse("progress:dashboard"))
    expect(menu).to_be_visible()


def _shot(name):
    """Where a screenshot of the page as it is (not scrolled, not resized) goes."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


TOUCH_CONTROLS = (
    "button, summary, select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), "
    ".site-menu .nav a, .toc a, .pager a, .link-list a, .breadcrumbs a, a.button"
)
SMALL_CONTROLS = f"""() => [...document.querySelectorAll({TOUCH_CONTROLS!r})]
  .filter((element) => !element.closest('.visually-hidden'))
  .map((element) => [element, element.getBoundingClientRect()])
  .filter(([element, box]) => box.width && box.height && (box.width < 43.5 || box.height < 43.5))
  .map(([element, box]) => `${{element.tagName}} "${{element.textContent.trim().slice(0, 40)}}" ${{Math.round(box.width)}}x${{Math.round(box.height)}}`)"""


def _small_controls(page, site, paths) -> dict[str, list[str]]:
    """{path: controls smaller than 44 px} on each page, its menu open."""
    small = {}
    for path in paths:
        page.goto(site.url + path)
        page.evaluate("document.getElementById('site-menu').open = true")
        found = page.evaluate(SMALL_CONTROLS)
        if found:
            small[path] = found[:10]
    return small


@PHONE_CONTEXT
def test_every_control_is_44_px_on_a_touch_screen(site, new_context, learner, people):
    context = new_context()
    sign_in(context, site, learner)
    paths = [
        "/",
        "/phases/prerequisites/",
        "/dashboard/",
        "/projects/",
        "/notes/",
        "/sharing/",
        "/plan/",
        "/search/?q=learning",
        "/accounts/profile/",
    ]
    small = _small_controls(context.new_page(), site, paths)
    assert not small, small


@PHONE_CONTEXT
def test_every_mentor_control_is_44_px_on_a_touch_screen(site, new_context, mentor, learner, people):
    cohort = mentor.mentored_cohorts.filter(memberships__user=learner).order_by("pk").first()
    context = new_context()
    sign_in(context, site, mentor)
    paths = [
        reverse("cohorts:mentor_home"),
        reverse("cohorts:detail", kwargs={"pk": cohort.pk}),
        reverse("cohorts:learner", kwargs={"pk": cohort.pk, "user_id": learner.pk}),
        reverse("cohorts:nudge", kwargs={"pk": cohort.pk}) + f"?learner={learner.pk}",
        reverse("cohorts:mentors", kwargs={"pk": cohort.pk}),
        reverse("cohorts:settings"),
    ]
    small = _small_controls(context.new_page(), site, paths)
    assert not small, small


def test_it_shares_a_learners_progress_at_an_address_they_can_stop(site, page, new_context, learner, people):
    LearnerLink.objects.filter(user=learner).delete()
    sign_in(page.context, site, learner)
    page.goto(site.url + reverse("progress:dashboard"))
    page.get_by_role("link", name="Share your progress").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share and plan ahead")
    page.get_by_role("button", name="Share my progress").click()
    address = page.get_by_label("Its address", exact=True).input_value()
    assert address.startswith(f"{site.url}/share/")
    screenshot(page, "sharing")

    visitor = new_context().new_page()
    visitor.goto(address)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Lena Learner\u2019s progress")
    expect(visitor.locator('meta[name="robots"]')).to_have_attribute("content", "noindex, nofollow")
    expect(visitor.get_by_role("main")).not_to_contain_text("Revisit list comprehensions.")  # the note
    expect(visitor.get_by_role("main")).to_contain_text(people["project"].title)
    screenshot(visitor, "shared")
    visitor.emulate_media(color_scheme="dark")
    screenshot(visitor, "shared-dark")

    # Stopping asks first; the address works until the learner says yes.
    page.locator("#share-stop summary").click()
    expect(page.locator("#share-stop")).to_contain_text("whoever has it sees nothing")
    screenshot(page, "sharing-stop-asks")
    assert visitor.request.get(address).status == 200
    page.get_by_role("button", name="Yes, stop sharing").click()
    expect(page.get_by_role("button", name="Share my progress")).to_be_visible()
    assert visitor.request.get(address).status == 404


def test_a_subscribed_calendar_keeps_its_events_when_the_plan_changes(site, page, learner):
    LearnerLink.objects.filter(user=learner).delete()
    LearningPlan.objects.update_or_create(
        user=learner, defaults={"start_date": date(2026, 1, 5), "pace": "twelve_months"}
    )
    sign_in(page.context, site, learner)
    page.goto(site.url + reverse("progress:sharing"))
    page.get_by_role("button", name="Make a calendar feed").click()
    feed = page.get_by_label(re.compile("^Its address")).input_value()
    assert re.fullmatch(rf"{re.escape(site.url)}/calendar/[\w-]{{43}}\.ics", feed)

    def events():
        calendar = Calendar.from_ical(page.request.get(feed).body())
        return {str(event["UID"]): event.decoded("DTSTART") for event in calendar.walk("VEVENT")}

    first = events()
    page.goto(site.url + reverse("progress:plan"))
    page.get_by_label("Start date").fill((date(2026, 1, 5) + timedelta(weeks=3)).isoformat())
    page.get_by_label(re.compile("^Steady")).check()
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_role("status")).to_contain_text("Your plan is saved.")
    second = events()

    assert set(second) == set(first) and len(first) == 8
    assert first != second  # the same events, on their new dates


@PHONE_CONTEXT
def test_long_unbroken_names_never_widen_a_page(site, new_context, people, django_user_model):
    django_user_model.objects.filter(
        pk__in=[people[role].pk for role in ("learner", "mentor", "editor")]
    ).update(display_name=LONG_NAME)
    wide = {}
    for role in ("learner", "mentor", "editor"):
        context = new_context()
        sign_in(context, site, people[role])
        page = context.new_page()
        for found, _html in reachable_pages(people[role], people, admin=role == "editor"):
            if found.status != 200:
                continue
            page.goto(site.url + found.path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wide[f"{role}: {found}"] = width
        context.close()
    assert not wide, wide


@pytest.mark.browser_context_args(timezone_id="Asia/Tokyo")
def test_the_profile_offers_this_devices_time_zone_in_one_click(site, new_context, learner):
    context = new_context()
    sign_in(context, site, learner)
    page = context.new_page()
    page.goto(site.url + reverse("accounts:profile"))

    offer = page.get_by_role("button", name="Use this device\u2019s time zone: Asia/Tokyo")
    offer.click()

    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
    learner.refresh_from_db()
    assert learner.time_zone == "Asia/Tokyo"
    expect(page.get_by_role("button", name=re.compile("Use this device"))).to_be_hidden()


def test_the_overview_and_dashboard_say_where_to_continue(site, page, learner):
    for leaf in (
        Topic.objects.leaves().filter(section__phase__number=1).order_by("section__order", "order")[:6]
    ):
        progress_set_status(user=learner, topic=leaf, status=TopicStatus.DONE)
    sign_in(page.context, site, learner)
    page.set_viewport_size(DESKTOP)
    page.goto(site.url + "/")
    cont = page.get_by_role("link", name=re.compile("^Continue: "))
    expect(cont).to_be_visible()
    expect(page.get_by_role("list", name="Phases", exact=True)).to_contain_text(
        "Yours: 24% · 6 of 25 completed"
    )
    screenshot(page, "overview-learner")
    page.emulate_media(color_scheme="dark")
    screenshot(page, "overview-learner-dark")
    page.emulate_media(color_scheme="light")
    cont.click()
    expect(page).to_have_url(re.compile(r"/phases/prerequisites/#[a-z0-9-]+$"))
    page.goto(site.url + reverse("progress:dashboard"))
    expect(page.get_by_role("link", name=re.compile("^Continue: "))).to_be_visible()
    screenshot(page, "dashboard-learner")

"""A learner's addresses: a read-only public progress page and a calendar feed of their plan."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from progress.models import LearnerLink, LearningPlan, Pace, ProjectStatus, TopicStatus
from progress.services import learner_link_create, note_save, progress_set_status, project_update
from roadmap.models import Phase, ProjectIdea, Topic

pytestmark = pytest.mark.django_db

SETTINGS = "/sharing/"


def share(user):
    return learner_link_create(user=user, kind=LearnerLink.Kind.SHARE)


def feed(user):
    return learner_link_create(user=user, kind=LearnerLink.Kind.CALENDAR)


def events(response):
    calendar = Calendar.from_ical(response.content)
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def busy(learner, roadmap):
    """The learner with a topic done, a private note and a finished project."""
    leaf = Topic.objects.leaves().order_by("section__phase__number", "section__order", "order").first()
    progress_set_status(user=learner, topic=leaf, status=TopicStatus.DONE)
    note_save(user=learner, topic=leaf, text="My private thoughts on this.")
    project = ProjectIdea.objects.order_by("order").first()
    project_update(
        user=learner, project=project, status=ProjectStatus.DONE, evidence_url="https://example.org/demo"
    )
    return learner


# The page where the learner makes and stops them


def test_the_settings_page_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(SETTINGS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_nothing_is_shared_until_the_learner_makes_an_address(client, learner, roadmap):
    client.force_login(learner)
    html = client.get(SETTINGS).content.decode()
    assert "Share my progress" in html
    assert "Make a calendar feed" in html
    assert not LearnerLink.objects.exists()


def test_a_learner_shares_their_progress_and_sees_its_address(client, learner, roadmap):
    client.force_login(learner)

    response = client.post(SETTINGS, {"kind": "share", "action": "create"}, follow=True)

    link = LearnerLink.objects.get(user=learner, kind="share")
    assert len(link.token) >= 43
    html = response.content.decode()
    assert f'value="http://testserver/share/{link.token}/"' in html
    assert "Your progress page has a new address." in html
    assert client.get(f"/share/{link.token}/").status_code == 200


def test_a_new_address_replaces_the_old_one_at_once(client, learner, roadmap):
    old = share(learner).token
    client.force_login(learner)

    client.post(SETTINGS, {"kind": "share", "action": "create"})

    new = LearnerLink.objects.get(user=learner, kind="share").token
    assert new != old
    assert client.get(f"/share/{old}/").status_code == 404
    assert client.get(f"/share/{new}/").status_code == 200


def test_stopping_an_address_makes_it_show_nothing(client, learner, roadmap):
    page, calendar = share(learner).token, feed(learner).token
    client.force_login(learner)

    client.post(SETTINGS, {"kind": "share", "action": "revoke"})
    client.post(SETTINGS, {"kind": "calendar", "action": "revoke"})

    assert client.get(f"/share/{page}/").status_code == 404
    assert client.get(f"/calendar/{calendar}.ics").status_code == 404
    assert not LearnerLink.objects.exists()


def test_replacing_or_stopping_an_address_asks_first_without_script(client, learner, roadmap):
    """Each is a disclosure holding the confirming form: nothing changes on a first click."""
    client.force_login(learner)
    client.post(reverse("progress:sharing"), {"kind": "share", "action": "create"})
    client.post(reverse("progress:sharing"), {"kind": "calendar", "action": "create"})
    html = client.get(reverse("progress:sharing")).content.decode()
    for id_, confirm in (
        ("share-new", "Yes, make a new address"),
        ("share-stop", "Yes, stop sharing"),
        ("feed-new", "Yes, make a new address"),
        ("feed-stop", "Yes, stop the feed"),
    ):
        disclosure = html[html.index(f'<details class="confirm" id="{id_}">') :]
        disclosure = disclosure[: disclosure.index("</details>")]
        assert "<summary" in disclosure and confirm in disclosure
        assert 'type="submit"' in disclosure  # the form is inside, behind the summary
    # Outside the disclosures, no button changes an address.
    outside = re.sub(r"<details.*?</details>", "", html, flags=re.S)
    assert 'value="revoke"' not in outside and 'value="create"' not in outside


@pytest.mark.parametrize(
    "data", [{}, {"kind": "nope", "action": "create"}, {"kind": "share", "action": "steal"}]
)
def test_the_settings_page_refuses_what_it_cannot_do_and_changes_nothing(client, learner, roadmap, data):
    client.force_login(learner)
    response = client.post(SETTINGS, data)
    assert response.status_code == 400
    assert "Nothing changed." in response.content.decode()
    assert not LearnerLink.objects.exists()


def test_a_learner_can_only_stop_their_own_address(client, learner, outsider, roadmap):
    token = share(outsider).token
    client.force_login(learner)
    client.post(SETTINGS, {"kind": "share", "action": "revoke"})
    assert client.get(f"/share/{token}/").status_code == 200


def test_the_settings_page_costs_three_queries(client, learner, roadmap, django_assert_num_queries):
    share(learner)
    feed(learner)
    client.force_login(learner)
    # Session, user, the links.
    with django_assert_num_queries(3):
        assert client.get(SETTINGS).status_code == 200


# The public progress page


def test_the_shared_page_shows_figures_and_finished_projects_but_never_notes(client, busy, roadmap):
    token = share(busy).token

    response = client.get(f"/share/{token}/")

    html = response.content.decode()
    assert "Lena Learner\u2019s progress" in html
    assert "1 of the 176 topics on their path" in html
    assert "Phase 1: Prerequisites" in html
    assert ProjectIdea.objects.order_by("order").first().title in html
    assert 'href="https://example.org/demo"' in html
    assert "My private thoughts" not in html
    assert busy.email not in html


def test_the_shared_page_asks_search_engines_to_leave_it_out(client, learner, roadmap):
    response = client.get(f"/share/{share(learner).token}/")
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_a_learner_without_a_display_name_is_not_named_by_their_email(client, learner, roadmap):
    learner.display_name = ""
    learner.save(update_fields=["display_name"])
    html = client.get(f"/share/{share(learner).token}/").content.decode()
    assert "A Waymark learner\u2019s progress" in html
    assert "learner@example.com" not in html
    assert ">learner<" not in html


@pytest.mark.parametrize(
    "token",
    [
        "short",
        "x" * 43,  # well formed, unknown
        "a" * 500,
        "abc.def-ghi~jklmnopqrstuvwxyz0123",
        "%E2%9C%93" * 8,
        "..%2F..%2Fetc%2Fpasswd0000000000000000",
    ],
)
def test_a_token_that_is_not_one_gets_the_sites_404(client, learner, roadmap, token):
    share(learner)
    feed(learner)
    for url in (f"/share/{token}/", f"/calendar/{token}.ics"):
        response = client.get(url)
        assert response.status_code == 404, url
    assert "Page not found" in client.get(f"/share/{token}/").content.decode()


def test_a_calendar_token_does_not_open_the_progress_page_nor_the_other_way(client, learner, roadmap):
    page, calendar = share(learner).token, feed(learner).token
    assert client.get(f"/share/{calendar}/").status_code == 404
    assert client.get(f"/calendar/{page}.ics").status_code == 404


def test_a_deactivated_learners_page_shows_nothing(client, learner, roadmap):
    token = share(learner).token
    learner.is_active = False
    learner.save(update_fields=["is_active"])
    assert client.get(f"/share/{token}/").status_code == 404


def test_the_shared_page_rejects_post(client, learner, roadmap):
    assert client.post(f"/share/{share(learner).token}/").status_code == 405


def test_the_shared_page_costs_the_same_queries_however_much_was_done(
    client, busy, roadmap, django_assert_num_queries
):
    token = share(busy).token
    client.get(f"/share/{token}/")  # the content, read once into the cached structure

    def count():
        # Content version, the link with its learner, their figures, their finished projects.
        with django_assert_num_queries(4):
            assert client.get(f"/share/{token}/").status_code == 200

    count()
    for project in ProjectIdea.objects.all():
        project_update(user=busy, project=project, status=ProjectStatus.DONE)
    for topic in Topic.objects.leaves()[:80]:
        progress_set_status(user=busy, topic=topic, status=TopicStatus.DONE)
    count()


# The calendar feed


def test_the_feed_is_the_learners_plan_one_event_per_phase(client, learner, roadmap):
    LearningPlan.objects.create(user=learner, start_date=date(2026, 1, 1), pace=Pace.TWELVE_MONTHS)
    token = feed(learner).token

    response = client.get(f"/calendar/{token}.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response)
    assert len(found) == Phase.objects.count()
    first = found["Phase 1: Prerequisites"]
    assert first.decoded("DTSTART") == date(2026, 1, 1)
    assert first.decoded("DTEND") == date(2026, 3, 1)  # months 1-2: the day after the window ends
    assert "0 of 25 topics completed." in str(first["DESCRIPTION"])
    assert str(first["URL"]) == "http://testserver/phases/prerequisites/"
    assert "Phase 8 begins: Specialized Areas" in found


def test_a_subscribed_calendar_keeps_its_events_when_the_plan_changes(client, learner, roadmap):
    plan = LearningPlan.objects.create(user=learner, start_date=date(2026, 1, 1), pace=Pace.TWELVE_MONTHS)
    token = feed(learner).token
    before = {
        summary: (str(event["UID"]), event.decoded("DTSTART"))
        for summary, event in events(client.get(f"/calendar/{token}.ics")).items()
    }

    plan.start_date, plan.pace = date(2026, 3, 15), Pace.STEADY
    plan.save(update_fields=["start_date", "pace"])
    after = {
        summary: (str(event["UID"]), event.decoded("DTSTART"))
        for summary, event in events(client.get(f"/calendar/{token}.ics")).items()
    }

    assert {uid for uid, _start in before.values()} == {uid for uid, _start in after.values()}
    assert before["Phase 1: Prerequisites"][0] == after["Phase 1: Prerequisites"][0]
    assert (
        before["Phase 2: Machine Learning Fundamentals"][1]
        != after["Phase 2: Machine Learning Fundamentals"][1]
    )
    assert len({uid for uid, _start in after.values()}) == Phase.objects.count()


def test_two_learners_events_never_share_a_uid(client, learner, outsider, roadmap):
    for user in (learner, outsider):
        LearningPlan.objects.create(user=user, start_date=date(2026, 1, 1))
    uids = [
        {str(event["UID"]) for event in events(client.get(f"/calendar/{feed(user).token}.ics")).values()}
        for user in (learner, outsider)
    ]
    assert not uids[0] & uids[1]


def test_the_feed_without_a_plan_is_an_empty_calendar(client, learner, roadmap):
    response = client.get(f"/calendar/{feed(learner).token}.ics")
    calendar = Calendar.from_ical(response.content)
    assert calendar.walk("VEVENT") == []
    assert "No plan yet" in str(calendar["X-WR-CALDESC"])


def test_the_feed_follows_a_cohorts_start_when_the_learner_has_no_plan(client, learner, cohort, roadmap):
    cohort.start_date = date(2026, 9, 1)
    cohort.save(update_fields=["start_date"])
    found = events(client.get(f"/calendar/{feed(learner).token}.ics"))
    assert found["Phase 1: Prerequisites"].decoded("DTSTART") == date(2026, 9, 1)


def test_the_feed_costs_three_queries(client, learner, roadmap, django_assert_num_queries):
    LearningPlan.objects.create(user=learner, start_date=timezone.localdate())
    token = feed(learner).token
    client.get(f"/calendar/{token}.ics")
    # Content version, the link with its learner, their figures (plan included).
    with django_assert_num_queries(3):
        assert client.get(f"/calendar/{token}.ics").status_code == 200


def test_the_feed_rejects_post(client, learner, roadmap):
    assert client.post(f"/calendar/{feed(learner).token}.ics").status_code == 405


def test_links_go_with_the_account(learner, roadmap):
    share(learner)
    feed(learner)
    learner.delete()
    assert not LearnerLink.objects.exists()


def test_the_dashboard_leads_to_sharing(client, learner, roadmap):
    client.force_login(learner)
    assert re.search(
        r'<a href="/sharing/">Share your progress</a>', client.get("/dashboard/").content.decode()
    )


def test_the_data_export_lists_the_learners_addresses(learner, roadmap):
    from accounts.services import user_export_data

    token = share(learner).token
    links = user_export_data(user=learner)["progress"]["links"]
    assert [(link["kind"], link["address"]) for link in links] == [
        ("share", f"http://testserver/share/{token}/")
    ]

"""Learners report a resource's link beside it; editors resolve reports without ever seeing who sent them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from progress.models import LINK_REPORTS_PER_DAY, LinkReport, TopicNote
from progress.services import link_report_send
from roadmap.models import Resource, Section, Topic

PYTHON = "ai-ml-roadmap-2025/prerequisites/python-proficiency"
PAGE = "/phases/prerequisites/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def resource(roadmap):
    return Resource.objects.get(key=f"{PYTHON}/resources/python-for-everybody")


def report_url(resource):
    return reverse("progress:resource_report", kwargs={"pk": resource.pk})


def queue_url(*args, view="changelist"):
    return reverse(f"admin:progress_reportedresource_{view}", args=args)


# A learner reports -----------------------------------------------------------------------


def test_it_takes_a_report_without_javascript_and_says_so(client, learner, resource):
    client.force_login(learner)

    response = client.post(report_url(resource), {"reason": "paywalled", "comment": "Wants a card now"})

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#resource-{resource.pk}"
    report = LinkReport.objects.get()
    assert (report.user, report.resource, report.reason, report.comment) == (
        learner,
        resource,
        "paywalled",
        "Wants a card now",
    )
    page = client.get(response["Location"]).text
    assert "Thanks: your report on Python for Everybody is sent." in page  # the message
    assert "you reported this link as paywalled on" in page  # beside the link, from now on
    assert "Change your report" in page


def test_it_answers_htmx_with_the_control_and_an_announcement(client, learner, resource):
    client.force_login(learner)

    response = client.post(report_url(resource), {"reason": "broken"}, **HTMX)

    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith(f'<div class="report" id="resource-{resource.pk}-report">')
    assert "you reported this link as broken" in html
    assert 'id="progress-announcer" data-hx-swap-oob="innerHTML">Report on Python for Everybody sent.' in html


def test_a_second_report_changes_the_open_one(client, learner, resource):
    client.force_login(learner)
    client.post(report_url(resource), {"reason": "broken"})
    client.post(report_url(resource), {"reason": "outdated", "comment": "Python 2"})

    report = LinkReport.objects.get()
    assert (report.reason, report.comment) == ("outdated", "Python 2")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "boring"}, "Select a valid choice."),
        ({}, "Say what is wrong with the link."),
        ({"reason": "other", "comment": "bell\x07"}, "control character"),
        ({"reason": "other", "comment": "x" * 501}, "at most 500 characters"),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(client, learner, resource, data, message):
    client.force_login(learner)

    htmx = client.post(report_url(resource), data, **HTMX)
    plain = client.post(report_url(resource), data, follow=True)

    assert htmx.status_code == 422 and message in htmx.text
    assert message in plain.text
    assert not LinkReport.objects.exists()


def test_it_limits_new_reports_per_learner_and_day(client, learner, roadmap):
    resources = list(Resource.objects.exclude(url="").order_by("pk")[: LINK_REPORTS_PER_DAY + 1])
    yesterday = timezone.now() - timedelta(days=1, minutes=1)
    link_report_send(user=learner, resource_id=resources[-1].pk, reason="broken", now=yesterday)
    LinkReport.objects.update(resolved_at=yesterday, outcome="fixed")
    client.force_login(learner)
    for resource in resources[:LINK_REPORTS_PER_DAY]:
        assert client.post(report_url(resource), {"reason": "broken"}).status_code == 302

    refused = client.post(report_url(resources[-1]), {"reason": "broken"}, **HTMX)

    assert refused.status_code == 422
    assert f"You have sent {LINK_REPORTS_PER_DAY} reports today" in refused.text
    assert LinkReport.objects.count() == LINK_REPORTS_PER_DAY + 1  # yesterday's did not count
    # Changing an open report is no new report: still allowed.
    changed = client.post(report_url(resources[0]), {"reason": "outdated"})
    assert changed.status_code == 302
    assert LinkReport.objects.get(resource=resources[0]).reason == "outdated"


def test_it_sends_anonymous_visitors_to_sign_in(client, resource):
    plain = client.post(report_url(resource), {"reason": "broken"})
    htmx = client.post(report_url(resource), {"reason": "broken"}, **HTMX)

    assert plain.status_code == 302 and plain["Location"].startswith(reverse("account_login"))
    assert htmx.status_code == 401
    assert not LinkReport.objects.exists()


def test_it_rejects_get(client, learner, resource):
    client.force_login(learner)
    assert client.get(report_url(resource)).status_code == 405


def test_it_answers_404_for_a_resource_that_does_not_exist(client, learner, roadmap):
    client.force_login(learner)
    response = client.post(reverse("progress:resource_report", kwargs={"pk": 999999}), {"reason": "broken"})
    assert response.status_code == 404


def test_a_learner_sees_only_their_own_reports(client, learner, outsider, resource):
    link_report_send(user=outsider, resource_id=resource.pk, reason="broken", comment="Otto's words")
    client.force_login(learner)
    html = client.get(PAGE).text
    assert "Otto's words" not in html and "you reported this link" not in html


# Editors resolve them ----------------------------------------------------------------------


@pytest.fixture
def reported(roadmap, learner, outsider, django_user_model, resource):
    """Three learners report one link, one learner another."""
    other = Resource.objects.exclude(pk=resource.pk).exclude(url="").order_by("pk").first()
    third = django_user_model.objects.create_user(email="third@example.com", display_name="Thea Third")
    for person, reason in ((learner, "paywalled"), (outsider, "paywalled"), (third, "broken")):
        link_report_send(user=person, resource_id=resource.pk, reason=reason, comment=f"from {person.email}")
    link_report_send(user=learner, resource_id=other.pk, reason="outdated")
    return {"many": resource, "one": other, "people": [learner, outsider, third]}


def test_editors_see_the_links_most_learners_reported_first(client, editor, reported):
    client.force_login(editor)

    response = client.get(queue_url())

    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert [row.pk for row in rows] == [reported["many"].pk, reported["one"].pk]
    assert (rows[0].learners, rows[1].learners) == (3, 1)
    assert "broken 1, paywalled 2" in response.text


def test_editors_never_see_who_reported(client, editor, reported):
    client.force_login(editor)
    pages = [
        client.get(queue_url()).text,
        client.get(queue_url(reported["many"].pk, view="change")).text,
        client.get(queue_url(reported["many"].pk, view="history")).text,
        client.get(queue_url() + "?q=example.com").text,
    ]
    for person in reported["people"]:
        for html in pages:
            assert person.email not in html.replace(f"from {person.email}", "")  # their own words, not them
            assert person.display_name not in html
    # No way to look reports up by person, nor to open them one by one.
    assert client.get(queue_url() + "?link_reports__user__email=learner@example.com").status_code == 400
    assert client.get("/admin/progress/linkreport/").status_code == 404
    assert client.get("/admin/accounts/user/").status_code == 403


def test_an_editor_resolves_a_link_s_reports_with_a_note(client, editor, learner, reported):
    client.force_login(editor)
    many = reported["many"]

    response = client.post(
        queue_url(many.pk, view="change"),
        {"outcome": "fixed", "note": "Marked as free to audit."},
        follow=True,
    )

    assert "3 reports on “Python for Everybody” resolved" in response.text
    assert LinkReport.objects.open().filter(resource=many).count() == 0
    assert set(LinkReport.objects.filter(resource=many).values_list("outcome", flat=True)) == {"fixed"}
    queue = client.get(queue_url())
    assert [row.pk for row in queue.context["cl"].result_list] == [reported["one"].pk]
    # The learner sees the outcome beside the link.
    client.force_login(learner)
    html = client.get(PAGE).text
    assert "<strong>Fixed</strong>. Marked as free to audit." in html
    assert 'Report a problem<span class="visually-hidden"> with Python for Everybody' in html


def test_resolving_needs_an_outcome_and_changes_nothing_else(client, editor, reported):
    client.force_login(editor)
    many = reported["many"]
    history = Resource.history.count()

    response = client.post(queue_url(many.pk, view="change"), {"outcome": "", "note": "?"})

    assert response.status_code == 200 and "This field is required." in response.text
    assert LinkReport.objects.open().filter(resource=many).count() == 3
    client.post(queue_url(many.pk, view="change"), {"outcome": "no_change"})
    assert Resource.history.count() == history  # the resource itself is untouched


def test_learners_and_mentors_have_no_queue(client, learner, reported):
    client.force_login(learner)
    assert client.get(queue_url()).status_code == 302


def test_the_queue_costs_a_fixed_number_of_queries(client, editor, reported, django_user_model):
    client.force_login(editor)
    client.get(queue_url())
    with CaptureQueriesContext(connection) as few:
        client.get(queue_url())
    for n, resource in enumerate(Resource.objects.exclude(url="").order_by("pk")[:30]):
        person = django_user_model.objects.create_user(email=f"l{n}@example.com")
        link_report_send(user=person, resource_id=resource.pk, reason="broken")
    with CaptureQueriesContext(connection) as many:
        response = client.get(queue_url())
    assert len(response.context["cl"].result_list) == 30
    assert len(many) == len(few) <= 10


# The phase page's budget, with reports and notes ----------------------------------------------


def test_the_phase_page_stays_at_five_queries_with_notes_reports_and_topic_resources(
    client, learner, roadmap, django_assert_max_num_queries
):
    section = Section.objects.get(key=PYTHON)
    client.force_login(learner)
    client.get(PAGE)
    with CaptureQueriesContext(connection) as empty:
        client.get(PAGE)

    topics = list(Topic.objects.filter(section__phase__slug="prerequisites").leaves())
    for n, topic in enumerate(topics):
        topic.description = f"About **{topic.title}**."
        topic.save(update_fields=["description"])
        Resource.objects.create(
            section=topic.section,
            topic=topic,
            key=f"{topic.key}/resources/r{n}",
            kind="docs",
            title=f"Own {n}",
            url=f"https://own.example/{n}",
            cost="free",
        )
    TopicNote.objects.bulk_create(
        TopicNote(user=learner, topic=topic, text=f"A note {n}", updated_at=timezone.now())
        for n, topic in enumerate(topics)
    )
    for resource in Resource.objects.filter(section__phase__slug="prerequisites").exclude(url="")[:10]:
        link_report_send(user=learner, resource_id=resource.pk, reason="broken")
    LinkReport.objects.filter(pk__in=LinkReport.objects.all()[:3].values("pk")).update(
        resolved_at=timezone.now(), outcome="fixed", resolution_note="Done"
    )
    client.get(PAGE)  # the grown content is read once into the cached structure

    with django_assert_max_num_queries(5):  # session, user, version, figures, notes and reports
        response = client.get(PAGE)
    html = response.text
    assert html.count("A note ") == len(topics)
    assert html.count("you reported this link as broken") == 7
    assert html.count("<strong>Fixed</strong>") == 3
    assert html.count('class="topic__about"') == len(topics)
    assert len(empty) == 5
    assert section.pk


def test_a_report_costs_a_fixed_number_of_queries(client, learner, roadmap):
    resources = list(Resource.objects.exclude(url="").order_by("pk")[:8])
    client.force_login(learner)
    client.post(report_url(resources[0]), {"reason": "broken"}, **HTMX)
    with CaptureQueriesContext(connection) as first:
        client.post(report_url(resources[1]), {"reason": "broken"}, **HTMX)
    for resource in resources[2:7]:
        link_report_send(user=learner, resource_id=resource.pk, reason="outdated")
    with CaptureQueriesContext(connection) as later:
        response = client.post(report_url(resources[7]), {"reason": "broken"}, **HTMX)
    assert response.status_code == 200
    # Session, user, content version; the learner's row locked, their open report, today's
    # count, the insert (and its savepoint pair in a test).
    assert len(later) == len(first) <= 10, [q["sql"][:80] for q in later]

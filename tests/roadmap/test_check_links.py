"""`manage.py check_links`, against a local server; the admin's links needing attention; adopting a redirect.

Every link here points at 127.0.0.1 (tests/conftest.py `link_server`), never the internet.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from roadmap import linkcheck, structure
from roadmap.models import LinkCheck, Resource, Section

PATHS = ["/ok", "/moved", "/moved-twice", "/temporary", "/missing", "/gone", "/error", "/no-head", "/hang"]
FAST = {"timeout": 0.5, "delay": 0}


@pytest.fixture
def resources(roadmap, link_server):
    """One resource per kind of answer, the seed's own links pointed at the local server (or cleared)."""
    Resource.objects.filter(url__gt="").update(url="", publisher="Elsewhere")
    section = Section.objects.order_by("pk").first()
    made = {}
    for n, path in enumerate([*PATHS, "refused"]):
        url = link_server.refused if path == "refused" else link_server.url(path)
        made[path] = Resource.objects.create(
            section=section, kind="docs", title=f"Link {path}", url=url, key=f"{section.key}/resources/l{n}"
        )
    return made


def _check(**options):
    out = StringIO()
    call_command("check_links", **{**FAST, **options}, stdout=out)
    return out.getvalue()


def _status(resource):
    return LinkCheck.objects.get(resource=resource)


def test_it_tells_each_kind_of_answer_apart(resources, link_server):
    summary = _check()

    assert "Checked 10 links of 10 resources: 3 ok, 2 moved, 3 broken, 2 unreachable." in summary
    ok = _status(resources["/ok"])
    assert (ok.status, ok.http_code, ok.final_url, ok.failures) == ("ok", 200, "", 0)
    assert ok.last_ok_at is not None and ok.checked_at is not None
    moved = _status(resources["/moved"])
    assert (moved.status, moved.http_code, moved.final_url) == ("moved", 200, link_server.url("/ok"))
    twice = _status(resources["/moved-twice"])
    assert (twice.status, twice.final_url) == ("moved", link_server.url("/ok"))
    # A temporary redirect is no new address: the link is fine as it is.
    assert _status(resources["/temporary"]).status == "ok"
    assert _status(resources["/no-head"]).status == "ok"  # refused HEAD, answered GET
    for path, code in (("/missing", 404), ("/gone", 410), ("/error", 500)):
        check = _status(resources[path])
        assert (check.status, check.http_code, check.failures, check.last_ok_at) == ("broken", code, 1, None)
    hang = _status(resources["/hang"])
    assert (hang.status, hang.http_code, hang.error) == ("unreachable", None, "no answer within 0.5 s")
    refused = _status(resources["refused"])
    assert (refused.status, refused.error) == ("unreachable", "connection refused")


def test_it_asks_with_head_then_get_naming_the_site(resources, link_server, settings):
    settings.SITE_URL = "https://waymark.example"
    _check()

    agents = {agent for _method, _path, agent in link_server.requests}
    assert agents == {"Waymark link checker (+https://waymark.example)"}
    asked = [(method, path) for method, path, _agent in link_server.requests]
    assert asked.count(("HEAD", "/ok")) >= 1
    assert ("GET", "/ok") not in asked  # HEAD was enough
    assert ("HEAD", "/missing") in asked and ("GET", "/missing") in asked  # an error to HEAD: GET to be sure
    assert ("GET", "/no-head") in asked
    assert ("GET", "/hang") not in asked  # no answer: no second try


def test_it_counts_failures_in_a_row_and_keeps_the_last_ok(resources, link_server):
    missing = resources["/missing"]
    _check()
    _check()
    assert _status(missing).failures == 2

    earlier = timezone.now() - timedelta(days=3)
    LinkCheck.objects.filter(resource=resources["/ok"]).update(last_ok_at=earlier)
    Resource.objects.filter(pk=missing.pk).update(url=link_server.url("/ok"))
    _check()
    assert (_status(missing).status, _status(missing).failures) == ("ok", 0)
    assert _status(resources["/ok"]).last_ok_at > earlier

    Resource.objects.filter(pk=missing.pk).update(url=link_server.url("/gone"))
    _check()
    check = _status(missing)
    assert (check.status, check.failures) == ("broken", 1)
    assert check.last_ok_at is None  # another link than the one that last answered OK


def test_it_records_nothing_on_a_dry_run(resources):
    assert "Would record 10 links" in _check(dry_run=True)
    assert not LinkCheck.objects.exists()


def test_it_changes_no_content_and_keeps_no_history(resources):
    version = structure.current_version()
    history = Resource.history.count()
    _check()
    assert structure.current_version() == version
    assert Resource.history.count() == history


def test_it_refuses_nonsense_options(roadmap):
    with pytest.raises(CommandError):
        call_command("check_links", timeout=0, stdout=StringIO())


def test_it_gives_up_on_a_redirect_loop(link_server):
    outcome = linkcheck.check(link_server.url("/loop"), timeout=1, user_agent="test", allow_private=True)
    assert (outcome.status, outcome.error) == ("broken", "too many redirects")


def test_it_asks_one_host_one_request_at_a_time(link_server):
    urls = [link_server.url(path) for path in ("/ok", "/missing", "/temporary")]
    outcomes = linkcheck.check_all(
        urls, timeout=1, user_agent="test", concurrency=4, delay=0.05, allow_private=True
    )
    assert {url: outcome.status for url, outcome in outcomes.items()} == dict(
        zip(urls, ["ok", "broken", "ok"], strict=True)
    )
    # One host, so one worker asked in order: the requests never interleave.
    paths = [path for _method, path, _agent in link_server.requests]
    assert paths == ["/ok", "/missing", "/missing", "/temporary", "/ok"]


# The admin's view ------------------------------------------------------------------------


def _attention_url(**query):
    url = reverse("admin:roadmap_linkneedingattention_changelist")
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def test_it_lists_the_links_needing_attention_for_editors(client, editor, resources):
    _check()
    client.force_login(editor)

    response = client.get(_attention_url())
    assert response.status_code == 200
    html = response.text
    for path in ("/moved", "/missing", "/gone", "/error", "/hang"):
        assert f"Link {path}<" in html
    assert "Link /ok<" not in html and "Link /temporary<" not in html

    only_moved = client.get(_attention_url(status__exact="moved")).text
    assert "Link /moved<" in only_moved and "Link /missing<" not in only_moved


def test_it_drops_a_link_edited_since_its_check(client, editor, resources, link_server):
    _check()
    resource = resources["/missing"]
    resource.url = link_server.url("/ok")
    resource.save(update_fields=["url"])
    client.force_login(editor)
    assert "Link /missing<" not in client.get(_attention_url()).text


def test_it_adopts_a_redirects_target_as_a_recorded_change(client, editor, resources, link_server):
    _check()
    moved, missing = resources["/moved"], resources["/missing"]
    checks = LinkCheck.objects.filter(resource__in=[moved, missing]).values_list("pk", flat=True)
    version = structure.current_version()
    client.force_login(editor)

    response = client.post(
        _attention_url(),
        {"action": "adopt_redirects", "_selected_action": list(checks)},
        follow=True,
    )

    assert "1 link now points where it moved." in response.text
    assert "1 link was not a permanent redirect" in response.text
    moved.refresh_from_db()
    assert moved.url == link_server.url("/ok")
    assert _status(moved).status == "ok"
    assert Resource.objects.get(pk=missing.pk).url == link_server.url("/missing")
    assert structure.current_version() != version
    record = moved.history.first()
    assert record.history_user == editor
    assert record.diff_against(record.prev_record).changed_fields == ["url"]


def test_it_lets_no_one_else_in(client, learner, resources):
    client.force_login(learner)
    response = client.get(_attention_url())
    assert response.status_code == 302  # to the admin's sign-in


def test_it_lists_links_needing_attention_in_a_fixed_number_of_queries(
    client, editor, resources, link_server, django_assert_max_num_queries
):
    client.force_login(editor)
    _check()
    client.get(_attention_url())
    section = Section.objects.order_by("pk").first()
    for n in range(40):
        Resource.objects.create(
            section=section, kind="docs", title=f"More {n}", url=link_server.url("/gone"), key=f"more/{n}"
        )
    _check()
    client.get(_attention_url())
    # Session, user, permissions (2), the page and its count (2), the filters' choices, the date
    # hierarchy, and the cached structure's version.
    with django_assert_max_num_queries(10):
        response = client.get(_attention_url())
    assert response.text.count("More ") >= 40


def test_an_editor_still_deletes_a_checked_and_reported_resource(client, editor, learner, resources):
    from progress.models import LinkReport
    from progress.services import link_report_send

    _check()
    missing = resources["/missing"]
    link_report_send(user=learner, resource_id=missing.pk, reason="broken")
    client.force_login(editor)
    url = reverse("admin:roadmap_resource_delete", args=[missing.pk])

    confirm = client.get(url)
    assert "permission to delete" not in confirm.text
    assert learner.email not in confirm.text and learner.display_name not in confirm.text
    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Resource.objects.filter(pk=missing.pk).exists()
    assert not LinkCheck.objects.filter(resource_id=missing.pk).exists()
    assert not LinkReport.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
        "http://10.0.0.7/",
        "http://[::1]/",
        "http://localhost/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_it_never_asks_a_private_address(url):
    outcome = linkcheck.check(url, timeout=1, user_agent="test")
    assert outcome.status == linkcheck.UNREACHABLE
    assert outcome.error == "a private address: not asked"


def test_a_link_on_the_sites_own_network_is_reported_not_requested(link_server, settings, roadmap):
    from roadmap.services import link_checks_run

    settings.LINK_CHECK_PRIVATE_ADDRESSES = False  # as in production
    Resource.objects.exclude(url="").update(url=link_server.url("/ok"))
    summary = link_checks_run(timeout=1, delay=0)
    assert dict(summary.statuses) == {"unreachable": 1}
    assert link_server.requests == []  # not one request reached it


@pytest.mark.parametrize(
    "url", ["http://example.com:99999/", "http://example.com:port/", "ftp://example.com/"]
)
def test_an_address_that_is_no_web_address_is_reported_not_a_crash(url):
    outcome = linkcheck.check(url, timeout=1, user_agent="test")
    assert outcome.status == linkcheck.UNREACHABLE
    assert outcome.error == "not a web address"

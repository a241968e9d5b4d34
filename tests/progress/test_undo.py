"""Undo after "Mark all done": it puts back exactly the statuses from before, with htmx and without."""

import re
import time

import pytest
from django.urls import reverse

from progress.models import Activity, TopicProgress, TopicStatus
from progress.services import progress_set_status
from tests.progress.marks_helpers import HTMX, linear_algebra, mark, python_root

pytestmark = pytest.mark.django_db


def done_all_url(topic):
    return reverse("progress:topic_done_all", kwargs={"pk": topic.pk})


def undo_url(topic):
    return reverse("progress:topic_undo", kwargs={"pk": topic.pk})


def statuses(user):
    return dict(TopicProgress.objects.filter(user=user).values_list("topic_id", "status"))


def token_in(html):
    return re.search(r'<input type="hidden" name="token" value="([^"]+)">', html).group(1)


@pytest.fixture
def branch(learner):
    """Linear Algebra's four leaves: one in progress, one skipped, one done, one never touched."""
    branch = linear_algebra()
    leaves = list(branch.children.order_by("order"))
    mark(learner, leaves[:1], TopicStatus.IN_PROGRESS)
    mark(learner, leaves[1:2], TopicStatus.SKIPPED)
    mark(learner, leaves[2:3], TopicStatus.DONE)
    return branch


def test_htmx_mark_all_answers_with_an_undo_in_place_of_its_button(client, learner, roadmap, branch):
    client.force_login(learner)

    html = client.post(done_all_url(branch), {}, **HTMX).content.decode()

    head = re.search(
        rf'<div class="topic__meta[^"]*" id="topic-{branch.pk}-head">(.*?)</div>', html, re.S
    ).group(1)
    assert f'action="{undo_url(branch)}"' in head
    # The same id as "Mark all done", so the keyboard's focus stays on it.
    assert (
        f'id="topic-{branch.pk}-done-all">Undo<span class="visually-hidden"> marking Linear Algebra' in head
    )
    assert "Mark all done" not in head
    assert "Linear Algebra: 2 topics marked done. Undo is beside it." in html


def test_undo_puts_back_exactly_the_statuses_from_before(client, learner, roadmap, branch):
    client.force_login(learner)
    before = statuses(learner)
    logged = Activity.objects.filter(user=learner).count()
    token = token_in(client.post(done_all_url(branch), {}, **HTMX).content.decode())
    assert set(statuses(learner).values()) == {TopicStatus.DONE, TopicStatus.SKIPPED}

    response = client.post(undo_url(branch), {"token": token}, **HTMX)

    assert response.status_code == 200
    # The untouched leaf has a row now, saying "not started", which is what it was.
    after = statuses(learner)
    assert {pk: status for pk, status in after.items() if status != TopicStatus.NOT_STARTED} == before
    assert len(after) == 4
    html = response.content.decode()
    assert "Linear Algebra: undone, 2 topics back as before." in html
    assert f'id="topic-{branch.pk}-done-all">Mark all done' in html
    # The database logged the change and its undo, like any other.
    changes = Activity.objects.filter(user=learner).order_by("id")[logged:]
    assert sorted((row.from_status, row.to_status) for row in changes) == [
        ("done", "in_progress"),
        ("done", "not_started"),
        ("in_progress", "done"),
        ("not_started", "done"),
    ]


def test_undo_leaves_a_topic_the_learner_changed_since(client, learner, roadmap, branch):
    client.force_login(learner)
    leaves = list(branch.children.order_by("order"))
    token = token_in(client.post(done_all_url(branch), {}, **HTMX).content.decode())
    progress_set_status(user=learner, topic=leaves[3], status=TopicStatus.SKIPPED)

    client.post(undo_url(branch), {"token": token}, **HTMX)

    assert statuses(learner)[leaves[0].pk] == TopicStatus.IN_PROGRESS
    assert statuses(learner)[leaves[3].pk] == TopicStatus.SKIPPED  # chosen after: kept


def test_undo_works_without_javascript(client, learner, roadmap, branch):
    client.force_login(learner)
    before = statuses(learner)

    response = client.post(done_all_url(branch), {})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f'<form class="mark-all mark-all--undo" method="post" action="{undo_url(branch)}"' in page
    # Offered once: the next visit has "Mark all done" again.
    assert "mark-all--undo" not in client.get(response["Location"]).content.decode()

    response = client.post(undo_url(branch), {"token": token_in(page)})

    assert response.status_code == 302
    assert response["Location"] == f"/phases/prerequisites/#{branch.slug}"
    assert {pk: s for pk, s in statuses(learner).items() if s != TopicStatus.NOT_STARTED} == before


def test_a_second_undo_changes_nothing(client, learner, roadmap, branch):
    client.force_login(learner)
    token = token_in(client.post(done_all_url(branch), {}, **HTMX).content.decode())
    client.post(undo_url(branch), {"token": token}, **HTMX)
    after_first = statuses(learner)

    html = client.post(undo_url(branch), {"token": token}, **HTMX).content.decode()

    assert statuses(learner) == after_first
    assert "nothing to undo" in html


def test_an_altered_token_is_refused_and_changes_nothing(client, learner, roadmap, branch):
    client.force_login(learner)
    token = token_in(client.post(done_all_url(branch), {}, **HTMX).content.decode())
    after = statuses(learner)

    for forged in [token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x" * 40, "a:b:c", ""]:
        response = client.post(undo_url(branch), {"token": forged})
        assert response.status_code == 400, forged
    assert statuses(learner) == after


def test_another_learner_cannot_use_a_learners_undo(client, learner, outsider, roadmap, branch):
    client.force_login(learner)
    token = token_in(client.post(done_all_url(branch), {}, **HTMX).content.decode())
    mark(outsider, branch.children.all(), TopicStatus.DONE)
    client.force_login(outsider)

    response = client.post(undo_url(branch), {"token": token})

    assert response.status_code == 400
    assert "This undo is not valid." in response.content.decode()
    assert set(statuses(outsider).values()) == {TopicStatus.DONE}


def test_an_undo_works_only_on_its_own_topic(client, learner, roadmap, branch):
    client.force_login(learner)
    token = token_in(client.post(done_all_url(branch), {}, **HTMX).content.decode())
    after = statuses(learner)

    assert client.post(undo_url(python_root()), {"token": token}).status_code == 400
    assert statuses(learner) == after


def test_an_undo_expires(client, learner, roadmap, branch, monkeypatch):
    client.force_login(learner)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 3600)  # the token is signed an hour ago
    token = token_in(client.post(done_all_url(branch), {}, **HTMX).content.decode())
    monkeypatch.setattr(time, "time", real_time)
    after = statuses(learner)

    response = client.post(undo_url(branch), {"token": token})

    assert response.status_code == 400
    assert "This undo has expired." in response.content.decode()
    assert statuses(learner) == after


def test_it_sends_anonymous_visitors_to_sign_in(client, roadmap):
    branch = linear_algebra()
    response = client.post(undo_url(branch), {"token": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_it_rejects_get(client, learner, roadmap):
    client.force_login(learner)
    assert client.get(undo_url(linear_algebra())).status_code == 405


def test_it_answers_404_for_a_topic_that_does_not_exist(client, learner, roadmap):
    client.force_login(learner)
    assert (
        client.post(reverse("progress:topic_undo", kwargs={"pk": 999999}), {"token": "x"}).status_code == 404
    )


def test_an_undo_costs_a_fixed_number_of_queries(
    client, learner, roadmap, branch, django_assert_max_num_queries
):
    client.force_login(learner)
    token = token_in(client.post(done_all_url(branch), {}, **HTMX).content.decode())
    # Session, user, content version, the statuses put back (logged by the database), the figures.
    with django_assert_max_num_queries(5):
        assert client.post(undo_url(branch), {"token": token}, **HTMX).status_code == 200

"""Marking a topic from its phase page: a leaf's status, "mark all done" on a branch.

Both ways in: a plain form post (redirected back to the topic) and htmx (the
row, with the summaries and bars around it out of band).
"""

import re
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from progress.models import Activity, TopicProgress, TopicStatus
from roadmap.models import Topic
from tests.progress.marks_helpers import HTMX, grow, linear_algebra, mark, python_root, type_hints

pytestmark = pytest.mark.django_db


def status_url(topic):
    return reverse("progress:topic_status", kwargs={"pk": topic.pk})


def done_all_url(topic):
    return reverse("progress:topic_done_all", kwargs={"pk": topic.pk})


def anchor(topic):
    return f"/phases/prerequisites/#{topic.slug}"


def statuses(user):
    return dict(TopicProgress.objects.filter(user=user).values_list("topic_id", "status"))


def oob(html, element_id):
    """The out-of-band element with this id in an htmx answer, or None."""
    match = re.search(rf'<(\w+)[^>]*id="{element_id}"[^>]*data-hx-swap-oob="true"[^>]*>.*?</\1>', html, re.S)
    return match.group(0) if match else None


# A leaf's status, without JavaScript


def test_it_marks_a_leaf_and_sends_the_learner_back_to_it(client, learner, roadmap):
    leaf = type_hints()
    client.force_login(learner)

    response = client.post(status_url(leaf), {"status": "done"})

    assert response.status_code == 302
    assert response["Location"] == anchor(leaf)
    assert statuses(learner) == {leaf.pk: TopicStatus.DONE}
    change = Activity.objects.get(user=learner)
    assert (change.topic_id, change.from_status, change.to_status) == (leaf.pk, "not_started", "done")


@pytest.mark.parametrize("status", ["not_started", "in_progress", "done", "skipped"])
def test_it_takes_every_status(client, learner, roadmap, status):
    leaf = type_hints()
    client.force_login(learner)

    client.post(status_url(leaf), {"status": "done"})
    client.post(status_url(leaf), {"status": status})

    assert statuses(learner) == {leaf.pk: status}
    assert TopicProgress.objects.count() == 1


def test_the_page_it_returns_to_shows_the_new_status(client, learner, roadmap):
    leaf = type_hints()
    client.force_login(learner)

    response = client.post(status_url(leaf), {"status": "skipped"}, follow=True)

    html = response.content.decode()
    assert re.search(rf'id="topic-{leaf.pk}-skipped"[^>]*aria-pressed="true"', html)
    assert re.search(rf'id="topic-{leaf.pk}-done"[^>]*aria-pressed="false"', html)


# A leaf's status, through htmx


def test_it_answers_htmx_with_the_row_and_out_of_band_figures(client, learner, roadmap):
    leaf, root = type_hints(), python_root()
    client.force_login(learner)

    response = client.post(status_url(leaf), {"status": "done"}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    # The row itself is the swap's target: it is not out of band, and keeps its button ids for focus.
    row = re.search(
        rf'<div class="topic__row topic__row--done" id="topic-{leaf.pk}-row">.*?</div>', html, re.S
    )
    assert row and "data-hx-swap-oob" not in row.group(0)
    assert re.search(rf'id="topic-{leaf.pk}-done"[^>]*aria-pressed="true"', row.group(0))
    assert f"Mark {leaf.title} as done" in row.group(0)
    # Around it: the tree's summary, the section's and the phase's bars, and a sentence to read out.
    assert "1 of 7 done" in oob(html, f"topic-{root.pk}-head")
    assert "1 of 7 completed" in oob(html, f"section-{leaf.section_id}-progress")
    assert "4%</strong> completed" in oob(html, "phase-progress")
    assert re.search(r'id="progress-announcer" data-hx-swap-oob="innerHTML">Type hints: done\.', html)
    assert "<html" not in html
    assert statuses(learner) == {leaf.pk: TopicStatus.DONE}


def test_it_counts_skipped_topics_as_completed_in_the_htmx_figures(client, learner, roadmap):
    root = python_root()
    first, second, third = list(root.children.order_by("order"))[:3]
    mark(learner, [first], TopicStatus.DONE)
    mark(learner, [second], TopicStatus.IN_PROGRESS)
    client.force_login(learner)

    html = client.post(status_url(third), {"status": "skipped"}, **HTMX).content.decode()

    assert "1 of 7 done, 1 skipped, 1 in progress" in oob(html, f"topic-{root.pk}-head")
    section = oob(html, f"section-{root.section_id}-progress")
    assert "2 of 7 completed" in section
    assert "1 done · 1 skipped · 1 in progress" in section
    # Phase 1 has 25 leaves: 2 completed is 8%.
    assert "8%</strong> completed" in oob(html, "phase-progress")


def test_the_htmx_answer_costs_a_fixed_number_of_queries(client, learner, roadmap):
    leaf = type_hints()
    client.force_login(learner)
    with CaptureQueriesContext(connection) as small:
        assert client.post(status_url(leaf), {"status": "done"}, **HTMX).status_code == 200

    grow(leaf.section, trees=5, leaves=20)
    mark(learner, Topic.objects.leaves(), TopicStatus.IN_PROGRESS)
    with CaptureQueriesContext(connection) as large:
        response = client.post(status_url(leaf), {"status": "skipped"}, **HTMX)

    assert response.status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large]
    # 7 leaves of its own and 100 new ones, all in progress but the one just skipped.
    assert "1 skipped · 106 in progress" in oob(
        response.content.decode(), f"section-{leaf.section_id}-progress"
    )


# Mark all done


def test_it_marks_every_leaf_of_a_branch_done_but_keeps_skipped_ones(client, learner, roadmap):
    branch = linear_algebra()
    leaves = list(branch.children.all())
    mark(learner, leaves[:1], TopicStatus.SKIPPED)
    client.force_login(learner)

    response = client.post(done_all_url(branch), {})

    assert response.status_code == 302
    assert response["Location"] == anchor(branch)
    assert statuses(learner) == {
        leaf.pk: TopicStatus.SKIPPED if leaf == leaves[0] else TopicStatus.DONE for leaf in leaves
    }


def test_it_marks_a_whole_tree_from_its_root(client, learner, roadmap):
    root = Topic.objects.get(key="ai-ml-roadmap-2025/prerequisites/mathematics-foundations/math-for-ml")
    client.force_login(learner)

    client.post(done_all_url(root), {})

    leaves = Topic.objects.leaves().filter(section=root.section)
    assert leaves.count() == 13
    assert statuses(learner) == {leaf.pk: TopicStatus.DONE for leaf in leaves}


def test_it_answers_htmx_mark_all_with_every_row_that_changed(client, learner, roadmap):
    branch = linear_algebra()
    leaves = list(branch.children.all())
    client.force_login(learner)

    response = client.post(done_all_url(branch), {}, **HTMX)

    html = response.content.decode()
    head = re.search(rf'<div class="topic__meta topic__meta--done" id="topic-{branch.pk}-head">', html)
    assert head, "the branch's own summary is the swap's target"
    assert "All 4 done" in html
    for leaf in leaves:
        row = oob(html, f"topic-{leaf.pk}-row")
        assert re.search(rf'id="topic-{leaf.pk}-done"[^>]*aria-pressed="true"', row)
    assert "4 of 13 done" in oob(html, f"topic-{branch.parent_id}-head")
    assert "4 of 13 completed" in oob(html, f"section-{branch.section_id}-progress")
    assert "Linear Algebra: 4 topics marked done." in html


def test_mark_all_on_a_leaf_marks_that_leaf(client, learner, roadmap):
    leaf = type_hints()
    client.force_login(learner)

    client.post(done_all_url(leaf), {})

    assert statuses(learner) == {leaf.pk: TopicStatus.DONE}


# Bad input changes nothing


@pytest.mark.parametrize("data", [{"status": "bogus"}, {"status": ""}, {}, {"status": "DONE"}])
def test_it_refuses_a_status_it_does_not_know(client, learner, roadmap, data):
    leaf = type_hints()
    client.force_login(learner)

    for headers in [{}, HTMX]:
        response = client.post(status_url(leaf), data, **headers)
        assert response.status_code == 400
        assert "status" in response.content.decode()
    assert (
        "“bogus” is not a topic status."
        in client.post(status_url(leaf), {"status": "bogus"}).content.decode()
    )
    assert not TopicProgress.objects.exists()
    assert not Activity.objects.exists()


def test_it_refuses_a_status_for_a_topic_with_subtopics(client, learner, roadmap):
    client.force_login(learner)

    for topic in [linear_algebra(), python_root()]:
        response = client.post(status_url(topic), {"status": "done"})
        assert response.status_code == 400
        assert "Only topics without subtopics have a status" in response.content.decode()
    assert not TopicProgress.objects.exists()


@pytest.mark.parametrize("name", ["progress:topic_status", "progress:topic_done_all", "progress:topic"])
def test_it_answers_404_for_a_topic_that_does_not_exist(client, learner, roadmap, name):
    client.force_login(learner)
    missing = Topic.objects.order_by("-pk").first().pk + 1
    url = reverse(name, kwargs={"pk": missing})

    response = client.get(url) if name == "progress:topic" else client.post(url, {"status": "done"})

    assert response.status_code == 404
    assert not TopicProgress.objects.exists()


@pytest.mark.parametrize("url", [status_url, done_all_url])
def test_it_rejects_get(client, learner, roadmap, url):
    client.force_login(learner)

    assert client.get(url(type_hints()), {"status": "done"}).status_code == 405
    assert not TopicProgress.objects.exists()


@pytest.mark.parametrize("url", [status_url, done_all_url])
def test_it_sends_anonymous_visitors_to_sign_in_and_back_to_the_topic(client, roadmap, url):
    leaf = type_hints()

    response = client.post(url(leaf), {"status": "done"})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/topics/{leaf.pk}/"
    assert not TopicProgress.objects.exists()


def test_it_answers_anonymous_htmx_with_401_and_a_redirect_to_sign_in(client, roadmap):
    leaf = type_hints()

    response = client.post(status_url(leaf), {"status": "done"}, **HTMX)

    assert response.status_code == 401
    assert response["HX-Redirect"] == f"{reverse('account_login')}?next=/topics/{leaf.pk}/"
    assert not TopicProgress.objects.exists()


def test_the_topic_address_leads_to_its_place_on_the_phase_page(client, roadmap):
    leaf = type_hints()

    response = client.get(reverse("progress:topic", kwargs={"pk": leaf.pk}))

    assert response.status_code == 302
    assert response["Location"] == anchor(leaf)


# Learners never touch each other's progress


def test_it_changes_only_the_signed_in_learners_status(client, learner, outsider, roadmap):
    leaf = type_hints()
    mark(learner, [leaf], TopicStatus.DONE)
    client.force_login(outsider)

    client.post(status_url(leaf), {"status": "skipped"})
    html = client.post(status_url(leaf), {"status": "in_progress"}, **HTMX).content.decode()

    assert statuses(learner) == {leaf.pk: TopicStatus.DONE}
    assert statuses(outsider) == {leaf.pk: TopicStatus.IN_PROGRESS}
    assert "0 of 7 completed" in oob(html, f"section-{leaf.section_id}-progress")


# Two saves at once


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions")
# serialized_rollback: the flush after it leaves the migrated rows (content types) as the next
# serialized test expects them, whichever test comes next on this worker.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_saves_of_one_topic_leave_one_row(learner, roadmap):
    leaf = type_hints()
    rounds, workers = 5, 2
    barrier = threading.Barrier(workers)
    failures = []

    def save(status):
        client = Client()
        client.force_login(learner)
        try:
            for _ in range(rounds):
                barrier.wait(timeout=10)
                response = client.post(status_url(leaf), {"status": status})
                if response.status_code != 302:
                    failures.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(status,)) for status in ["done", "skipped"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    rows = TopicProgress.objects.filter(user=learner, topic=leaf)
    assert rows.count() == 1
    assert rows.get().status in {TopicStatus.DONE, TopicStatus.SKIPPED}

"""Two requests changing the same thing at once: the activity log stays a true history.

Each change reads the previous status to log "from → to". Two first changes of a
topic used to read "not started" side by side (there was no row yet to lock) and
both log "not started → …", and a change that waited could log an earlier time
than the one it came after. These tests hold the first request inside its
transaction, right after it read the previous status, until the second has had
its chance to read too: a lock taken before the read makes the second wait.

Real threads, each with its own connection, on PostgreSQL: SQLite takes its
write lock only at the first write, so it cannot show the difference.
"""

import contextlib
import itertools
import threading

import pytest
from django.db import connection, connections

from progress.models import Activity, ProjectProgress, TopicProgress
from progress.services import progress_set_status, progress_set_subtree_status, project_update
from roadmap.models import ProjectIdea, Topic

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: row locks between two connections (CI runs the suite on PostgreSQL)",
    ),
]

# How long the first request waits for the second to read: only reached when the
# second is (rightly) blocked behind the first's lock.
HOLD = 0.5


def _race(table: str, *changes):
    """Run each change in its own thread, together; each pauses after reading `table`
    until the other has read too (or HOLD has passed). Returns what each raised."""
    meeting = threading.Barrier(len(changes))
    errors = []

    def pause_after_reading(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith("SELECT") and f'"{table}"' in sql:
            with contextlib.suppress(threading.BrokenBarrierError):
                meeting.wait(timeout=HOLD)
        return result

    def run(change):
        try:
            with connection.execute_wrapper(pause_after_reading):
                change()
        except Exception as error:  # reported to the test, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(change,)) for change in changes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


def _assert_true_history(entries, saved: str):
    """Each entry starts where the one before ended, from "not started", and the last is what is saved."""
    entries = sorted(entries, key=lambda entry: (entry.created_at, entry.id))
    assert entries[0].from_status == "not_started"
    for before, after in itertools.pairwise(entries):
        assert after.from_status == before.to_status, [(e.from_status, e.to_status) for e in entries]
        assert after.created_at >= before.created_at
    assert entries[-1].to_status == saved


@pytest.fixture
def leaves(roadmap):
    return list(Topic.objects.leaves().order_by("id")[:5])


def test_two_first_changes_of_a_topic_log_one_start(learner, leaves):
    double_starts = 0
    for topic in leaves:
        _race(
            "progress_topicprogress",
            lambda topic=topic: progress_set_status(user=learner, topic=topic, status="done"),
            lambda topic=topic: progress_set_status(user=learner, topic=topic, status="in_progress"),
        )
        double_starts += Activity.objects.filter(topic=topic, from_status="not_started").count() > 1

    assert double_starts == 0, f"{double_starts} of {len(leaves)} racing pairs both logged “not started → …”"
    for topic in leaves:
        saved = TopicProgress.objects.get(user=learner, topic=topic).status
        entries = list(Activity.objects.filter(user=learner, topic=topic))
        assert len(entries) == 2
        _assert_true_history(entries, saved)


def test_a_first_change_racing_a_whole_tree_logs_one_start(learner, leaves):
    topic = leaves[0]
    _race(
        "progress_topicprogress",
        lambda: progress_set_status(user=learner, topic=topic, status="in_progress"),
        lambda: progress_set_subtree_status(user=learner, topic=topic, status="done"),
    )

    saved = TopicProgress.objects.get(user=learner, topic=topic).status
    _assert_true_history(list(Activity.objects.filter(user=learner, topic=topic)), saved)


def test_two_first_changes_of_a_project_log_one_start(learner, roadmap):
    project = ProjectIdea.objects.order_by("id").first()
    _race(
        "progress_projectprogress",
        lambda: project_update(user=learner, project=project, status="in_progress"),
        lambda: project_update(user=learner, project=project, status="done"),
    )

    saved = ProjectProgress.objects.get(user=learner, project=project).status
    entries = list(Activity.objects.filter(user=learner, project=project))
    assert len(entries) == 2
    _assert_true_history(entries, saved)

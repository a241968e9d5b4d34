import pytest
from django.core.exceptions import ValidationError
from django.db import connection  # noqa: F401 - the skipif condition reads it
from django.utils.timezone import now

from progress.models import (
    NOTE_MAX_LENGTH,
    Activity,
    PathChoice,
    ProjectProgress,
    TopicNote,
    TopicProgress,
    TopicStatus,
)
from progress.services import (
    note_save,
    path_set_sections,
    progress_set_status,
    progress_set_subtree_status,
    project_update,
)
from roadmap.models import Phase, ProjectIdea, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaf(roadmap):
    return Topic.objects.get(
        key="ai-ml-roadmap-2025/prerequisites/python-proficiency/python-for-ai-ml/type-hints"
    )


def test_setting_a_status_twice_keeps_one_row(learner, leaf):
    assert (
        progress_set_status(user=learner, topic=leaf, status=TopicStatus.IN_PROGRESS)
        == TopicStatus.NOT_STARTED
    )
    assert progress_set_status(user=learner, topic=leaf, status=TopicStatus.DONE) == TopicStatus.IN_PROGRESS
    row = TopicProgress.objects.get(user=learner, topic=leaf)
    assert row.status == TopicStatus.DONE
    assert TopicProgress.objects.count() == 1


def test_every_change_is_logged_once(learner, leaf):
    progress_set_status(user=learner, topic=leaf, status=TopicStatus.IN_PROGRESS)
    progress_set_status(user=learner, topic=leaf, status=TopicStatus.DONE)
    progress_set_status(user=learner, topic=leaf, status=TopicStatus.DONE)  # no change, no entry
    changes = list(
        Activity.objects.filter(user=learner)
        .order_by("created_at", "id")
        .values_list("from_status", "to_status")
    )
    assert changes == [("not_started", "in_progress"), ("in_progress", "done")]
    assert Activity.objects.get(to_status="done").topic == leaf


def test_it_refuses_an_unknown_status(learner, leaf):
    with pytest.raises(ValidationError) as error:
        progress_set_status(user=learner, topic=leaf, status="finished")
    assert error.value.code == "invalid_status"
    assert not TopicProgress.objects.exists() and not Activity.objects.exists()


def test_it_refuses_a_status_for_a_topic_with_subtopics(learner, roadmap):
    parent = Topic.objects.filter(children__isnull=False).first()
    with pytest.raises(ValidationError) as error:
        progress_set_status(user=learner, topic=parent, status=TopicStatus.DONE)
    assert error.value.code == "not_leaf"
    assert not TopicProgress.objects.exists()


def test_it_marks_a_whole_subtree(learner, roadmap):
    root = Topic.objects.get(key="ai-ml-roadmap-2025/prerequisites/python-proficiency/python-for-ai-ml")
    leaves = Topic.objects.leaves().filter(section=root.section)
    first = leaves.first()
    progress_set_status(user=learner, topic=first, status=TopicStatus.DONE)
    changed = progress_set_subtree_status(user=learner, topic=root)
    assert len(changed) == leaves.count() - 1
    assert {change.topic_id for change in changed} == set(
        leaves.exclude(pk=first.pk).values_list("pk", flat=True)
    )
    assert {(change.before, change.after) for change in changed} == {
        (TopicStatus.NOT_STARTED, TopicStatus.DONE)
    }
    assert set(TopicProgress.objects.filter(user=learner).values_list("status", flat=True)) == {
        TopicStatus.DONE
    }
    assert TopicProgress.objects.filter(user=learner).count() == leaves.count()
    assert Activity.objects.filter(user=learner).count() == leaves.count()
    # Again: nothing left to change, nothing logged.
    assert progress_set_subtree_status(user=learner, topic=root) == []
    assert Activity.objects.filter(user=learner).count() == leaves.count()


def test_marking_a_subtree_done_keeps_skipped_leaves(learner, roadmap):
    root = Topic.objects.get(key="ai-ml-roadmap-2025/prerequisites/python-proficiency/python-for-ai-ml")
    leaves = list(Topic.objects.leaves().filter(section=root.section))
    progress_set_status(user=learner, topic=leaves[0], status=TopicStatus.SKIPPED)
    assert len(progress_set_subtree_status(user=learner, topic=root)) == len(leaves) - 1
    assert TopicProgress.objects.get(user=learner, topic=leaves[0]).status == TopicStatus.SKIPPED


def test_subtree_marking_reaches_nested_leaves_only(learner, roadmap):
    nested = Topic.objects.filter(parent__parent__isnull=False, children__isnull=True).first()
    branch = nested.parent
    expected = set(Topic.objects.filter(parent=branch, children__isnull=True).values_list("id", flat=True))
    changed = progress_set_subtree_status(user=learner, topic=branch, status=TopicStatus.SKIPPED)
    assert len(changed) == len(expected)
    assert set(TopicProgress.objects.values_list("topic_id", flat=True)) == expected


def test_subtree_marking_refuses_an_unknown_status(learner, leaf):
    with pytest.raises(ValidationError):
        progress_set_subtree_status(user=learner, topic=leaf, status="nope")


def test_subtree_marking_a_leaf_marks_only_it(learner, leaf):
    assert len(progress_set_subtree_status(user=learner, topic=leaf)) == 1
    assert list(TopicProgress.objects.values_list("topic_id", flat=True)) == [leaf.pk]


def test_one_learners_marks_leave_another_alone(learner, outsider, leaf):
    progress_set_status(user=learner, topic=leaf, status=TopicStatus.DONE)
    assert (
        progress_set_status(user=outsider, topic=leaf, status=TopicStatus.SKIPPED) == TopicStatus.NOT_STARTED
    )
    assert TopicProgress.objects.get(user=learner).status == TopicStatus.DONE


def test_a_note_is_upserted_and_emptied_away(learner, leaf):
    note_save(user=learner, topic=leaf, text="  first  ")
    note = note_save(user=learner, topic=leaf, text="second")
    assert note.text == "second"
    assert TopicNote.objects.count() == 1
    assert note_save(user=learner, topic=leaf, text="   ") is None
    assert not TopicNote.objects.exists()


def test_a_note_too_long_is_refused(learner, leaf):
    with pytest.raises(ValidationError) as error:
        note_save(user=learner, topic=leaf, text="x" * (NOTE_MAX_LENGTH + 1))
    assert "text" in error.value.message_dict
    assert not TopicNote.objects.exists()


def test_a_project_is_upserted_and_logged(learner, roadmap):
    project = ProjectIdea.objects.first()
    project_update(user=learner, project=project, status="in_progress")
    row = project_update(user=learner, project=project, status="done", evidence_url="https://example.com/x")
    assert (row.status, row.evidence_url) == ("done", "https://example.com/x")
    assert ProjectProgress.objects.count() == 1
    assert list(Activity.objects.order_by("id").values_list("kind", "to_status")) == [
        ("project", "in_progress"),
        ("project", "done"),
    ]


@pytest.mark.parametrize(
    "bad", [{"status": "finished"}, {"status": "done", "evidence_url": "javascript:alert(1)"}]
)
def test_a_project_with_bad_input_changes_nothing(learner, roadmap, bad):
    with pytest.raises(ValidationError):
        project_update(user=learner, project=ProjectIdea.objects.first(), **bad)
    assert not ProjectProgress.objects.exists() and not Activity.objects.exists()


def test_a_path_is_chosen_and_replaced(learner, roadmap):
    elective = Phase.objects.get(is_elective=True)
    first, second, third = elective.sections.order_by("order")
    path_set_sections(user=learner, phase=elective, sections=[first, second])
    path_set_sections(user=learner, phase=elective, sections=[second, third])
    assert set(PathChoice.objects.values_list("section_id", flat=True)) == {second.pk, third.pk}


def test_a_path_only_exists_in_an_elective_phase(learner, roadmap):
    phase = Phase.objects.get(number=1)
    with pytest.raises(ValidationError):
        path_set_sections(user=learner, phase=phase, sections=list(phase.sections.all()))
    elective = Phase.objects.get(is_elective=True)
    with pytest.raises(ValidationError):
        path_set_sections(user=learner, phase=elective, sections=[phase.sections.first()])
    assert not PathChoice.objects.exists()


# The activity log is written by the database (progress/migrations/0005)


def test_the_database_logs_a_status_written_any_way(learner, leaf):
    TopicProgress.objects.create(user=learner, topic=leaf, status=TopicStatus.IN_PROGRESS, updated_at=now())
    TopicProgress.objects.filter(user=learner, topic=leaf).update(status=TopicStatus.SKIPPED)
    TopicProgress.objects.filter(user=learner, topic=leaf).update(status=TopicStatus.SKIPPED)  # no change
    log = list(Activity.objects.filter(user=learner).order_by("id").values_list("from_status", "to_status"))
    assert log == [("not_started", "in_progress"), ("in_progress", "skipped")]
    assert all(abs((entry.created_at - now()).total_seconds()) < 60 for entry in Activity.objects.all())


def test_a_status_write_is_one_query(learner, leaf, django_assert_num_queries):
    with django_assert_num_queries(1):
        progress_set_status(user=learner, topic=leaf, status=TopicStatus.DONE)
    assert Activity.objects.filter(user=learner, to_status="done").count() == 1


# serialized_rollback: the flush after it leaves the migrated rows (content types) as the next
# serialized test expects them, whichever test comes next on this worker.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent writers need PostgreSQL")
def test_racing_first_changes_log_one_chain_that_ends_in_the_saved_status(learner, roadmap):
    """Two requests changing topics for the first time at once (80 pairs): each topic's log is
    "not started -> A", then "A -> B", and its last entry is the status saved."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connections

    leaves = list(Topic.objects.leaves()[:80])
    barrier = Barrier(2)

    def change(topic, status):
        try:
            barrier.wait()
            progress_set_status(user=learner, topic=topic, status=status)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        for topic in leaves:
            list(pool.map(change, [topic, topic], [TopicStatus.DONE, TopicStatus.IN_PROGRESS]))

    for topic in leaves:
        saved = TopicProgress.objects.get(user=learner, topic=topic).status
        log = list(
            Activity.objects.filter(user=learner, topic=topic)
            .order_by("created_at", "id")
            .values_list("from_status", "to_status")
        )
        assert log[0][0] == TopicStatus.NOT_STARTED, log
        assert len(log) == 2 and log[1][0] == log[0][1], log  # a chain, not two "not started"
        assert log[-1][1] == saved

import pytest
from django.utils import timezone

from progress.models import PathChoice, TopicProgress, TopicStatus
from progress.outline import learner_outline
from progress.stats import Tally, learner_progress
from roadmap.models import Phase, Topic

pytestmark = pytest.mark.django_db


def mark(user, topics, status):
    now = timezone.now()
    TopicProgress.objects.bulk_create(
        TopicProgress(user=user, topic=t, status=status, updated_at=now) for t in topics
    )


def test_a_tally_counts_skipped_as_completed():
    tally = Tally(leaves=7, done=2, skipped=1, in_progress=1)
    assert (tally.completed, tally.not_started, tally.percent) == (3, 3, 42)  # rounded down
    assert not tally.is_complete
    assert Tally(leaves=2, done=1, skipped=1).is_complete
    assert Tally().percent == 0 and not Tally().is_complete


def test_skipped_topics_count_toward_progress(learner, roadmap):
    phase = Phase.objects.get(number=1)
    leaves = list(Topic.objects.leaves().filter(section__phase=phase))
    mark(learner, leaves[:3], TopicStatus.DONE)
    mark(learner, leaves[3:5], TopicStatus.SKIPPED)
    mark(learner, leaves[5:6], TopicStatus.IN_PROGRESS)
    progress = learner_progress(user=learner, roadmap=roadmap)
    tally = progress.phases[phase.pk]
    assert (tally.leaves, tally.done, tally.skipped, tally.in_progress, tally.completed) == (25, 3, 2, 1, 5)
    assert tally.percent == 20
    assert progress.overall.completed == 5


def test_phase_eight_counts_only_the_chosen_path(learner, roadmap):
    elective = Phase.objects.get(is_elective=True)
    vision, language, _generative = elective.sections.order_by("order")
    vision_leaves = list(Topic.objects.leaves().filter(section=vision))
    language_leaves = list(Topic.objects.leaves().filter(section=language))
    mark(learner, vision_leaves, TopicStatus.DONE)
    mark(learner, language_leaves[:1], TopicStatus.DONE)

    # No path chosen yet: Phase 8 counts for nothing, overall is phases 1-7.
    progress = learner_progress(user=learner, roadmap=roadmap)
    assert progress.phases[elective.pk].leaves == 0
    assert progress.overall.leaves == 176 and progress.overall.completed == 0
    # The section's own figures still show what was done there.
    assert progress.sections[vision.pk].done == len(vision_leaves)

    PathChoice.objects.create(user=learner, section=vision)
    progress = learner_progress(user=learner, roadmap=roadmap)
    assert progress.phases[elective.pk].leaves == len(vision_leaves)
    assert progress.phases[elective.pk].is_complete
    assert progress.overall.leaves == 176 + len(vision_leaves)
    # Work in a section off the path does not count.
    assert progress.overall.completed == len(vision_leaves)


def test_the_dashboard_outline_counts_as_stats_does(learner, roadmap):
    elective = Phase.objects.get(is_elective=True)
    PathChoice.objects.create(user=learner, section=elective.sections.first())
    statuses = [TopicStatus.DONE, TopicStatus.SKIPPED, TopicStatus.IN_PROGRESS, TopicStatus.NOT_STARTED]
    now = timezone.now()
    TopicProgress.objects.bulk_create(
        TopicProgress(user=learner, topic=topic, status=statuses[i % 4], updated_at=now)
        for i, topic in enumerate(Topic.objects.leaves().order_by("id"))
    )
    expected = learner_progress(user=learner, roadmap=roadmap)
    counted = learner_outline(user=learner, roadmap_id=roadmap.pk).progress
    assert counted.overall == expected.overall
    assert counted.phases == expected.phases
    assert {key: value for key, value in counted.sections.items() if value.leaves} == {
        key: value for key, value in expected.sections.items() if value.leaves
    }

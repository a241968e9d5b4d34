"""The overview through a learner's eyes: their figures on the phase cards, and where to go on."""

import re

import pytest
from django.utils import timezone

from progress.models import LearningPlan, PathChoice, TopicStatus
from progress.services import note_save, progress_set_status, progress_set_subtree_status
from roadmap.models import Phase, Section, Topic

pytestmark = pytest.mark.django_db


def leaves(number):
    return list(
        Topic.objects.leaves().filter(section__phase__number=number).order_by("section__order", "order", "id")
    )


def test_it_puts_the_learners_figures_on_every_phase_card(client, learner, roadmap):
    first = leaves(1)
    progress_set_status(user=learner, topic=first[0], status=TopicStatus.DONE)
    progress_set_status(user=learner, topic=first[1], status=TopicStatus.SKIPPED)
    client.force_login(learner)

    html = client.get("/").content.decode()

    assert "Yours: <strong>8%</strong> · 2 of 25 completed" in html
    assert html.count("Yours: <strong>0%</strong> · 0 of ") == 6  # phases 2 to 7
    assert "Yours: choose your path to count it" in html  # Phase 8
    assert "<strong>1%</strong> completed: 2 of 176 topics on your path." in html


def test_it_offers_to_continue_with_the_next_topic(client, learner, roadmap):
    first = leaves(1)
    progress_set_status(user=learner, topic=first[0], status=TopicStatus.DONE)
    client.force_login(learner)

    html = client.get("/").content.decode()

    anchor = f"/phases/prerequisites/#{first[1].slug}"
    assert f'<a class="button" href="{anchor}">Continue: {first[1].title}</a>' in html
    assert "Start with Phase 1" not in html


def test_it_continues_with_a_topic_in_progress_first(client, learner, roadmap):
    later = leaves(3)[4]
    progress_set_status(user=learner, topic=later, status=TopicStatus.IN_PROGRESS)
    client.force_login(learner)

    html = client.get("/").content.decode()

    assert f"Continue: {later.title}</a>" in html
    assert "In progress · Phase 3" in html


def test_it_sends_a_learner_who_finished_their_path_to_choose_one(client, learner, roadmap):
    for root in Topic.objects.roots().exclude(section__phase__is_elective=True):
        progress_set_subtree_status(user=learner, topic=root)
    client.force_login(learner)

    html = client.get("/").content.decode()

    assert "Continue:" not in html
    assert "Choose your path in Phase 8" in html


def test_it_invites_visitors_to_sign_up_to_track_their_progress(client, roadmap):
    html = client.get("/").content.decode()

    assert "Start with Phase 1" in html
    assert re.search(r'<a href="/accounts/signup/">Sign up</a>, free, to mark topics', html)
    assert "Yours:" not in html
    assert "Continue:" not in html


def test_it_explains_why_the_learners_count_is_smaller_than_the_roadmaps(client, learner, roadmap):
    html = client.get("/").content.decode()
    assert "199 topics" in html
    assert "Phase 8 (23 topics) is elective" in html

    client.force_login(learner)
    html = client.get("/").content.decode()
    assert "Your progress counts 176 of the roadmap's 199 topics" in html

    chosen = Section.objects.filter(phase__is_elective=True).order_by("order").first()
    PathChoice.objects.create(user=learner, section=chosen)
    html = client.get("/").content.decode()
    counted = 176 + Topic.objects.leaves().filter(section=chosen).count()
    assert f"Your progress counts {counted} of the roadmap's 199 topics" in html


def test_the_dashboard_explains_the_count_and_offers_to_continue(client, learner, roadmap):
    client.force_login(learner)
    html = client.get("/dashboard/").content.decode()
    first = leaves(1)[0]
    assert f'href="/phases/prerequisites/#{first.slug}">Continue: {first.title}</a>' in html
    assert "Your progress counts 176 of the roadmap's 199 topics" in html


def test_the_overview_costs_the_same_few_queries_however_much_a_learner_did(
    client, learner, roadmap, django_assert_num_queries
):
    client.force_login(learner)
    client.get("/")  # the content, read once into the cached structure

    def count():
        # Session, user (with what the navigation needs), content version, the learner's figures.
        with django_assert_num_queries(4):
            assert client.get("/").status_code == 200

    count()
    LearningPlan.objects.create(user=learner, start_date=timezone.localdate(), updated_at=timezone.now())
    for phase in Phase.objects.exclude(is_elective=True):
        for root in Topic.objects.roots().filter(section__phase=phase)[:2]:
            progress_set_subtree_status(user=learner, topic=root)
    for leaf in Topic.objects.leaves()[:30]:
        note_save(user=learner, topic=leaf, text="A note.")
    count()

"""A cohort's rows are kept between looks, and any change to a member shows on the next one.

The table keeps a cohort's computed rows while its fingerprint (members, and the
sum of their change stamps, raised by database triggers) stays the same. Each
test takes a look, changes one thing the table shows, and checks the next look
shows it and agrees with rows counted from scratch.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from progress.mentoring.models import Cohort, Membership, Nudge
from progress.mentoring.services import project_review
from progress.mentoring.table import learner_rows
from progress.models import ChangeStamp, LearningPlan, TopicProgress, TopicStatus
from progress.services import path_set_sections, progress_set_status, project_update
from roadmap.models import Phase, ProjectIdea, Topic

pytestmark = pytest.mark.usefixtures("roadmap")


def _look(cohort, now=None):
    """What the cohort table shows of each member, name first."""
    _phases, rows = learner_rows([Cohort.objects.get(pk=cohort.pk)], now=now)
    return sorted(
        (
            row.name,
            row.overall.percent,
            tuple(None if cell.needs_path else cell.tally.percent for cell in row.cells),
            row.plan_label,
            row.last_active,
            row.projects_done,
            row.projects_waiting,
            tuple(row.signals),
            row.accepts_nudges,
            row.last_nudged_at,
        )
        for row in rows[cohort.pk]
    )


def _counted_afresh(cohort, now=None):
    from progress.mentoring.table import forget_kept_rows

    forget_kept_rows()
    return _look(cohort, now)


def _leaf():
    return Topic.objects.leaves().order_by("section__phase__number", "section__order", "order", "id").first()


def _mark_done(learner, mentor, cohort):
    progress_set_status(user=learner, topic=_leaf(), status=TopicStatus.DONE)


def _choose_a_path(learner, mentor, cohort):
    phase = Phase.objects.get(is_elective=True)
    path_set_sections(user=learner, phase=phase, sections=[phase.sections.order_by("order").first()])


def _save_a_plan(learner, mentor, cohort):
    LearningPlan.objects.create(user=learner, start_date=date.today() - timedelta(days=90))


def _finish_a_project(learner, mentor, cohort):
    project_update(
        user=learner,
        project=ProjectIdea.objects.order_by("order", "id").first(),
        status="done",
        evidence_url="https://example.com/mine",
    )


def _review_it(learner, mentor, cohort):
    project_review(reviewer=mentor, row=learner.project_progress.get())


def _nudge(learner, mentor, cohort):
    Nudge.objects.create(
        cohort=cohort, cohort_name=cohort.name, sender=mentor, learner=learner, message="Hi", batch="b"
    )


def _leave(learner, mentor, cohort):
    Membership.objects.filter(cohort=cohort, user=learner).delete()


def _rename(learner, mentor, cohort):
    learner.display_name = "Lena Renamed"
    learner.save(update_fields=["display_name"])


def _turn_nudges_off(learner, mentor, cohort):
    learner.accept_nudges = False
    learner.save(update_fields=["accept_nudges"])


def _start_the_other_cohort(learner, mentor, cohort):
    """The learner has no plan of their own and this cohort no start date: their latest
    cohort's start date is their plan's start."""
    other = Cohort.objects.get(name="Other")
    other.start_date = date.today() - timedelta(days=30)
    other.save(update_fields=["start_date"])


def _join_another_cohort(learner, mentor, cohort):
    Membership.objects.create(
        cohort=Cohort.objects.create(name="Other"), user=learner, joined_at=timezone.now() + timedelta(days=1)
    )


def _give_the_done_topic_subtopics(learner, mentor, cohort):
    """An editor's change: the done leaf becomes a branch and counts for nothing."""
    leaf = _leaf()
    Topic.objects.create(section=leaf.section, parent=leaf, title="A new subtopic", order=1)


CHANGES = {
    "a topic done": (None, _mark_done),
    "a path chosen": (None, _choose_a_path),
    "a plan saved": (None, _save_a_plan),
    "a project done": (None, _finish_a_project),
    "a project reviewed": (_finish_a_project, _review_it),
    "a nudge sent": (None, _nudge),
    "the learner left": (None, _leave),
    "a new name": (None, _rename),
    "nudges turned off": (None, _turn_nudges_off),
    "another cohort's start date": (_join_another_cohort, _start_the_other_cohort),
    "an editor's change": (_mark_done, _give_the_done_topic_subtopics),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_the_cohort_table_shows_any_change_to_a_member_on_the_next_look(change, learner, mentor, cohort):
    setup, act = change
    if setup:
        setup(learner, mentor, cohort)
    before = _look(cohort)
    assert _look(cohort) == before  # kept: the same rows again
    act(learner, mentor, cohort)
    after = _look(cohort)
    assert after != before
    assert after == _counted_afresh(cohort)


def test_rows_are_kept_until_a_member_changes(learner, mentor, cohort, django_assert_num_queries):
    _look(cohort)
    with django_assert_num_queries(3):  # the cohort, the content version, the fingerprint
        _look(cohort)
    _mark_done(learner, mentor, cohort)
    with django_assert_num_queries(5):  # and the memberships, their figures
        _look(cohort)


def test_signals_that_come_with_time_show_without_any_change(learner, mentor, cohort):
    """Stuck after 21 days on a topic: rows kept from before the day it turns show it after."""
    now = timezone.now()
    progress_set_status(user=learner, topic=_leaf(), status=TopicStatus.IN_PROGRESS)
    TopicProgress.objects.filter(user=learner).update(updated_at=now - timedelta(days=20))
    today = _look(cohort, now)
    assert not any("Stuck" in label for _key, label in today[0][7])
    later = _look(cohort, now + timedelta(days=2))
    assert ("stuck", "Stuck 3 weeks") in later[0][7]
    assert later == _counted_afresh(cohort, now + timedelta(days=2))


def test_every_change_raises_the_learners_stamp_and_only_theirs(learner, mentor, outsider, cohort):
    def stamp(user):
        return ChangeStamp.objects.filter(user_id=user.pk).values_list("value", flat=True).first() or 0

    before, others = stamp(learner), stamp(outsider)
    _mark_done(learner, mentor, cohort)
    assert stamp(learner) > before
    assert stamp(outsider) == others
    # A sign-in changes nothing the table shows, and raises nothing.
    raised = stamp(learner)
    learner.last_login = timezone.now()
    learner.save(update_fields=["last_login"])
    assert stamp(learner) == raised


def test_the_least_recently_shown_cohort_is_dropped_first(learner, mentor, cohort, outsider, monkeypatch):
    """Memory stays bounded: past KEPT_LEARNERS rows, the cohort looked at longest ago goes."""
    from progress.mentoring import table

    other = Cohort.objects.create(name="Other")
    Membership.objects.create(cohort=other, user=outsider)
    monkeypatch.setattr(table._KEPT, "limit", 1)
    _look(cohort)
    _look(other)
    assert list(table._KEPT) == [other.pk]
    _look(cohort)
    assert list(table._KEPT) == [cohort.pk]

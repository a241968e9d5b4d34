"""Demo progress for `manage.py seed_demo`: so that a first run has something to look at.

The demo learner gets a plan and weeks of progress, notes and a reviewed
project; the demo mentor a cohort of a dozen learners in every state a mentor
watches for: on track, ahead, behind, inactive (nothing for 14+ days), stuck
(a topic in progress, unchanged for 21+ days) and waiting for a review (a done
project nobody reviewed). Everything is dated relative to today, so the states
hold whenever it runs.

Statuses are written through the services, like any learner's, and the
database logs each change at the time of writing; the log and the rows are
then dated back to when the learner "did" them.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from progress import plan as plans
from progress.models import (
    Activity,
    Cohort,
    LearningPlan,
    Membership,
    Pace,
    ProjectProgress,
    ProjectStatus,
    TopicNote,
    TopicProgress,
    TopicStatus,
)
from progress.services import note_save, progress_set_status, project_update
from roadmap import structure as roadmap_structure

COHORT_NAME = "Demo cohort"
COHORT_WEEKS = 10  # the cohort started this long ago
COHORT_DOMAIN = "cohort.waymark.local"


@dataclass(frozen=True)
class DemoLearner:
    slug: str
    name: str
    pace_days: int  # how far ahead (+) or behind (-) of their plan, in days
    quiet_days: int = 0  # days since they last changed anything
    stuck_days: int = 0  # a topic in progress unchanged this long (0: none)
    waiting_review: bool = False  # a finished project no one has reviewed yet


COHORT = (
    DemoLearner("ada", "Ada Okafor", 0),
    DemoLearner("ben", "Ben Ito", 24),
    DemoLearner("chloe", "Chloé Martin", -25),
    DemoLearner("dev", "Dev Patel", -30, quiet_days=18),
    DemoLearner("emma", "Emma Novak", -3, stuck_days=26),
    DemoLearner("farid", "Farid Haddad", 2, waiting_review=True),
    DemoLearner("grace", "Grace Lindqvist", 5),
    DemoLearner("hiro", "Hiro Tanaka", -40, quiet_days=23),
    DemoLearner("isla", "Isla Byrne", -60),
    DemoLearner("jonas", "Jonas Weber", 10, waiting_review=True),
    DemoLearner("kemi", "Kemi Adeyemi", 35),
    DemoLearner("lucia", "Lucía Fernández", -18, stuck_days=22),
)
LEARNER_NOTES = (
    "Redo the exercises with NumPy broadcasting, not loops.",
    "3Blue1Brown's series made this click. Watch chapter 4 again before Phase 2.",
    "Practise with a small dataset first: the Titanic one on Kaggle.",
    "Questions for my mentor: when is a validation set enough, when do I need cross-validation?",
)


def _dated(day: date, rng: random.Random) -> datetime:
    """A moment on `day` when someone studies: an evening, or a weekend morning."""
    hour = rng.choice([7, 8, 19, 20, 21]) if day.weekday() < 5 else rng.choice([9, 10, 11, 15, 16])
    return timezone.make_aware(datetime.combine(day, time(hour, rng.randrange(60))))


def _expected(structure, *, start: date, day: date) -> int:
    """How many topics the 12-month plan expects done on `day`."""
    facts = [
        plans.PhaseFacts(
            id=phase.id,
            number=phase.number,
            title=phase.title,
            slug=phase.slug,
            leaves=phase.leaf_count,
            duration_max_months=phase.duration_max_months,
            timeline_start_month=phase.timeline_start_month,
            timeline_end_month=phase.timeline_end_month,
        )
        for phase in structure.phases
        if not phase.is_elective
    ]
    targets = plans.phase_targets(facts, start_date=start, pace=Pace.TWELVE_MONTHS)
    return int(plans.expected_completed([t for t in targets if t.end], day))


def _study_days(start: date, end: date, rng: random.Random) -> list[date]:
    """The days between `start` and `end` (both included) someone studied: most evenings."""
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    studied = [day for day in days if rng.random() < (0.65 if day.weekday() < 5 else 0.45)]
    return studied or [end]


def _progress(user, structure, *, count: int, start: date, last: date, stuck_days: int, today: date, rng):
    """Mark the first `count` topics of the path done (a few skipped), the next one in progress,
    and date it all between `start` and `last`."""
    leaves = _path(structure)
    count = max(0, min(count, len(leaves) - 2))
    days = _study_days(start, last, rng)
    # Stuck on one topic while still ticking off the ones after it.
    stuck = leaves[max(count - 4, 0)].id if stuck_days and count else None
    when: dict[int, datetime] = {}
    for index, leaf in enumerate(leaves[:count]):
        if leaf.id == stuck:
            progress_set_status(user=user, topic=leaf, status=TopicStatus.IN_PROGRESS)
            when[leaf.id] = _dated(today - timedelta(days=stuck_days), rng)
            continue
        status = TopicStatus.SKIPPED if index % 11 == 7 else TopicStatus.DONE
        progress_set_status(user=user, topic=leaf, status=status)
        when[leaf.id] = _dated(days[min(len(days) - 1, index * len(days) // max(count, 1))], rng)
    started = leaves[count]
    progress_set_status(user=user, topic=started, status=TopicStatus.IN_PROGRESS)
    when[started.id] = _dated(last, rng)
    _date_back(user, when)


def _path(structure):
    """The leaves every learner's path has, in reading order (elective phases left out)."""
    return [leaf for leaf in structure.leaves if not structure.phase_by_id[leaf.phase_id].is_elective]


def _date_back(user, when: dict[int, datetime]) -> None:
    """Date each topic's row and its log entries back to when the learner changed it."""
    rows = list(TopicProgress.objects.filter(user=user, topic_id__in=when))
    for row in rows:
        row.updated_at = when[row.topic_id]
    TopicProgress.objects.bulk_update(rows, ["updated_at"], batch_size=200)
    entries = list(Activity.objects.filter(user=user, topic_id__in=when))
    for entry in entries:
        entry.created_at = when[entry.topic_id]
    Activity.objects.bulk_update(entries, ["created_at"], batch_size=200)


def _forget(user) -> None:
    """A cohort demo learner starts afresh each run, so their states stay true to today."""
    Activity.objects.filter(user=user).delete()
    TopicProgress.objects.filter(user=user).delete()
    TopicNote.objects.filter(user=user).delete()
    ProjectProgress.objects.filter(user=user).delete()
    LearningPlan.objects.filter(user=user).delete()


def _finish_project(user, project, *, day: datetime, rng, reviewer=None, comment: str = "") -> None:
    project_update(
        user=user,
        project=project,
        status=ProjectStatus.DONE,
        evidence_url=f"https://github.com/{user.email.split('@')[0]}/{project.key.rsplit('/', 1)[-1]}",
        reflection="Smaller than I planned, and better for it.",
    )
    reviewed = {"reviewed_at": day + timedelta(days=2), "reviewed_by": reviewer, "review_comment": comment}
    ProjectProgress.objects.filter(user=user, project_id=project.id).update(
        updated_at=day, **(reviewed if reviewer else {})
    )
    Activity.objects.filter(user=user, project_id=project.id).update(created_at=day)


@transaction.atomic
def seed_demo_progress(*, learner, mentor, user_model, today: date | None = None) -> dict:
    """Give the demo learner progress (unless they made some already) and the demo mentor their
    cohort (made afresh each run). What was done, in numbers."""
    structure = roadmap_structure.current()
    if structure.roadmap is None:
        return {}
    today = today or timezone.localdate()
    start = today - timedelta(weeks=COHORT_WEEKS)
    rng = random.Random(12)  # the same demo every run
    cohort = Cohort.objects.filter(name=COHORT_NAME, mentors=mentor).first()
    if cohort is None:
        cohort = Cohort.objects.create(name=COHORT_NAME, start_date=start)
        cohort.mentors.add(mentor)
    Cohort.objects.filter(pk=cohort.pk).update(start_date=start)
    projects = list(structure.projects)
    seeded = 0
    for person in COHORT:
        user, _created = user_model.objects.get_or_create(
            email=f"{person.slug}@{COHORT_DOMAIN}", defaults={"display_name": person.name}
        )
        if _created:
            user.set_unusable_password()
            user.date_joined = timezone.make_aware(datetime.combine(start, time(9)))
            user.save(update_fields=["password", "date_joined"])
        _forget(user)
        membership, _ = Membership.objects.get_or_create(cohort=cohort, user=user)
        Membership.objects.filter(pk=membership.pk).update(joined_at=user.date_joined)
        last = today - timedelta(days=person.quiet_days)
        count = _expected(structure, start=start, day=last + timedelta(days=person.pace_days))
        _progress(
            user,
            structure,
            count=count,
            start=start,
            last=last,
            stuck_days=person.stuck_days,
            today=today,
            rng=rng,
        )
        if person.waiting_review and projects:
            _finish_project(user, projects[0], day=_dated(last - timedelta(days=1), rng), rng=rng)
        seeded += 1

    learner_seeded = False
    if not TopicProgress.objects.filter(user=learner).exists():
        own_start = today - timedelta(weeks=9)
        LearningPlan.objects.update_or_create(
            user=learner, defaults={"start_date": own_start, "pace": Pace.TWELVE_MONTHS}
        )
        Membership.objects.get_or_create(cohort=cohort, user=learner)
        count = _expected(structure, start=own_start, day=today)
        _progress(
            learner, structure, count=count, start=own_start, last=today, stuck_days=0, today=today, rng=rng
        )
        leaves = _path(structure)
        for leaf, text in zip(
            leaves[2 : count : max(count // len(LEARNER_NOTES), 1)], LEARNER_NOTES, strict=False
        ):
            note_save(user=learner, topic=leaf, text=text)
        TopicNote.objects.filter(user=learner).update(updated_at=_dated(today - timedelta(days=3), rng))
        if projects:
            _finish_project(
                learner,
                projects[0],
                day=_dated(today - timedelta(days=6), rng),
                rng=rng,
                reviewer=mentor,
                comment="Clear write-up. Next time, compare against a simple baseline first.",
            )
        if len(projects) > 1:
            project_update(user=learner, project=projects[1], status=ProjectStatus.IN_PROGRESS)
        learner_seeded = True
    return {"cohort": cohort, "cohort_learners": seeded, "learner_seeded": learner_seeded}

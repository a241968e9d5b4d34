"""Everything the learner's dashboard shows, gathered in a fixed number of queries.

Five queries whatever the amount of progress or activity: the phases (with
their timeline months), the outline (every topic with the learner's status),
the activity per day, the ten latest changes, and one row holding the plan,
the cohort's start date and the project counts. The site's navigation costs a few more, so
tests/progress/test_dashboard.py holds the whole page to ten.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from progress.activity import ActivitySummary, activity_summary
from progress.models import Activity, Membership, Pace, ProjectProgress, ProjectStatus, TopicStatus
from progress.outline import Outline, TopicRow, learner_outline
from progress.plan import PlanReport, phase_facts, plan_report, planning_phases
from progress.stats import Tally
from roadmap.models import Phase, ProjectIdea

RECENT_CHANGES = 10


@dataclass(frozen=True)
class Bar:
    """Widths (percent of the bar, as SVG attributes) of a stacked progress bar, and its words."""

    label: str
    done: str
    skipped: str
    skipped_x: str
    in_progress: str
    in_progress_x: str

    @classmethod
    def of(cls, tally: Tally, name: str) -> "Bar":
        def width(count):
            return 100 * count / tally.leaves if tally.leaves else 0.0

        done, skipped, started = width(tally.done), width(tally.skipped), width(tally.in_progress)
        label = (
            f"{name}: {tally.percent}% completed ({tally.done} done, {tally.skipped} skipped, "
            f"{tally.in_progress} in progress, of {tally.leaves} topics)"
        )
        return cls(
            label=label,
            done=f"{done:.2f}",
            skipped=f"{skipped:.2f}",
            skipped_x=f"{done:.2f}",
            in_progress=f"{started:.2f}",
            in_progress_x=f"{done + skipped:.2f}",
        )


@dataclass(frozen=True)
class PhaseFigure:
    phase: Phase
    tally: Tally
    # An elective phase whose sections the learner has not chosen yet: it counts for nothing.
    needs_path: bool

    @property
    def bar(self) -> Bar:
        return Bar.of(self.tally, f"Phase {self.phase.number}")


@dataclass(frozen=True)
class RecentChange:
    when: datetime
    title: str
    url: str
    from_label: str
    to_label: str
    is_project: bool
    just_now: bool  # under a minute ago, where "0 minutes ago" would read oddly


@dataclass(frozen=True)
class ProjectsSummary:
    total: int
    done: int
    in_progress: int

    @property
    def not_started(self) -> int:
        return max(self.total - self.done - self.in_progress, 0)


@dataclass(frozen=True)
class Dashboard:
    roadmap: object
    phases: list[PhaseFigure]
    outline: Outline
    plan: PlanReport | None
    activity: ActivitySummary
    recent: list[RecentChange]
    projects: ProjectsSummary

    @property
    def overall(self) -> Tally:
        return self.outline.progress.overall

    @property
    def overall_bar(self) -> Bar:
        return Bar.of(self.overall, "Overall")

    @property
    def current_phase(self) -> PhaseFigure | None:
        """The first phase not yet completed on the learner's path (None when all are)."""
        for figure in self.phases:
            if figure.needs_path or (figure.tally.leaves and not figure.tally.is_complete):
                return figure
        return None

    @property
    def next_topics(self) -> list[TopicRow]:
        return self.outline.next_topics(5)

    @property
    def last_active(self) -> datetime | None:
        return self.recent[0].when if self.recent else None


def _label(kind, status: str) -> str:
    statuses = ProjectStatus if kind == Activity.Kind.PROJECT else TopicStatus
    return statuses(status).label if status in statuses.values else status


def recent_changes(user, *, now: datetime | None = None, limit: int = RECENT_CHANGES) -> list[RecentChange]:
    """The learner's latest status changes, newest first (one query)."""
    now = now or timezone.now()
    rows = Activity.objects.filter(user=user).select_related("topic__section__phase", "project")[:limit]
    projects_url = reverse("roadmap:projects")
    changes = []
    for row in rows:
        if row.kind == Activity.Kind.PROJECT:
            title, url = row.project.title, projects_url
        else:
            title, url = row.topic.title, f"{row.topic.section.phase.get_absolute_url()}#topic-{row.topic_id}"
        changes.append(
            RecentChange(
                when=row.created_at,
                title=title,
                url=url,
                from_label=_label(row.kind, row.from_status),
                to_label=_label(row.kind, row.to_status),
                is_project=row.kind == Activity.Kind.PROJECT,
                just_now=now - row.created_at < timedelta(minutes=1),
            )
        )
    return changes


@dataclass(frozen=True)
class LearnerFacts:
    plan_start: date | None  # the saved plan's, None without one
    plan_pace: str | None
    cohort_start: date | None  # of the most recently joined cohort that has a start date
    projects: ProjectsSummary


def learner_facts(user, *, roadmap_id: int) -> LearnerFacts:
    """The learner's saved plan, their cohort's start date and how many of the
    roadmap's project ideas they have done or started.

    One query, a single row of small facts about the learner (the plan joined,
    the rest as subqueries), because the page's query budget is shared with
    the site's navigation."""
    mine = ProjectProgress.objects.filter(user=OuterRef("pk"), project__roadmap_id=roadmap_id)
    ideas = ProjectIdea.objects.filter(roadmap_id=roadmap_id).order_by().values("roadmap")
    # The same choice as progress.cohorts.default_plan_start.
    cohort_start = (
        Membership.objects.filter(user=OuterRef("pk"), cohort__start_date__isnull=False)
        .order_by("-joined_at", "-id")
        .values("cohort__start_date")[:1]
    )

    def count(rows):
        return Coalesce(Subquery(rows.annotate(n=Count("id")).values("n")), 0)

    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values(
            plan_start=F("plan__start_date"),
            plan_pace=F("plan__pace"),
            cohort_start=Subquery(cohort_start),
            projects_total=count(ideas),
            projects_done=count(mine.filter(status=ProjectStatus.DONE).order_by().values("user")),
            projects_in_progress=count(
                mine.filter(status=ProjectStatus.IN_PROGRESS).order_by().values("user")
            ),
        )
        .get()
    )
    return LearnerFacts(
        plan_start=row["plan_start"],
        plan_pace=row["plan_pace"],
        cohort_start=row["cohort_start"],
        projects=ProjectsSummary(
            total=row["projects_total"], done=row["projects_done"], in_progress=row["projects_in_progress"]
        ),
    )


def dashboard_for(
    user, *, now: datetime | None = None, default_start: date | None = None
) -> Dashboard | None:
    """The learner's dashboard, or None before any roadmap is loaded.

    Without a saved plan, `default_start` stands in for the plan's start, as in
    `progress.plan.plan_for`; when it is None, the start date of the learner's
    cohort does (as `progress.cohorts.default_plan_start` chooses it)."""
    phases = list(planning_phases())
    if not phases:
        return None
    roadmap = phases[0].roadmap
    outline = learner_outline(user=user, roadmap_id=roadmap.pk)
    progress = outline.progress
    chosen = progress.chosen_sections
    chosen_phases = {topic.phase_id for topic in outline.topics if topic.section_id in chosen}
    figures = [
        PhaseFigure(
            phase=phase,
            tally=progress.phases.get(phase.pk, Tally()),
            needs_path=phase.is_elective and phase.pk not in chosen_phases,
        )
        for phase in phases
    ]
    activity = activity_summary(user, now=now)
    facts = learner_facts(user, roadmap_id=roadmap.pk)
    start = facts.plan_start or default_start or facts.cohort_start
    report = None
    if start is not None:
        report = plan_report(
            phase_facts(phases, progress),
            start_date=start,
            pace=facts.plan_pace or Pace.TWELVE_MONTHS,
            today=activity.today,
            is_saved=facts.plan_start is not None,
        )
    return Dashboard(
        roadmap=roadmap,
        phases=figures,
        outline=outline,
        plan=report,
        activity=activity,
        recent=recent_changes(user, now=now),
        projects=facts.projects,
    )

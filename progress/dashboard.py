"""Everything the learner's dashboard (and a mentor's view of one learner) shows.

Three queries besides the content version: the learner's figures
(`progress.figures`, one UNION), the activity per day (none while the
learner's change stamp, read with the figures, is the one their kept summary
was made at), and the ten latest changes together with their mentors'
messages (`progress.activity.timeline`, one UNION). With the session and the
user, the page stays within six (tests/progress/test_dashboard.py).
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from progress.activity import (
    ActivitySummary,
    MentorMessage,
    RecentChange,
    activity_summary,
    local_today,
    timeline,
    topic_url,
)
from progress.figures import Figures, learner_figures
from progress.models import TopicStatus
from roadmap import structure as roadmap_structure
from roadmap.structure import TopicNode


@dataclass(frozen=True)
class NextTopic:
    node: TopicNode
    url: str
    in_progress: bool
    phase_number: int
    section_title: str

    @property
    def title(self) -> str:
        return self.node.title

    @property
    def path(self) -> tuple[str, ...]:
        return self.node.path


@dataclass(frozen=True)
class Dashboard:
    figures: Figures
    activity: ActivitySummary
    recent: list[RecentChange]
    messages: list[MentorMessage]

    @property
    def roadmap(self):
        return self.figures.structure.roadmap

    @property
    def phases(self):
        return self.figures.phases

    @property
    def overall(self):
        return self.figures.overall

    @property
    def overall_bar(self):
        return self.figures.overall_bar

    @property
    def plan(self):
        return self.figures.plan

    @property
    def projects(self):
        return self.figures.projects

    @property
    def current_phase(self):
        return self.figures.current_phase

    @cached_property  # the page shows the first of them twice
    def next_topics(self) -> list["NextTopic"]:
        structure = self.figures.structure
        return [
            NextTopic(
                node=leaf,
                url=topic_url(structure, leaf.id),
                in_progress=self.figures.status(leaf.id) == TopicStatus.IN_PROGRESS,
                phase_number=structure.phase_by_id[leaf.phase_id].number,
                section_title=structure.section_by_id[leaf.section_id].title,
            )
            for leaf in self.figures.next_topics(5)
        ]

    @property
    def last_active(self) -> datetime | None:
        return self.recent[0].when if self.recent else None


def dashboard_for(user, *, now: datetime | None = None, cohort=None) -> Dashboard | None:
    """The learner's dashboard, or None before any roadmap is loaded.

    `cohort`, for one of its mentors looking at the learner: its start date
    stands in for the plan's start while the learner has no plan of their own,
    and the messages are the nudges sent from it (the learner's own stay theirs)."""
    cohort_start = cohort.start_date if cohort is not None else None
    structure = roadmap_structure.current()
    if structure.roadmap is None:
        return None
    figures = learner_figures(user, structure, today=local_today(user, now), cohort_start=cohort_start)
    recent, inbox = timeline(user, structure, now=now, from_cohort=cohort.pk if cohort is not None else None)
    activity = activity_summary(user, now=now, stamp=figures.stamp)
    return Dashboard(figures=figures, activity=activity, recent=recent, messages=inbox)

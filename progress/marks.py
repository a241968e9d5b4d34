"""A learner's marks on the roadmap's own pages: topic statuses, notes, tallies, projects.

The public pages build a phase's topic trees once (`Phase.outline`); for a
signed-in learner this module hangs their statuses and notes on those trees
and adds up every branch in Python. The phase page therefore costs five
queries more than the public one whatever the number of topics or marks: the
statuses of the phase (one), the notes (one) and the figures from
`progress.stats.learner_progress` (three), whose section and phase bars are
the ones the dashboard shows.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from progress.dashboard import Bar
from progress.forms_topics import ProjectProgressForm
from progress.models import (
    NOTE_MAX_LENGTH,
    ProjectProgress,
    ProjectStatus,
    TopicNote,
    TopicProgress,
    TopicStatus,
)
from progress.stats import RoadmapProgress, Tally, learner_progress
from roadmap.models import Phase, Topic
from roadmap.trees import attach_trees


@dataclass
class PhaseMarks:
    """One learner's figures for a phase page, and what its controls offer.

    `sections` are the ones on the page (all of the phase's, or the one an htmx
    response redraws); each carries `tally`, `bar` and `on_path`.
    """

    phase: Phase
    progress: RoadmapProgress

    status_choices = TopicStatus.choices
    note_max_length = NOTE_MAX_LENGTH

    @property
    def tally(self) -> Tally:
        return self.progress.phases.get(self.phase.pk, Tally())

    @property
    def bar(self) -> Bar:
        return Bar.of(self.tally, f"Phase {self.phase.number}")

    @property
    def needs_path(self) -> bool:
        """An elective phase where the learner has chosen no section: it counts for nothing yet."""
        return self.phase.is_elective and not self.tally.leaves

    def is_chosen(self, section) -> bool:
        return section.pk in self.progress.chosen_sections


def phase_marks(*, user, phase: Phase, sections) -> PhaseMarks:
    """Mark the trees of `sections` (from `phase.outline()`) with the learner's statuses and notes.

    Sets on every leaf `status` and `note` (its text, "" for none); on every
    branch `tally` (a stats.Tally of its leaves) and `status` (derived: done when
    every leaf is done or skipped); on every section `tally`, `bar` and `on_path`.
    Five queries.
    """
    statuses = dict(
        TopicProgress.objects.filter(user=user, topic__section__phase=phase).values_list("topic_id", "status")
    )
    notes = dict(
        TopicNote.objects.filter(user=user, topic__section__phase=phase).values_list("topic_id", "text")
    )
    marks = PhaseMarks(phase=phase, progress=learner_progress(user=user, roadmap=phase.roadmap_id))
    _mark_sections(marks, sections, statuses, notes)
    return marks


@dataclass
class TopicChange:
    """What an htmx response redraws after a status change on `topic`.

    `topic` is the changed topic as it now stands in its tree; `leaves` and
    `branches` are the other parts of the page that may have changed with it:
    the leaves under it, the branches under it and every branch above it.
    """

    marks: PhaseMarks
    section: object
    topic: Topic
    leaves: list[Topic]
    branches: list[Topic]


def topic_change(*, user, topic: Topic) -> TopicChange:
    """The learner's marks on `topic`'s section, to redraw it after a change (five queries).

    `topic` must come with `section__phase` selected. Notes are not read: the
    parts redrawn after a status change do not show them.
    """
    section = topic.section
    phase = section.phase
    topics = list(Topic.objects.filter(section_id=section.pk).order_by("order", "id"))
    attach_trees([section], topics)
    statuses = dict(
        TopicProgress.objects.filter(user=user, topic__section_id=section.pk).values_list(
            "topic_id", "status"
        )
    )
    marks = PhaseMarks(phase=phase, progress=learner_progress(user=user, roadmap=phase.roadmap_id))
    _mark_sections(marks, [section], statuses, notes={})

    by_id = {node.pk: node for node in topics}
    changed = by_id[topic.pk]
    leaves, branches = [], []
    stack = list(changed.subtopics)
    while stack:
        node = stack.pop()
        (branches if node.subtopics else leaves).append(node)
        stack.extend(node.subtopics)
    parent_id = changed.parent_id
    while parent_id is not None:
        branches.append(by_id[parent_id])
        parent_id = by_id[parent_id].parent_id
    return TopicChange(marks=marks, section=section, topic=changed, leaves=leaves, branches=branches)


def _mark_sections(marks: PhaseMarks, sections, statuses: dict, notes: dict) -> None:
    for section in sections:
        section.tally = marks.progress.sections.get(section.pk, Tally())
        section.bar = Bar.of(section.tally, section.title)
        section.on_path = not marks.phase.is_elective or marks.is_chosen(section)
        for root in section.trees:
            _mark_topic(root, statuses, notes)


def _mark_topic(topic, statuses: dict, notes: dict) -> Tally:
    if not topic.subtopics:
        topic.status = statuses.get(topic.pk, TopicStatus.NOT_STARTED)
        topic.note = notes.get(topic.pk, "")
        return Tally(
            leaves=1,
            done=int(topic.status == TopicStatus.DONE),
            skipped=int(topic.status == TopicStatus.SKIPPED),
            in_progress=int(topic.status == TopicStatus.IN_PROGRESS),
        )
    tally = Tally()
    for child in topic.subtopics:
        tally.add(_mark_topic(child, statuses, notes))
    topic.tally = tally
    if tally.is_complete:
        topic.status = TopicStatus.DONE
    elif tally.completed or tally.in_progress:
        topic.status = TopicStatus.IN_PROGRESS
    else:
        topic.status = TopicStatus.NOT_STARTED
    return tally


# Projects


def project_marks(*, user, levels) -> bool:
    """Hang the learner's row (or None) on every project of `levels` as `mine`, with
    their form (one query). `evidence_link` is the evidence URL only when it is
    http or https, so no other scheme ever reaches an href. Returns True, for
    templates to test.
    """
    rows = {
        row.project_id: row for row in ProjectProgress.objects.filter(user=user).select_related("reviewed_by")
    }
    for _label, projects in levels:
        for project in projects:
            attach_project_progress(project, rows.get(project.pk))
    return True


def attach_project_progress(project, row: ProjectProgress | None, form=None) -> None:
    """Set `mine`, `evidence_link` and `form` (the learner's form, filled in unless given) on `project`."""
    # `project.progress` is the reverse relation to every learner's rows; `mine` is this learner's.
    project.mine = row
    url = row.evidence_url if row else ""
    project.evidence_link = url if urlsplit(url).scheme in {"http", "https"} else ""
    if form is None:
        initial = (
            {"status": row.status, "evidence_url": url, "reflection": row.reflection}
            if row
            else {"status": ProjectStatus.NOT_STARTED}
        )
        form = ProjectProgressForm(initial=initial, auto_id=f"project-{project.pk}-%s")
    project.form = form

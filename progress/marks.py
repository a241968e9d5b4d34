"""The roadmap's pages through one learner's eyes: their marks hung beside the shared structure.

The structure (`roadmap.structure`) is shared by every request and frozen, so
a page never writes on it. For a phase page this module builds small
per-request views instead: each section with its figure, and each of its
topics, in reading order, with the learner's status, note and (for a branch)
its leaves added up. They come from the read model (`progress.figures`), so
every bar and count on the page is the one the dashboard shows.

The trees are drawn by `progress.controls.tree`, in Python: drawn by the
template engine, with an include per topic, they cost most of the page's time.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from progress.figures import Figures, PhaseFigure, Tally
from progress.forms_topics import ProjectProgressForm
from progress.models import (
    LINK_REPORT_SHOWN_AFTER_RESOLVED,
    NOTE_MAX_LENGTH,
    LinkReport,
    ProjectProgress,
    ProjectStatus,
    TopicNote,
    TopicStatus,
)
from progress.presentation import Bar
from progress.resources import ReportView, ResourceFilter, ResourceMark, ResourceMarker
from roadmap.models import Resource, Section, Topic
from roadmap.structure import PhaseNode, SectionNode, TopicNode, descendants, walk

STATUS_CHOICES = tuple(TopicStatus.choices)


def _url_maker(name: str):
    """A function from a topic id to the URL `name` gives it: one reverse() per request, not per topic."""
    pattern = reverse(name, kwargs={"pk": 4321})
    before, after = pattern.split("4321")
    return lambda pk: f"{before}{pk}{after}"


@dataclass(slots=True)
class TopicMark:
    """One topic on the page: the learner's status (derived for a branch) and note."""

    node: TopicNode
    id: str  # the topic's id as text, ready for the ids and URLs of its controls
    status: str
    tally: Tally  # its leaves added up (a leaf's own status as a tally of one)
    note: str
    status_url: str
    note_url: str
    done_all_url: str
    resources: list[ResourceMark] = field(default_factory=list)  # its own, as the filters leave them
    undo_url: str = ""
    undo: str = ""  # an undo token (progress.undo), right after "mark all done" on this branch

    @property
    def title(self) -> str:
        return self.node.title

    @property
    def is_leaf(self) -> bool:
        return self.node.is_leaf

    @property
    def is_root(self) -> bool:
        return self.node.parent_id is None

    @property
    def anchor(self) -> str:
        return self.node.anchor

    @property
    def legacy_anchor(self) -> str:
        return self.node.legacy_anchor


@dataclass(slots=True)
class TreeMark:
    """A topic tree on the page: its root's mark, and every topic's mark by id."""

    root: TopicMark
    marks: dict[int, TopicMark]


@dataclass(slots=True)
class SectionMark:
    node: SectionNode
    tally: Tally
    on_path: bool
    trees: list[TreeMark]
    resources: list[ResourceMark] = field(default_factory=list)  # its own, as the filters leave them

    @property
    def pk(self) -> int:
        return self.node.id

    @property
    def title(self) -> str:
        return self.node.title

    @property
    def bar(self) -> Bar:
        return Bar.of(self.tally, self.node.title)


@dataclass
class PhaseMarks:
    """One learner's marks on a phase page, and what its controls offer."""

    phase: PhaseNode
    figures: Figures
    sections: list[SectionMark]

    status_choices = STATUS_CHOICES
    note_max_length = NOTE_MAX_LENGTH

    @property
    def figure(self) -> PhaseFigure:
        return self.figures.phase(self.phase.id)

    @property
    def tally(self) -> Tally:
        return self.figure.tally

    @property
    def bar(self) -> Bar:
        return self.figure.bar

    @property
    def needs_path(self) -> bool:
        return self.figure.needs_path


class _Marker:
    """Builds TopicMarks from the learner's figures and notes (none for a visitor)."""

    def __init__(
        self, figures: Figures | None, notes: dict[int, str], resources: ResourceMarker | None = None
    ):
        self.figures = figures
        self.notes = notes
        self.resources = resources or ResourceMarker(ResourceFilter())
        self.status_url = _url_maker("progress:topic_status")
        self.note_url = _url_maker("progress:topic_note")
        self.done_all_url = _url_maker("progress:topic_done_all")
        self.undo_url = _url_maker("progress:topic_undo")
        self.undo: dict[int, str] = {}  # topic id: undo token

    def mark(self, node: TopicNode) -> TopicMark:
        if self.figures is None:
            tally, status = Tally(leaves=node.leaf_count), TopicStatus.NOT_STARTED
        else:
            tally = self.figures.branch(node)
            status = self.figures.status(node.id) if node.is_leaf else tally.status
        return TopicMark(
            node=node,
            id=str(node.id),
            status=status,
            tally=tally,
            note=self.notes.get(node.id, ""),
            status_url=self.status_url(node.id),
            note_url=self.note_url(node.id),
            done_all_url=self.done_all_url(node.id),
            resources=self.resources.marks(node.resources),
            undo_url=self.undo_url(node.id),
            undo=self.undo.get(node.id, ""),
        )

    def tree(self, root: TopicNode) -> TreeMark:
        marks = {node.id: self.mark(node) for node in walk(root)}
        return TreeMark(root=marks[root.id], marks=marks)

    def section(self, node: SectionNode) -> SectionMark:
        figures = self.figures
        return SectionMark(
            node=node,
            tally=figures.section(node) if figures else Tally(leaves=node.leaf_count),
            on_path=figures.on_path(node) if figures else True,
            trees=[self.tree(root) for root in node.trees],
            resources=self.resources.marks(node.resources),
        )


def topic_mark(topic: TopicNode, *, note: str = "") -> TopicMark:
    """One topic with the learner's note and no figures: what a note's own answers redraw."""
    return _Marker(None, {topic.id: note}).mark(topic)


def public_sections(phase: PhaseNode, wanted: ResourceFilter) -> list[SectionMark]:
    """A phase's sections and trees as a visitor sees them: no marks, resources filtered (no query)."""
    marker = _Marker(None, {}, ResourceMarker(wanted))
    return [marker.section(node) for node in phase.sections]


_OWN_ROWS = """
    SELECT 'note', n.topic_id, n.text, '', '', NULL, NULL, ''
    FROM {note} n JOIN {topic} t ON t.id = n.topic_id JOIN {section} s ON s.id = t.section_id
    WHERE n.user_id = %s AND s.phase_id = %s
    UNION ALL
    SELECT 'report', r.resource_id, r.comment, r.reason, r.outcome, r.created_at, r.resolved_at,
        r.resolution_note
    FROM {report} r JOIN {resource} res ON res.id = r.resource_id JOIN {section} s ON s.id = res.section_id
    WHERE r.user_id = %s AND s.phase_id = %s AND (r.resolved_at IS NULL OR r.resolved_at >= %s)
"""


def _moment(value):
    """A moment as the database gave it: SQLite gives a raw cursor text, in UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _own_rows(user, phase: PhaseNode, now) -> tuple[dict[int, str], dict[int, ReportView]]:
    """The learner's notes on the phase's topics and reports on its resources, in one query.

    Two tables, one round trip: the phase page's budget (five queries with the
    session and the user) has room for one query of the learner's own rows.
    Written out: composing the same from two querysets and their union cost
    more than running it. The reports are those `LinkReport.objects.shown_to_learner`
    gives (open, or resolved within LINK_REPORT_SHOWN_AFTER_RESOLVED)."""
    sql = _OWN_ROWS.format(
        note=TopicNote._meta.db_table,
        topic=Topic._meta.db_table,
        section=Section._meta.db_table,
        report=LinkReport._meta.db_table,
        resource=Resource._meta.db_table,
    )
    params = [user.pk, phase.id, user.pk, phase.id, now - LINK_REPORT_SHOWN_AFTER_RESOLVED]
    found_notes, found_reports = {}, {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for kind, thing, body, reason, outcome, created, resolved, resolution in rows:
        if kind == "note":
            found_notes[thing] = body
            continue
        created = _moment(created)
        if thing not in found_reports or created > found_reports[thing].created_at:  # the latest
            found_reports[thing] = ReportView(
                reason=reason,
                comment=body,
                created_at=created,
                resolved_at=_moment(resolved),
                outcome=outcome,
                resolution_note=resolution,
            )
    return found_notes, found_reports


def phase_marks(
    *,
    user,
    figures: Figures,
    phase: PhaseNode,
    wanted: ResourceFilter,
    undo: dict[int, str] | None = None,
    now=None,
) -> PhaseMarks:
    """The learner's marks on a phase page (one query, for their notes and link reports); `undo`
    offers the undo of a "mark all done" ({topic id: token}) on that branch."""
    notes, reports = _own_rows(user, phase, now or timezone.now())
    marker = _Marker(figures, notes, ResourceMarker(wanted, reports))
    marker.undo = undo or {}
    return PhaseMarks(
        phase=phase, figures=figures, sections=[marker.section(node) for node in phase.sections]
    )


@dataclass
class TopicChange:
    """What an htmx answer redraws after a status change on `topic`.

    `topic` is the changed topic; `leaves` and `branches` are the other parts
    of the page that may have changed with it: the leaves under it, the
    branches under it and every branch above it.
    """

    marks: PhaseMarks
    section: SectionMark
    topic: TopicMark
    leaves: list[TopicMark]
    branches: list[TopicMark]


def topic_change(*, figures: Figures, topic: TopicNode, undo: str = "") -> TopicChange:
    """The parts of a phase page a status change on `topic` touched (no query); `undo`, a
    token, offers to undo it."""
    structure = figures.structure
    phase = structure.phase_by_id[topic.phase_id]
    section = structure.section_by_id[topic.section_id]
    marker = _Marker(figures, notes={})
    if undo:
        marker.undo = {topic.id: undo}
    below = list(descendants(topic))
    above = list(structure.ancestors(topic))
    section_mark = SectionMark(
        node=section, tally=figures.section(section), on_path=figures.on_path(section), trees=[]
    )
    return TopicChange(
        marks=PhaseMarks(phase=phase, figures=figures, sections=[section_mark]),
        section=section_mark,
        topic=marker.mark(topic),
        leaves=[marker.mark(node) for node in below if node.is_leaf],
        branches=[marker.mark(node) for node in below if not node.is_leaf]
        + [marker.mark(node) for node in above],
    )


# One learner's trees, read-only, for their mentor


@dataclass(slots=True)
class TopicLine:
    node: TopicNode
    status: str

    @property
    def title(self) -> str:
        return self.node.title

    @property
    def is_leaf(self) -> bool:
        return self.node.is_leaf

    @property
    def depth(self) -> int:
        return self.node.depth + 1

    @property
    def status_label(self) -> str:
        return TopicStatus(self.status).label


@dataclass(slots=True)
class SectionLines:
    node: SectionNode
    on_path: bool
    tally: Tally
    topics: list[TopicLine]

    @property
    def title(self) -> str:
        return self.node.title


@dataclass(slots=True)
class PhaseLines:
    figure: PhaseFigure
    sections: list[SectionLines]

    @property
    def phase(self) -> PhaseNode:
        return self.figure.phase


def learner_trees(figures: Figures) -> list[PhaseLines]:
    """Every phase's topics with the learner's statuses, in reading order (no query)."""
    return [
        PhaseLines(
            figure=figure,
            sections=[
                SectionLines(
                    node=section,
                    on_path=figures.on_path(section),
                    tally=figures.section(section),
                    topics=[
                        TopicLine(node=node, status=figures.status(node.id) if node.is_leaf else "")
                        for root in section.trees
                        for node in walk(root)
                    ],
                )
                for section in figure.phase.sections
            ],
        )
        for figure in figures.phases
    ]


# Projects


@dataclass(slots=True)
class ProjectMark:
    """A project idea on the projects page, with the learner's row (or None) and form."""

    node: object  # roadmap.structure.ProjectNode
    mine: ProjectProgress | None
    form: ProjectProgressForm

    @property
    def pk(self) -> int:
        return self.node.id

    @property
    def title(self) -> str:
        return self.node.title

    @property
    def evidence_link(self) -> str:
        """The evidence URL only when it is http or https, so no other scheme ever reaches an href."""
        url = self.mine.evidence_url if self.mine else ""
        return url if urlsplit(url).scheme in {"http", "https"} else ""


def project_mark(project, row: ProjectProgress | None, form=None) -> ProjectMark:
    """The learner's view of one project: their row and their form, filled in unless given."""
    if form is None:
        initial = (
            {"status": row.status, "evidence_url": row.evidence_url, "reflection": row.reflection}
            if row
            else {"status": ProjectStatus.NOT_STARTED}
        )
        form = ProjectProgressForm(initial=initial, auto_id=f"project-{project.id}-%s")
    return ProjectMark(node=project, mine=row, form=form)


def project_levels(*, user, structure) -> list[tuple[str, list]]:
    """[(level label, [ProjectMark])] for a signed-in learner (one query)."""
    rows = {
        row.project_id: row for row in ProjectProgress.objects.filter(user=user).select_related("reviewed_by")
    }
    return [
        (label, [project_mark(project, rows.get(project.id)) for project in projects])
        for label, projects in structure.project_levels()
    ]

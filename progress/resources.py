"""Resources on a phase page, per request: the visitor's filters and the learner's link reports.

The resources themselves are frozen nodes of the cached structure
(`roadmap.structure.ResourceNode`). Filtering by cost and type (the page's
`?cost=free&type=course`) picks among them in Python, with no query; a
signed-in learner's report on a resource, if any, rides along with it.
"""

from dataclasses import dataclass
from datetime import datetime

from django.http import QueryDict
from django.urls import reverse

from progress.models import LinkReport
from roadmap.models import Resource
from roadmap.structure import ResourceNode

COSTS = tuple(Resource.Cost.choices)
KINDS = tuple(Resource.Kind.choices)


@dataclass(frozen=True)
class ResourceFilter:
    """What a visitor asked to see: one cost and one type, or any. Unknown values count as any."""

    cost: str = ""
    kind: str = ""

    @classmethod
    def from_query(cls, query: QueryDict) -> "ResourceFilter":
        cost, kind = query.get("cost", ""), query.get("type", "")
        return cls(
            cost=cost if cost in dict(COSTS) else "",
            kind=kind if kind in dict(KINDS) else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.cost or self.kind)

    def matches(self, resource: ResourceNode) -> bool:
        return (not self.cost or resource.cost == self.cost) and (not self.kind or resource.kind == self.kind)

    def describe(self) -> str:
        """ "free courses", "paid resources", "books"... for "No free courses here"."""
        kind = dict(KINDS).get(self.kind, "resource").lower()
        cost = dict(COSTS).get(self.cost, "").lower()
        noun = "resources" if kind == "resource" else f"{kind}s"
        return (
            f"{cost} {noun}".strip() if self.cost != Resource.Cost.FREE_TO_AUDIT else f"{noun} free to audit"
        )

    cost_choices = COSTS
    kind_choices = KINDS


@dataclass(frozen=True)
class ReportView:
    """A learner's own report on a resource, as they see it beside the resource."""

    reason: str
    comment: str
    created_at: datetime
    resolved_at: datetime | None
    outcome: str
    resolution_note: str

    @property
    def reason_label(self) -> str:
        return LinkReport.Reason(self.reason).label.partition(":")[0]

    @property
    def outcome_label(self) -> str:
        return LinkReport.Outcome(self.outcome).label if self.outcome else ""


@dataclass(frozen=True)
class ResourceMark:
    """One resource on the page, with the learner's report on it and where to send one."""

    node: ResourceNode
    report: ReportView | None = None
    report_url: str = ""  # "" for a visitor: no control

    @property
    def id(self) -> int:
        return self.node.id

    @property
    def title(self) -> str:
        return self.node.title


class ResourceMarker:
    """Filters resource nodes and hangs the learner's reports on them (no query)."""

    reasons = tuple(LinkReport.Reason.choices)

    def __init__(self, wanted: ResourceFilter, reports: dict[int, ReportView] | None = None):
        self.wanted = wanted
        self.reports = reports
        if reports is None:
            self.report_url = lambda pk: ""
        else:
            before, after = reverse("progress:resource_report", kwargs={"pk": 4321}).split("4321")
            self.report_url = lambda pk: f"{before}{pk}{after}"

    def marks(self, nodes) -> list[ResourceMark]:
        return [
            ResourceMark(
                node=node,
                report=(self.reports or {}).get(node.id),
                report_url=self.report_url(node.id),
            )
            for node in nodes
            if self.wanted.matches(node)
        ]


def report_view(row: LinkReport) -> ReportView:
    return ReportView(
        reason=row.reason,
        comment=row.comment,
        created_at=row.created_at,
        resolved_at=row.resolved_at,
        outcome=row.outcome,
        resolution_note=row.resolution_note,
    )

"""What a mentor reads: their home, a cohort's table, its CSV, one learner read-only; and their
one write on a learner's data, a project review.

Every cohort and learner goes through `progress.mentoring.access`.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import require_POST, require_safe

from progress.dashboard import dashboard_for
from progress.exports import csv_response
from progress.marks import learner_trees
from progress.mentoring.access import get_cohort_for_mentor, get_member_for_mentor, require_mentor
from progress.mentoring.forms import ReviewForm
from progress.mentoring.models import Cohort
from progress.mentoring.services import project_review
from progress.mentoring.table import (
    FILTERS,
    STUCK_AFTER,
    cohort_summaries,
    learner_rows,
    parse_sort,
    phase_completion,
    rows_html,
    sort_rows,
    table_columns,
    topics_in_progress,
)
from progress.models import ProjectProgress, ProjectStatus
from roadmap import structure as roadmap_structure


def invite_url(cohort: Cohort) -> str:
    # Like links in emails, built from SITE_URL rather than the request's Host header.
    return settings.SITE_URL + cohort.get_invite_path()


@require_safe
@login_required
def mentor_home(request):
    """Active cohorts with their figures; archived ones listed apart. Five queries: session, user,
    the cohorts, content version, their fingerprints; two more (memberships, figures) for
    cohorts whose members changed since the last look (tests/progress/mentoring/test_table.py)."""
    require_mentor(request)
    cohorts = list(
        Cohort.objects.visible_to(request.user)
        .annotate(learner_count=Count("memberships", distinct=True))
        .order_by("name", "id")  # a grouped query drops the model's ordering
    )
    summaries = cohort_summaries([cohort for cohort in cohorts if not cohort.is_archived])
    archived = sorted(
        (cohort for cohort in cohorts if cohort.is_archived),
        key=lambda cohort: cohort.archived_at,
        reverse=True,
    )
    return render(request, "cohorts/mentor_home.html", {"summaries": summaries, "archived": archived})


COHORT_PAGE_SIZE = 100


def _table(cohort, request):
    """The cohort's rows, sorted and filtered as the query string asks, with what the headers need."""
    phases, rows = learner_rows([cohort])
    rows = rows[cohort.pk]
    columns = table_columns(phases)
    sort, descending = parse_sort(request.GET.get("sort"), columns)
    show = request.GET.get("show")
    if show not in FILTERS:
        show = None
    shown = sort_rows(
        [row for row in rows if FILTERS[show][1](row)] if show else rows, sort, descending=descending
    )

    def query(**params):
        params = {key: value for key, value in params.items() if value}
        return f"?{urlencode(params)}" if params else "?"

    current_sort = f"-{sort}" if descending else sort
    headers = []
    for column in columns:
        if column.key == sort:
            next_sort = column.key if descending else f"-{column.key}"
            aria_sort = "descending" if descending else "ascending"
        else:
            next_sort = f"-{column.key}" if column.descending_first else column.key
            aria_sort = None
        headers.append({"column": column, "url": query(sort=next_sort, show=show), "aria_sort": aria_sort})
    filters = [
        {
            "key": key,
            "label": label,
            "count": sum(1 for row in rows if matches(row)),
            "url": query(sort=current_sort, show=key),
        }
        for key, (label, matches) in FILTERS.items()
    ]
    # Rows are computed for everyone (the filters' counts and the chart need them),
    # but only a page of them is rendered, so a large cohort stays fast to draw.
    page = Paginator(shown, COHORT_PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "phases": phases,
        "all_rows": rows,
        "rows": page.object_list,
        "rows_html": rows_html(page.object_list, cohort=cohort),
        "shown_count": len(shown),
        "page": page,
        "previous_url": query(sort=current_sort, show=show, page=page.previous_page_number())
        if page.has_previous()
        else None,
        "next_url": query(sort=current_sort, show=show, page=page.next_page_number())
        if page.has_next()
        else None,
        "headers": headers,
        "filters": filters,
        "show": show,
        "all_url": query(sort=current_sort),
        "completion": phase_completion(phases, rows),
    }


@require_safe
@login_required
def cohort_detail(request, pk):
    """The cohort table. Five queries whatever its size: session, user, the cohort, content
    version, its fingerprint; two more (memberships with the signals, figures) when a member
    changed since the last look (tests/progress/mentoring/test_table.py)."""
    cohort = get_cohort_for_mentor(request, pk)
    context = {"cohort": cohort, "invite_url": invite_url(cohort), **_table(cohort, request)}
    return render(request, "cohorts/cohort_detail.html", context)


@require_safe
@login_required
def cohort_export(request, pk):
    """The cohort table as CSV: one row per learner (UTF-8, with a header row)."""
    cohort = get_cohort_for_mentor(request, pk)
    phases, rows = learner_rows([cohort])
    rows = sort_rows(rows[cohort.pk], "name", descending=False)
    header = [
        "Learner",
        *(f"Phase {phase.number}: {phase.title} (%)" for phase in phases),
        "Overall (%)",
        "Current phase",
        "Plan status",
        "Last active",
        "Projects done",
        "Projects waiting for review",
        "Signals",
    ]

    def cells(row):
        current = row.current_phase
        return [
            row.name,
            *("" if cell.needs_path else cell.tally.percent for cell in row.cells),
            row.overall.percent,
            f"Phase {current.number}" if current else "Finished",
            row.plan_label,
            timezone.localtime(row.last_active).isoformat(timespec="minutes") if row.last_active else "",
            row.projects_done,
            row.projects_waiting,
            "; ".join(label for _key, label in row.signals),
        ]

    filename = f"{slugify(cohort.name) or 'cohort'}-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_response(filename, header, (cells(row) for row in rows))


@require_safe
@login_required
def learner_detail(request, pk, user_id):
    """One learner as their dashboard shows them, read-only, with their topics in progress and
    the cohort's nudges to them. Ten queries whatever they did: session, user, the cohort, the
    membership, content version, figures, days, latest changes and nudges, projects, topics in
    progress (tests/progress/mentoring/test_review.py)."""
    membership = get_member_for_mentor(request, pk, user_id)
    learner, cohort = membership.user, membership.cohort
    dashboard = dashboard_for(learner, cohort=cohort)
    # Started and finished projects; the links only of finished ones (what learners are promised).
    projects = (
        ProjectProgress.objects.filter(user=learner)
        .exclude(status=ProjectStatus.NOT_STARTED)
        .select_related("project", "reviewed_by")
        .order_by("project__order", "project__id")
    )
    context = {
        "cohort": cohort,
        "membership": membership,
        "learner": learner,
        "dashboard": dashboard,
        "trees": learner_trees(dashboard.figures) if dashboard else [],
        "in_progress": topics_in_progress(learner, roadmap_structure.current()) if dashboard else [],
        "stuck_days": STUCK_AFTER.days,
        "projects": projects,
        "nudges": dashboard.messages if dashboard else [],
        "review_form": ReviewForm(),
        "can_review": cohort.can_write,
    }
    return render(request, "cohorts/learner_detail.html", context)


@require_POST
@login_required
def project_review_view(request, pk, user_id, project_id):
    membership = get_member_for_mentor(request, pk, user_id, write=True)
    row = get_object_or_404(
        ProjectProgress.objects.select_related("user", "project"), user=membership.user, project_id=project_id
    )
    url = reverse("cohorts:learner", kwargs={"pk": pk, "user_id": user_id}) + f"#project-{project_id}"
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["comment"]))
        return redirect(url)
    try:
        project_review(reviewer=request.user, row=row, comment=form.cleaned_data["comment"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(url)
    messages.success(request, f"Marked “{row.project.title}” reviewed.")
    return redirect(url)

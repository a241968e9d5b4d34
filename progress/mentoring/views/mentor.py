"""Cohort pages: the mentor's home and cohort table, one learner read-only, invites, leaving.

Every cohort and learner asked for by id goes through one of the access
helpers below: 404 for anyone who may not see it (so ids cannot be probed),
403 where someone may look but not change (a superuser who does not mentor the
cohort). Only the cohort's mentors write, and their one write on a learner's
data is a project review.
"""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.roles import GROUP_NAMES, Role
from progress.dashboard import dashboard_for
from progress.exports import csv_response
from progress.marks import learner_trees
from progress.mentoring.forms import CohortForm, ReviewForm
from progress.mentoring.models import Cohort, Membership
from progress.mentoring.services import cohort_create, membership_join, membership_leave, project_review
from progress.mentoring.table import (
    FILTERS,
    cohort_summaries,
    learner_rows,
    parse_sort,
    phase_completion,
    sort_rows,
    table_columns,
)
from progress.models import ProjectProgress, ProjectStatus

INVITE_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")


# Access helpers: the one place that decides who sees which cohort and learner.


def _require_mentor(request) -> None:
    """Mentor pages that are not about one cohort: mentors, and superusers (who see every cohort)."""
    if not (request.user.is_mentor or request.user.is_superuser):
        raise PermissionDenied("This page is for mentors.")


def _get_cohort_for_mentor(request, pk, *, write: bool = False) -> Cohort:
    """The cohort, if the user mentors it (any cohort for a superuser); 404 otherwise.

    With `write`, a superuser who is not one of its mentors gets 403: they may
    look at every cohort but act only in the admin."""
    user = request.user
    # "Own" needs the role too: a superuser whose mentor role was taken away only looks.
    mentors = Cohort.mentors.through.objects.filter(
        cohort_id=OuterRef("pk"), user_id=user.pk, user__groups__name=GROUP_NAMES[Role.MENTOR]
    )
    cohort = get_object_or_404(Cohort.objects.visible_to(user).annotate(is_own=Exists(mentors)), pk=pk)
    if write and not cohort.is_own:
        raise PermissionDenied("Only the cohort's mentors can change it.")
    return cohort


def _get_member_for_mentor(request, pk, user_id, *, write: bool = False) -> Membership:
    """The learner's membership of a cohort the user mentors; 404 unless both are in it now."""
    cohort = _get_cohort_for_mentor(request, pk, write=write)
    membership = get_object_or_404(Membership.objects.select_related("user"), cohort=cohort, user_id=user_id)
    membership.cohort = cohort
    return membership


def _get_own_membership(request, pk) -> Membership:
    """The signed-in learner's own membership of the cohort; 404 if they are not in it."""
    return get_object_or_404(
        Membership.objects.select_related("cohort"), cohort_id=pk, user_id=request.user.pk
    )


def _invite_url(cohort: Cohort) -> str:
    # Like links in emails, built from SITE_URL rather than the request's Host header.
    return settings.SITE_URL + cohort.get_invite_path()


# Mentors.


@require_safe
@login_required
def mentor_home(request):
    _require_mentor(request)
    summaries = cohort_summaries(Cohort.objects.visible_to(request.user))
    return render(request, "cohorts/mentor_home.html", {"summaries": summaries})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def cohort_new(request):
    if not request.user.is_mentor:
        raise PermissionDenied("Only mentors can create cohorts.")
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cohort = cohort_create(mentor=request.user, **form.cleaned_data)
        messages.success(request, f"Cohort “{cohort.name}” created. Send its join link to your learners.")
        return redirect(cohort)
    return render(request, "cohorts/cohort_form.html", {"form": form, "cohort": None})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def cohort_rename(request, pk):
    cohort = _get_cohort_for_mentor(request, pk, write=True)
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Cohort saved.")
        return redirect(cohort)
    return render(request, "cohorts/cohort_form.html", {"form": form, "cohort": cohort})


@require_POST
@login_required
def invite_regenerate(request, pk):
    cohort = _get_cohort_for_mentor(request, pk, write=True)
    cohort.regenerate_invite()
    messages.success(request, "New join link made. The old link no longer works.")
    return redirect(f"{cohort.get_absolute_url()}#invite")


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
    cohort = _get_cohort_for_mentor(request, pk)
    context = {"cohort": cohort, "invite_url": _invite_url(cohort), **_table(cohort, request)}
    return render(request, "cohorts/cohort_detail.html", context)


@require_safe
@login_required
def cohort_export(request, pk):
    """The cohort table as CSV: one row per learner (UTF-8, with a header row)."""
    cohort = _get_cohort_for_mentor(request, pk)
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
        ]

    filename = f"{slugify(cohort.name) or 'cohort'}-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_response(filename, header, (cells(row) for row in rows))


@require_safe
@login_required
def learner_detail(request, pk, user_id):
    membership = _get_member_for_mentor(request, pk, user_id)
    learner, cohort = membership.user, membership.cohort
    dashboard = dashboard_for(learner, cohort_start=cohort.start_date)
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
        "projects": projects,
        "review_form": ReviewForm(),
        "can_review": cohort.is_own,
    }
    return render(request, "cohorts/learner_detail.html", context)


@require_POST
@login_required
def project_review_view(request, pk, user_id, project_id):
    membership = _get_member_for_mentor(request, pk, user_id, write=True)
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


# Learners.


@require_safe
@login_required
def my_cohorts(request):
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("cohort")
        .prefetch_related("cohort__mentors")
    )
    return render(request, "cohorts/my_cohorts.html", {"memberships": memberships})


@require_http_methods(["GET", "HEAD", "POST"])
def join(request, token):
    """The join link: anyone holding it sees the cohort; a signed-in learner confirms with a POST."""
    # Tokens are url-safe base64; anything else is no link of ours, so it never reaches the database.
    well_formed = INVITE_TOKEN_SHAPE.fullmatch(token) is not None
    cohort = (
        Cohort.objects.filter(invite_token=token).prefetch_related("mentors").first() if well_formed else None
    )
    if cohort is None:
        return render(request, "cohorts/invite_invalid.html", status=404)
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
        try:
            _membership, created = membership_join(cohort=cohort, user=user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(request.path)
        if created:
            messages.success(
                request, f"You joined “{cohort.name}”. Its mentors can now follow your progress."
            )
        else:
            messages.info(request, f"You are already in “{cohort.name}”.")
        return redirect("cohorts:mine")
    mentors = list(cohort.mentors.all())
    context = {
        "cohort": cohort,
        "mentors": mentors,
        "next_query": urlencode({"next": request.path}),
        "is_member": user.is_authenticated and cohort.memberships.filter(user=user).exists(),
        "is_mentor": user.is_authenticated and any(mentor.pk == user.pk for mentor in mentors),
    }
    return render(request, "cohorts/join.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def leave(request, pk):
    membership = _get_own_membership(request, pk)
    if request.method == "POST":
        membership_leave(cohort=membership.cohort, user=request.user)
        messages.success(
            request, f"You left “{membership.cohort.name}”. Its mentors no longer see your progress."
        )
        return redirect("cohorts:mine")
    return render(request, "cohorts/leave.html", {"membership": membership})

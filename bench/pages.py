"""What the benchmark measures, and what each page is held to (issue 9's targets)."""

import functools
from dataclasses import dataclass

BARE_PATH = "/__bench__/bare"
# Topics the status POST goes round (bench/status_post.lua shares them between wrk's threads).
STATUS_TOPICS = 8

# Throughput targets, as a ratio to the bare signed-in view.
ANONYMOUS_TARGET = 0.4
LEARNER_TARGET = 0.25
STATUS_TARGET = 0.3
COHORT_TARGET = 0.1
# The large cohort's page may take at most this many times the first cohort's.
LARGE_COHORT_FACTOR = 2.0
# Queries per request the tests hold these pages to (shown beside the in-process table).
QUERY_BUDGET = 6


@dataclass
class Page:
    """A page both sections measure, and what it is held to."""

    name: str
    path: str
    user: object = None  # who asks for it; None: anonymous
    target: float | None = None  # throughput, as a ratio to the bare view
    queries: int | None = None  # the query budget the tests hold it to
    # The htmx status change: the topics' status addresses it posts to, in turn.
    status_paths: tuple[str, ...] = ()
    # The same page for the smaller cohort: this page's time is held to at most
    # LARGE_COHORT_FACTOR times that one's, and its queries to the same count.
    smaller: "Page | None" = None
    # In process only: each request is the first look after a learner's change, which
    # counts the cohort again (the kept rows are forgotten before it).
    recount: bool = False


@functools.cache
def heaviest_phase_path() -> str:
    """The public address of the phase with the most topics (the first of equals: Deep Learning,
    as issue 9 measured it), the heaviest roadmap page.

    Pages are named by their addresses, which users keep, rather than by URL names,
    which a rewrite of the views may move.
    """
    from django.db.models import Count

    from roadmap.models import Phase

    phase = (
        Phase.objects.annotate(topic_count=Count("sections__topics"))
        .order_by("-topic_count", "number")
        .first()
    )
    return f"/phases/{phase.slug}/"


def benchmark_pages(mentor, cohorts, learner) -> tuple[Page, list[Page]]:
    """The bare view, and the pages of issue 9's table (then the large cohort's page)."""
    from roadmap.models import Topic

    phase_path = heaviest_phase_path()
    phase = phase_path.split("/")[2]
    # Leaves of the measured phase: the status changes a learner makes on that page.
    topics = Topic.objects.leaves().filter(section__phase__slug=phase).values_list("pk", flat=True)
    status_paths = tuple(f"/topics/{pk}/status/" for pk in topics[:STATUS_TOPICS])
    first, size = cohorts[0], cohorts[0].memberships.count()
    pages = [
        Page("overview (anonymous)", "/", target=ANONYMOUS_TARGET),
        Page(f"phase {phase} (anonymous)", phase_path, target=ANONYMOUS_TARGET),
        Page(f"phase {phase} (learner)", phase_path, learner, LEARNER_TARGET, QUERY_BUDGET),
        Page("dashboard (learner)", "/dashboard/", learner, LEARNER_TARGET, QUERY_BUDGET),
        Page(
            "topic status POST, htmx (learner)",
            status_paths[0],
            learner,
            STATUS_TARGET,
            QUERY_BUDGET,
            status_paths=status_paths,
        ),
        cohort_page := Page(
            f"cohort page, {size} learners (mentor)", f"/cohorts/{first.pk}/", mentor, COHORT_TARGET
        ),
        Page(
            f"cohort CSV, {size} learners (mentor)", f"/cohorts/{first.pk}/export.csv", mentor, COHORT_TARGET
        ),
    ]
    for cohort in cohorts[1:]:
        pages.append(
            Page(
                f"cohort page, {cohort.memberships.count()} learners (mentor)",
                f"/cohorts/{cohort.pk}/",
                mentor,
                smaller=cohort_page,
            )
        )
    return Page("bare signed-in view", BARE_PATH, learner), pages


def recount_pages(pages: list[Page]) -> list[Page]:
    """The cohort pages again, each request the first look after a learner changed (in process)."""
    return [
        Page(f"{page.name.removesuffix(' (mentor)')}, recounted", page.path, page.user, recount=True)
        for page in pages
        if page.path.startswith("/cohorts/") and not page.path.endswith(".csv")
    ]

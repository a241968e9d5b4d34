"""In process: each page through Django's test client, no server; queries, median, p95."""

import statistics
import sys
import time

from bench.pages import Page


def measure(page: Page, count: int):
    """Queries of one request, then `count` timings in milliseconds."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if page.user is not None:
        client.force_login(page.user)

    def send(i):
        if page.recount:
            from progress.mentoring.table import forget_kept_rows

            forget_kept_rows()
        if page.status_paths:
            status = ["done", "in_progress"][i % 2]
            response = client.post(page.path, {"status": status}, headers={"HX-Request": "true"})
        else:
            response = client.get(page.path)
        if response.status_code != 200:
            sys.exit(f"error: {page.name}: {page.path} answered {response.status_code}")
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)

    send(0)  # warm up: templates, connection, cache table
    with CaptureQueriesContext(connection) as queries:
        send(1)
    query_count = len(queries)  # now: the next request empties the connection's query log
    timings = []
    for i in range(count):
        start = time.perf_counter()
        send(i)
        timings.append((time.perf_counter() - start) * 1000)
    return query_count, timings


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(pages: list[Page], requests: int) -> None:
    print(f"In process (Django's test client, no server), {requests} requests per page")
    header = f"{'page':<40} {'queries':>7} {'budget':>6} {'median':>8} {'p95':>8}"
    print(header)
    print("-" * len(header))
    counts = {}
    for page in pages:
        queries, timings = measure(page, requests)
        counts[page.name] = queries
        # A larger cohort's page makes the same queries as the first's, whatever its size.
        budget = counts[page.smaller.name] if page.smaller else page.queries
        print(
            f"{page.name:<40} {queries:>7} {'' if budget is None else '<= ' + str(budget):>6} "
            f"{statistics.median(timings):>6.1f}ms {p95(timings):>6.1f}ms"
            + ("  over budget" if budget is not None and queries > budget else "")
        )
    print("Query budgets are asserted by the tests; here they are shown, not enforced.")

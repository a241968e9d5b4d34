"""Speed benchmark: the busiest pages, timed on a scratch database full of learners.

    .venv/bin/python bench/run.py [--database-url URL] [--learners 200] [--requests 50]

Production settings (DEBUG off, static manifest off so no collectstatic is needed).
The scratch database is dropped and rebuilt on every run: a SQLite file (default
var/bench.sqlite3) or a PostgreSQL database, created through the server's `postgres`
database, e.g. postgres://postgres@127.0.0.1:5432/waymark_bench.

Prints queries per request, median and p95 milliseconds per page, and PASS/FAIL
against the targets below; exits 1 when a target is missed. Results: docs/benchmarks.md.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "ai-ml-roadmap-2025.md"
ACTIVITIES_PER_LEARNER = 300

# p95 milliseconds a page must stay under (set for SQLite at 200 learners).
TARGET_MS = 300
COHORT_TARGET_MS = 500


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:///var/bench.sqlite3")
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--requests", type=int, default=50)
    return parser.parse_args()


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = Path(parts.path[1:]) if parts.path.startswith("/") else Path(parts.path)
        path = path if path.is_absolute() else ROOT / path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        return
    if parts.scheme not in {"postgres", "postgresql"}:
        sys.exit(f"error: unsupported database URL {url!r} (sqlite:// or postgres://)")
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=url,
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
        ALLOWED_HOSTS="testserver",
        EMAIL_URL="console://",
        SECURE_SSL_REDIRECT="false",
        STATIC_MANIFEST="false",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def populate(learner_count: int):
    """The roadmap, a mentor, and a cohort of learners with progress on every leaf topic."""
    from io import StringIO

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role, role_grant
    from progress.mentoring.models import Membership
    from progress.mentoring.services import cohort_create
    from progress.models import Activity, TopicProgress, TopicStatus
    from roadmap.models import Topic

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    call_command("import_roadmap", str(SEED), stdout=StringIO())

    rng = random.Random(2025)
    now = timezone.now()
    password = make_password("bench-password")
    mentor = User.objects.create(email="mentor@bench.example", display_name="Mentor", password=password)
    role_grant(user=mentor, role=Role.MENTOR)
    cohort = cohort_create(mentor=mentor, name="Benchmark cohort")

    learners = User.objects.bulk_create(
        User(email=f"learner{i:04}@bench.example", display_name=f"Learner {i}", password=password)
        for i in range(learner_count)
    )
    Membership.objects.bulk_create(Membership(cohort=cohort, user=learner) for learner in learners)
    leaves = list(Topic.objects.leaves())
    statuses = TopicStatus.values
    weights = [3, 2, 4, 1]
    for learner in learners:
        TopicProgress.objects.bulk_create(
            TopicProgress(
                user=learner,
                topic=topic,
                status=rng.choices(statuses, weights)[0],
                updated_at=now - timedelta(minutes=rng.randrange(60 * 24 * 180)),
            )
            for topic in leaves
        )
        Activity.objects.bulk_create(
            Activity(
                user=learner,
                kind=Activity.Kind.TOPIC,
                topic=rng.choice(leaves),
                from_status=rng.choice(statuses),
                to_status=rng.choice(statuses),
                created_at=now - timedelta(minutes=rng.randrange(60 * 24 * 180)),
            )
            for _ in range(ACTIVITIES_PER_LEARNER)
        )
    return mentor, cohort, learners[0], leaves


def scenarios(mentor, cohort, learner, leaves):
    """(name, target ms, user or None, method, path, data, headers)."""
    from django.db.models import Count
    from django.urls import reverse

    from roadmap.models import Phase

    # The phase with the most topics: the heaviest roadmap page.
    phase = Phase.objects.annotate(topic_count=Count("sections__topics")).order_by("-topic_count").first()
    phase_path = reverse("progress:phase", kwargs={"slug": phase.slug})
    cohort_path = reverse("cohorts:detail", kwargs={"pk": cohort.pk})
    status_path = reverse("progress:topic_status", kwargs={"pk": leaves[0].pk})
    htmx = {"HTTP_HX_REQUEST": "true"}
    return [
        ("home (anonymous)", TARGET_MS, None, "get", "/", None, {}),
        (f"phase {phase.slug} (anonymous)", TARGET_MS, None, "get", phase_path, None, {}),
        (f"phase {phase.slug} (learner)", TARGET_MS, learner, "get", phase_path, None, {}),
        ("dashboard (learner)", TARGET_MS, learner, "get", reverse("progress:dashboard"), None, {}),
        ("cohort page (mentor)", COHORT_TARGET_MS, mentor, "get", cohort_path, None, {}),
        (
            "cohort CSV export (mentor)",
            COHORT_TARGET_MS,
            mentor,
            "get",
            reverse("cohorts:export", kwargs={"pk": cohort.pk}),
            None,
            {},
        ),
        ("topic status POST, htmx (learner)", TARGET_MS, learner, "post", status_path, "toggle", htmx),
    ]


def measure(client, method, path, data, headers, count):
    """Queries of one request, then `count` timings in milliseconds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    toggle = ["done", "in_progress"]

    def send(i):
        payload = {"status": toggle[i % 2]} if data == "toggle" else data
        response = getattr(client, method)(path, payload, **headers)
        if response.status_code != 200:
            sys.exit(f"error: {method.upper()} {path} answered {response.status_code}")
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        return response

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


def main():
    args = parse_args()
    recreate_database(args.database_url)
    setup_django(args.database_url)
    from django.db import connection
    from django.test import Client

    started = time.perf_counter()
    mentor, cohort, learner, leaves = populate(args.learners)
    setup_seconds = time.perf_counter() - started
    print(
        f"{connection.vendor} · {args.learners} learners, {len(leaves)} topics each, "
        f"{ACTIVITIES_PER_LEARNER} activities each · set up in {setup_seconds:.1f} s · "
        f"{args.requests} requests per page\n"
    )
    header = f"{'page':<40} {'queries':>7} {'median':>8} {'p95':>8} {'target':>8}"
    print(header)
    print("-" * (len(header) + 6))
    failed = False
    for name, target, user, method, path, data, headers in scenarios(mentor, cohort, learner, leaves):
        client = Client()
        if user is not None:
            client.force_login(user)
        queries, timings = measure(client, method, path, data, headers, args.requests)
        slowest = p95(timings)
        verdict = "PASS" if slowest < target else "FAIL"
        failed |= verdict == "FAIL"
        print(
            f"{name:<40} {queries:>7} {statistics.median(timings):>6.1f}ms {slowest:>6.1f}ms "
            f"{'<' + str(target) + 'ms':>8} {verdict}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""The scratch database: production's settings, rebuilt and filled with learners on every run."""

import os
import random
import sys
import warnings
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "ai-ml-roadmap-2025.md"
ACTIVITIES_PER_LEARNER = 300


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


def production_env(url: str) -> dict[str, str]:
    """Production's settings for the benchmark and its server; nothing else from the shell."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        # The server is reached as 127.0.0.1, the test client as testserver.
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "EMAIL_URL": "console://",
        # Plain http on loopback; no collectstatic needed.
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_MANIFEST": "false",
        # The database cache, as production without Redis, and persistent connections.
        "REDIS_URL": "",
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
    }


def setup_django(url: str) -> None:
    os.chdir(ROOT)
    os.environ.update(production_env(url))
    # WhiteNoise's note that collectstatic has not run: the benchmark serves no static files.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    import django

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def populate(learner_count: int, large_cohort: int):
    """The roadmap, a mentor, and a cohort of learners with a status on every leaf topic
    and ACTIVITIES_PER_LEARNER activity rows each; then, unless `large_cohort` is 0, a
    second cohort of that many more learners, built the same way.

    Returns (mentor, cohorts, learner, leaves): `learner` is the first cohort's first.
    Cohorts are made with the models, as tests/conftest.py makes them, so that moving
    the application's services does not break the benchmark.
    """
    from io import StringIO

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role, role_grant
    from progress.models import Cohort, Membership
    from roadmap.models import Topic

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    call_command("import_roadmap", str(SEED), stdout=StringIO())

    rng = random.Random(2025)
    now = timezone.now()
    password = make_password("bench-password")
    leaves = list(Topic.objects.leaves())
    cohorts, first_learner = [], None
    with transaction.atomic():
        mentor = User.objects.create(email="mentor@bench.example", display_name="Mentor", password=password)
        role_grant(user=mentor, role=Role.MENTOR)
        numbers = iter(range(learner_count + large_cohort))
        for size in (learner_count, large_cohort):
            if not size:
                continue
            cohort = Cohort.objects.create(name=f"Benchmark cohort of {size}")
            cohort.mentors.add(mentor)
            learners = User.objects.bulk_create(
                User(email=f"learner{i:04}@bench.example", display_name=f"Learner {i}", password=password)
                for i in (next(numbers) for _ in range(size))
            )
            Membership.objects.bulk_create(Membership(cohort=cohort, user=learner) for learner in learners)
            _add_progress(learners, leaves, rng, now)
            cohorts.append(cohort)
            first_learner = first_learner or learners[0]
    # Table statistics, as autovacuum would have gathered them on a live site within
    # a minute of such a load: without them PostgreSQL plans the cohort's counts as if
    # the tables were empty, and the benchmark would measure that rather than the code.
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return mentor, cohorts, first_learner, leaves


def _add_progress(learners, leaves, rng, now, batch=20):
    """Statuses and activities, random but seeded, written `batch` learners at a time."""
    from progress.models import Activity, TopicProgress, TopicStatus

    statuses = TopicStatus.values
    weights = [3, 2, 4, 1]
    progress, activities = [], []
    for n, learner in enumerate(learners, start=1):
        progress += [
            TopicProgress(
                user=learner,
                topic=topic,
                status=rng.choices(statuses, weights)[0],
                updated_at=now - timedelta(minutes=rng.randrange(60 * 24 * 180)),
            )
            for topic in leaves
        ]
        activities += [
            Activity(
                user=learner,
                kind=Activity.Kind.TOPIC,
                topic=rng.choice(leaves),
                from_status=rng.choice(statuses),
                to_status=rng.choice(statuses),
                created_at=now - timedelta(minutes=rng.randrange(60 * 24 * 180)),
            )
            for _ in range(ACTIVITIES_PER_LEARNER)
        ]
        if n % batch == 0 or n == len(learners):
            TopicProgress.objects.bulk_create(progress, batch_size=2000)
            Activity.objects.bulk_create(activities, batch_size=2000)
            progress, activities = [], []


def describe_database() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    return f"SQLite {connection.Database.sqlite_version}"

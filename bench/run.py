"""Speed benchmark: the busiest pages' throughput under gunicorn, against a bare signed-in view.

    .venv/bin/python bench/run.py [--database-url URL] [--learners 200] [--large-cohort 1000]
                                  [--seconds 10] [--rounds 3] [--warmup 2] [--requests 50] [--no-fail]

Builds a scratch database full of learners, serves it with the project's own
gunicorn.conf.py (2 workers, production settings, persistent connections) on a
free port of 127.0.0.1, and loads each page with wrk, one page after another,
the same 4 connections for every page. Each page's requests per second are
divided by those of a bare signed-in view (bench/urls.py), loaded in short runs
taken in turn with the page's: a ratio, which holds better than plain requests
per second on a busy or a faster machine. Beside it, the server's CPU time per
request. Then, with the server stopped, the in-process table: queries per
request, median and p95 milliseconds through Django's test client.

The scratch database is dropped and rebuilt on every run: a SQLite file (default
var/bench.sqlite3) or a PostgreSQL database, created through the server's `postgres`
database, e.g. postgres://postgres@127.0.0.1:5432/waymark_bench.

Exits 1 when a page misses its target (not with --no-fail, for recording "before"
numbers). Method and results: docs/benchmarks.md.
"""

import argparse
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The repository root goes on the path first.
from bench import data, latency, load, throughput  # noqa: E402
from bench.pages import benchmark_pages, recount_pages  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:///var/bench.sqlite3")
    parser.add_argument("--learners", type=int, default=200, help="learners in the cohort (default 200)")
    parser.add_argument(
        "--large-cohort",
        type=int,
        default=1000,
        metavar="N",
        help="a second cohort of N more learners, whose page is timed against the first's (0: none)",
    )
    parser.add_argument("--seconds", type=int, default=10, help="wrk's load per page (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="runs the load of a page is split into")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load before each page's run")
    parser.add_argument("--requests", type=int, default=50, help="requests per page in process")
    parser.add_argument("--no-fail", action="store_true", help="exit 0 even when a target is missed")
    args = parser.parse_args()
    if min(args.learners, args.seconds, args.rounds) < 1 or min(args.large_cohort, args.warmup) < 0:
        parser.error(
            "--learners, --seconds and --rounds must be at least 1, --large-cohort and --warmup at least 0"
        )
    return args


def _stop_on_sigterm(signum, frame):
    # As Ctrl-C does: unwind, so the server is stopped on the way out.
    raise SystemExit(128 + signum)


def main():
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    sys.stdout.reconfigure(line_buffering=True)  # each line as it comes, also through tee or a file
    args = parse_args()
    load.require_wrk()
    data.recreate_database(args.database_url)
    data.setup_django(args.database_url)

    started = time.perf_counter()
    mentor, cohorts, learner, leaves = data.populate(args.learners, args.large_cohort)
    setup_seconds = time.perf_counter() - started
    sizes = " and ".join(str(cohort.memberships.count()) for cohort in cohorts)
    print(
        f"{data.describe_database()} · Python {platform.python_version()} · cohorts of {sizes} learners, "
        f"{len(leaves)} topic statuses and {data.ACTIVITIES_PER_LEARNER} activities each · "
        f"set up in {setup_seconds:.1f} s · {time.strftime('%Y-%m-%d %H:%M')} · "
        f"{subprocess.run(['uptime'], capture_output=True, text=True, check=False).stdout.strip()}\n"
    )

    bare, pages = benchmark_pages(mentor, cohorts, learner)
    server_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **data.production_env(args.database_url)}
    met = throughput.report(server_env, bare, pages, args)
    latency.report([bare, *pages, *recount_pages(pages)], args.requests)
    if not met:
        print("\nSome targets are missed" + (" (--no-fail: exit 0)." if args.no_fail else "."))
    return 0 if met or args.no_fail else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("\ninterrupted; the server is stopped")

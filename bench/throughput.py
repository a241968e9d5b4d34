"""Throughput: each page under gunicorn and wrk, as a ratio to the bare signed-in view."""

import functools
import http.cookies
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench import load
from bench.pages import LARGE_COHORT_FACTOR, Page, heaviest_phase_path

ROOT = Path(__file__).resolve().parent.parent
STATUS_SCRIPT = ROOT / "bench" / "status_post.lua"
SERVER_LOG = ROOT / "var" / "bench-gunicorn.log"
# Each page is loaded for --seconds, or longer (up to MAX_SECONDS) until about MIN_REQUESTS
# complete; the bare view for BARE_SECONDS before, between and after the page's runs.
MIN_REQUESTS = 50
MAX_SECONDS = 60
BARE_SECONDS = 2


@dataclass
class Prepared:
    """A page checked on the server and ready for wrk."""

    page: Page
    wrk_options: dict  # path, headers, script, script_args and request_seconds for Server.run
    html_bytes: int
    gzip_bytes: int | None  # None when the answer was not compressed


@dataclass
class Measured:
    prepared: Prepared
    wrk: load.Load  # the page's runs, added up
    bare: load.Load  # the bare view's runs between them, added up
    bare_runs: list[load.Load]

    @property
    def page(self) -> Page:
        return self.prepared.page

    @property
    def ratio(self) -> float:
        return self.wrk.requests_per_second / self.bare.requests_per_second


@functools.cache
def session_cookie(user) -> str:
    """A signed-in session, made server-side as Django's test client does it."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def csrf_headers(server, page: Page) -> dict[str, str]:
    """The learner's session with a CSRF cookie, token and origin, as htmx posts them.

    The token comes from the server itself: the phase page sets the cookie, as a
    browser would get it. Production sets CSRF_COOKIE_SECURE, which only browsers
    heed; wrk sends the cookie as a plain header.
    """
    from django.conf import settings

    session = session_cookie(page.user)
    response = load.fetch(server.port, heaviest_phase_path(), headers={"Cookie": session})
    cookies = http.cookies.SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    if response.status != 200 or settings.CSRF_COOKIE_NAME not in cookies:
        sys.exit(f"error: the phase page answered {response.status} without a CSRF cookie for the learner")
    token = cookies[settings.CSRF_COOKIE_NAME].value
    return {
        "Cookie": f"{session}; {settings.CSRF_COOKIE_NAME}={token}",
        "X-CSRFToken": token,
        "Origin": server.url("").rstrip("/"),
        "HX-Request": "true",
    }


def prepare(server, page: Page) -> Prepared:
    """One request plain and one with gzip accepted: their sizes, how long one takes, and
    a check that the page answers 200 (not, say, a redirect to sign in)."""
    if page.status_paths:
        headers = csrf_headers(server, page)
        post_headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}

        def post(extra, status):
            return load.fetch(
                server.port,
                page.path,
                method="POST",
                headers={**post_headers, **extra},
                body=f"status={status}",
            )

        started = time.perf_counter()
        plain = post({}, "done")
        request_seconds = time.perf_counter() - started
        compressed = post(load.BROWSER_HEADERS, "in_progress")
        options = {
            "path": "/",
            "script": STATUS_SCRIPT,
            "script_args": [str(load.THREADS), *page.status_paths],
        }
    else:
        headers = {"Cookie": session_cookie(page.user)} if page.user else {}
        started = time.perf_counter()
        plain = load.fetch(server.port, page.path, headers=headers)
        request_seconds = time.perf_counter() - started
        compressed = load.fetch(server.port, page.path, headers={**headers, **load.BROWSER_HEADERS})
        options = {"path": page.path}
    for response in (plain, compressed):
        if response.status != 200:
            sys.exit(f"error: {page.name}: {page.path} answered {response.status}, not 200")
    gzipped = compressed.headers.get("Content-Encoding") == "gzip"
    return Prepared(
        page,
        {**options, "headers": headers, "request_seconds": request_seconds},
        len(plain.body),
        len(compressed.body) if gzipped else None,
    )


def measure_page(server, page: Page, bare: Prepared, args) -> Measured:
    """Warm up, then the page in `args.rounds` runs, each between two runs of the bare view.

    Short runs taken in turn see the same machine: work that starts or stops elsewhere
    meanwhile slows the bare view and the page alike. A slow page is loaded longer than
    `args.seconds`, up to MAX_SECONDS, until about MIN_REQUESTS complete: the requests
    cut off at the end of each run are work the count does not see.
    """
    if sys.stderr.isatty():  # the table comes at the end; say what the minutes are spent on
        print(f"\r\033[K  measuring {page.name}", end="", file=sys.stderr, flush=True)
    prepared = prepare(server, page)
    options = prepared.wrk_options
    rate = load.WORKERS / options["request_seconds"]
    if args.warmup:
        rate = server.run(seconds=args.warmup, **options).requests_per_second or rate
    seconds = max(args.seconds, min(MAX_SECONDS, math.ceil(MIN_REQUESTS / rate)))
    run_seconds = math.ceil(seconds / args.rounds)
    bare_runs = [server.run(seconds=BARE_SECONDS, **bare.wrk_options)]
    runs = []
    for _ in range(args.rounds):
        runs.append(server.run(seconds=run_seconds, **options))
        bare_runs.append(server.run(seconds=BARE_SECONDS, **bare.wrk_options))
    return Measured(prepared, sum(runs[1:], runs[0]), sum(bare_runs[1:], bare_runs[0]), bare_runs)


def kilobytes(size: int | None) -> str:
    return "not gz" if size is None else f"{size / 1000:.1f} KB"


def database_pids(url: str):
    """A function listing the PostgreSQL backends serving the benchmark's database, when the
    server runs on this machine (their CPU time is counted with the workers'); else none."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite" or parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
        return list
    import psycopg

    def pids():
        with psycopg.connect(url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return [pid for (pid,) in rows]

    return pids


def report(env, bare, pages, args) -> bool:
    """Serve, measure, print the table; True when every target is met."""
    load_before = os.getloadavg()[0]
    with load.Server(env, SERVER_LOG, database_pids(args.database_url)) as server:
        print(
            f"gunicorn -c gunicorn.conf.py with {load.WORKERS} workers on 127.0.0.1:{server.port} · "
            f"wrk -t{load.THREADS} -c{load.CONNECTIONS} -H 'Accept-Encoding: gzip' · each page: "
            f"{args.warmup} s of warm-up, then {args.rounds} runs adding up to {args.seconds} s or more, "
            f"before, between and after them the bare view for {BARE_SECONDS} s\n"
        )
        prepared_bare = prepare(server, bare)
        if args.warmup:
            server.run(seconds=args.warmup, **prepared_bare.wrk_options)
        results = [measure_page(server, page, prepared_bare, args) for page in pages]
    load_after = os.getloadavg()[0]
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr, flush=True)
    if any(result.bare.errors for result in results):
        sys.exit("error: the bare view answered errors; its session cookie does not work")
    met = print_throughput(results)
    print(f"\nLoad average {load_before:.2f} before, {load_after:.2f} after ({os.cpu_count()} cores).")
    print(
        "bare: the bare view's req/s in the runs taken in turn with the page's; ratio: the page's req/s "
        "over it.\nCPU ms: CPU time of gunicorn's workers and their database backends per request, "
        "which other work on the machine moves far less than req/s."
    )
    if any(page.smaller for page in pages):
        print(
            f"The large cohort's target is its time per request: at most {LARGE_COHORT_FACTOR:g}x "
            "the first cohort's, in server CPU time per request."
        )
    print(f"HTML: the answer's size; gzip: on the wire when the client accepts gzip. Log: {SERVER_LOG}\n")
    return met


def print_throughput(results: list[Measured]) -> bool:
    bare_runs = [run for result in results for run in result.bare_runs]
    rates = [run.requests_per_second for run in bare_runs]
    print(
        f"bare signed-in view: {len(rates)} runs, {min(rates):.0f} to {max(rates):.0f} req/s, "
        f"median {statistics.median(rates):.0f}; "
        f"{sum(bare_runs[1:], bare_runs[0]).cpu_ms:.2f} ms of server CPU per request\n"
    )
    header = (
        f"{'page':<38} {'requests':>11} {'req/s':>6} {'bare':>5} {'ratio':>6} {'target':>6} {'':<4} "
        f"{'CPU ms':>6} {'HTML':>8} {'gzip':>8}"
    )
    print(header)
    print("-" * len(header))
    met = True
    for result in results:
        run, page, note = result.wrk, result.page, ""
        if page.smaller:
            # Time per request as the server's CPU time: the same page at two sizes, so the
            # bare view is no help, and two heavy pages' req/s taken minutes apart move with
            # the machine's load (3.5x to 7.5x over six runs where the CPU times gave 4.6x to 5.6x).
            first = next(r for r in results if r.page is page.smaller)
            factor = run.cpu_ms / first.wrk.cpu_ms
            target, ok = f"<={LARGE_COHORT_FACTOR:g}x", factor <= LARGE_COHORT_FACTOR
            note = (
                f"{factor:.2f}x the CPU time of the {first.page.name.split(' (')[0]} "
                f"({first.ratio / result.ratio:.2f}x by ratio)"
            )
        else:
            target, ok = f">={page.target:.2f}", result.ratio >= page.target
        if run.errors:
            note = f"{run.errors} errors {note}".strip()
        verdict = "PASS" if ok and not run.errors else "FAIL"
        met &= verdict == "PASS"
        print(
            f"{page.name:<38} {f'{run.requests} in {run.seconds:.0f}s':>11} {run.requests_per_second:>6.1f} "
            f"{result.bare.requests_per_second:>5.0f} {result.ratio:>6.3f} {target:>6} {verdict:<4} "
            f"{run.cpu_ms:>6.1f} {kilobytes(result.prepared.html_bytes):>8} "
            f"{kilobytes(result.prepared.gzip_bytes):>8}" + (f"  {note}" if note else "")
        )
    return met

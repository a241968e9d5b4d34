"""Shared people and content for every test.

The four people of the house style: a learner, a mentor (of the learner's
cohort, once cohorts exist), an editor, and an outsider who belongs to nothing.
Roles are granted the way the product grants them, through the groups the data
migrations create.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
# The repository keeps its own copy of the seed; tests/roadmap checks it still
# matches ../shared/seed when that folder is beside the checkout.
SEED = ROOT / "fixtures" / "ai-ml-roadmap-2025.md"
SHARED_SEED = ROOT.parent / "shared" / "seed" / "ai-ml-roadmap-2025.md"
FIXTURE = ROOT / "fixtures" / "roadmap.json"
PASSWORD = "correct horse battery staple 42"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the tests that flush the database (the live server's, transactional ones) last,
    after every other database test.

    They flush the database when they finish, so the rows the data migrations
    made (the Editors and Mentors groups) are gone for any plain `db` test that
    runs after them. pytest-django orders them last, but pytest then groups the
    tests that use Playwright's fixtures by browser, which can pull them
    forward; this puts them back at the end, keeping every other order.

    Among them, those that restore the migrations' rows (serialized rollback)
    go first: a plain transactional test's flush makes those rows anew with new
    ids, and restoring the old ones after it clashes ("duplicate key ...
    django_content_type").
    """

    def flushes(item) -> int:
        """0: rolls back; 1: flushes, restoring the migrations' rows; 2: flushes, leaving
        Django to make them anew."""
        marker = item.get_closest_marker("django_db")
        names = set(getattr(item, "fixturenames", ()))
        flushing = bool(
            {"live_server", "transactional_db"} & names
            or (marker is not None and marker.kwargs.get("transaction"))
        )
        if not flushing:
            return 0
        restores = "django_db_serialized_rollback" in names or (
            marker is not None and marker.kwargs.get("serialized_rollback")
        )
        return 1 if restores else 2

    items.sort(key=flushes)


@pytest.fixture(autouse=True)
def forget_kept_cohort_rows():
    """Each test starts without cohort rows or activity summaries kept in memory: a
    rolled-back test's ids and change stamps come back in the next one (SQLite), with
    other learners and other activity behind them."""
    from progress.activity import forget_kept_summaries
    from progress.mentoring.table import forget_kept_rows

    forget_kept_rows()
    forget_kept_summaries()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash test passwords with a fast hasher: PBKDF2 costs about a second per user here.

    Production keeps Django's defaults; tests/accounts checks the validators, not the hasher.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def password():
    return PASSWORD


def _make_user(django_user_model, email, **extra):
    return django_user_model.objects.create_user(email=email, password=PASSWORD, **extra)


@pytest.fixture
def learner(django_user_model):
    return _make_user(django_user_model, "learner@example.com", display_name="Lena Learner")


@pytest.fixture
def outsider(django_user_model):
    return _make_user(django_user_model, "outsider@example.com", display_name="Otto Outsider")


@pytest.fixture
def mentor(django_user_model, learner):
    """A mentor of the cohort the `learner` belongs to (see the `cohort` fixture)."""
    from accounts.roles import role_grant
    from progress.mentoring.models import Cohort, Membership

    user = _make_user(django_user_model, "mentor@example.com", display_name="Mina Mentor")
    role_grant(user=user, role="mentor")
    cohort = Cohort.objects.create(name="Spring cohort", owner=user)
    cohort.mentors.add(user)
    Membership.objects.create(cohort=cohort, user=learner)
    return user


@pytest.fixture
def cohort(mentor):
    """The cohort `mentor` mentors and `learner` belongs to."""
    return mentor.mentored_cohorts.get()


@pytest.fixture
def editor(django_user_model):
    user = _make_user(django_user_model, "editor@example.com", display_name="Edith Editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(email="root@example.com", password=PASSWORD)


@pytest.fixture
def roadmap(db):
    """The whole seed roadmap.

    Imported from the seed rather than loaded from fixtures/roadmap.json: the
    importer's bulk writes take a fifth of loaddata's time, and
    tests/roadmap/test_import_roadmap.py proves both give the same rows.
    """
    call_command("import_roadmap", str(SEED), stdout=StringIO())
    from roadmap.models import Roadmap

    return Roadmap.objects.get()


@pytest.fixture
def seed_path():
    return SEED


# Redis for the tests that need one: 127.0.0.1:6379 (.ci/run starts it), one
# database number per xdist worker, so two workers never share keys, and never
# a number other work on this machine uses.
REDIS_DATABASES = {"gw0": 5, "gw1": 6}


@pytest.fixture
def redis_url():
    """A Redis database of this test's own, emptied before and after; skips when no Redis answers."""
    import os

    import redis

    number = REDIS_DATABASES.get(os.environ.get("PYTEST_XDIST_WORKER", "gw0"), 5)
    url = f"redis://127.0.0.1:6379/{number}"
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis answers on 127.0.0.1:6379 (.ci/run starts one)")
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


class LinkServer:
    """A web server on 127.0.0.1 answering what the link checker must tell apart (see `link_server`)."""

    def __init__(self, base: str, refused: str, requests: list):
        self.base = base
        self.refused = refused  # a closed port: connecting is refused
        self.requests = requests  # (method, path, user agent) of every request, in order

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


@pytest.fixture
def link_server(settings):
    """A local HTTP server (random port) for link checks; never the internet.

    /ok 200, /moved 301 to /ok, /moved-twice 308 to /moved, /temporary 302 to /ok,
    /missing 404, /gone 410, /error 500, /no-head 405 to HEAD but 200 to GET,
    /hang answers nothing until the test ends (past any timeout), /loop redirects to itself.
    """
    import socket
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    release = threading.Event()
    requests = []
    redirects = {"/moved": (301, "/ok"), "/moved-twice": (308, "/moved"), "/temporary": (302, "/ok")}
    redirects["/loop"] = (301, "/loop")
    codes = {"/ok": 200, "/missing": 404, "/gone": 410, "/error": 500}

    class Handler(BaseHTTPRequestHandler):
        def answer(self, method):
            requests.append((method, self.path, self.headers.get("User-Agent", "")))
            if self.path == "/hang":
                release.wait(30)
                return
            if self.path in redirects:
                code, location = redirects[self.path]
                self.send_response(code)
                self.send_header("Location", location)
            elif self.path == "/no-head":
                self.send_response(405 if method == "HEAD" else 200)
            else:
                self.send_response(codes.get(self.path, 404))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_HEAD(self):
            self.answer("HEAD")

        def do_GET(self):
            self.answer("GET")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        refused_port = closed.getsockname()[1]
    settings.LINK_CHECK_PRIVATE_ADDRESSES = True  # it is on 127.0.0.1, which production never asks
    try:
        yield LinkServer(
            f"http://127.0.0.1:{server.server_address[1]}", f"http://127.0.0.1:{refused_port}/", requests
        )
    finally:
        release.set()
        server.shutdown()
        server.server_close()

"""Waymark as it runs in production: the Dockerfile's gunicorn command and health
check, the release steps from the README, collected static files, and Django's
deployment checklist.

The server is a real gunicorn process on 127.0.0.1 with DEBUG off, its own
migrated SQLite database and the static files collected into STATIC_ROOT. It is
configured as behind a TLS proxy: requests say they came over https with
X-Forwarded-Proto, as the proxy would, except the load balancer's plain-http probe.
"""

import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SEED = ROOT / "fixtures" / "ai-ml-roadmap-2025.md"
# One folder per test run (and per worker: the module's fixture runs once in each).
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="waymark-static-"))
ONE_YEAR = 365 * 24 * 60 * 60
START_TIMEOUT = 30
# What a deployment serves: not 127.0.0.1, which the Dockerfile's HEALTHCHECK has to cope with.
HOST = "waymark.example.com"


def _dockerfile_commands() -> dict[str, list[str]]:
    """The Dockerfile's CMD and HEALTHCHECK commands (exec form, JSON)."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    commands = {}
    for line in text.splitlines():
        instruction = line.split(None, 1)[0] if line.strip() else ""
        if instruction in {"CMD", "HEALTHCHECK"}:
            commands[instruction] = json.loads(line[line.index("CMD") + len("CMD") :])
    return commands


DOCKERFILE = _dockerfile_commands()
GUNICORN = BIN / DOCKERFILE["CMD"][0]


def _production_env(**extra: str) -> dict[str, str]:
    """What a deployment sets, and nothing inherited from the test run."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "EMAIL_URL": "smtp://mail.example.com:587?tls=true",
        **extra,
    }


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(
    port: int, path: str, *, https: bool = True, **headers: str
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """GET as through the TLS proxy, or (https=False) straight over plain http."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    if https:
        headers["X-Forwarded-Proto"] = "https"
    try:
        connection.request("GET", path, headers={"Host": HOST, **headers})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def _wait_until_healthy(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            if _get(port, "/healthz", https=False)[0] == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not answer /healthz within {START_TIMEOUT}s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Run the release steps, collect static files, start gunicorn; yield (port, log, env)."""
    if not GUNICORN.exists():
        pytest.skip(f"gunicorn is not installed beside {sys.executable}")
    tmp = tmp_path_factory.mktemp("production")
    port = _free_port()
    # Collected into a folder of this test's own: the other tests, running beside it,
    # read the checkout's static files and must never see them half rewritten.
    env = _production_env(
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        BEHIND_PROXY="true",
        PORT=str(port),
        WEB_CONCURRENCY="1",
        STATIC_ROOT=str(STATIC_ROOT),
    )
    # As the Dockerfile builds the image: static files collected with no database.
    _manage(
        _production_env(DATABASE_URL=f"sqlite:///{tmp / 'build.sqlite3'}", STATIC_ROOT=str(STATIC_ROOT)),
        "collectstatic",
        "--no-input",
    )
    # The release steps, as the README lists them.
    _manage(env, "migrate", "--no-input")
    _manage(env, "createcachetable")
    _manage(env, "import_roadmap", str(SEED), "--if-missing")

    log = tmp / "gunicorn.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(GUNICORN), *DOCKERFILE["CMD"][1:]],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(process, port, log)
        yield port, log, env
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(STATIC_ROOT, ignore_errors=True)


def _hashed(name: str) -> str:
    return json.loads((STATIC_ROOT / "staticfiles.json").read_text())["paths"][name]


def test_it_runs_the_dockerfiles_command():
    assert DOCKERFILE["CMD"] == ["gunicorn", "-c", "gunicorn.conf.py", "config.wsgi:application"]


def test_it_answers_the_load_balancers_probe_over_plain_http(server):
    port, *_ = server

    status, headers, body = _get(port, "/healthz", https=False)

    assert status == 200
    assert headers["Content-Type"] == "text/plain"
    assert body == b"ok"
    assert "no-store" in headers["Cache-Control"]


def test_it_is_healthy_by_the_dockerfiles_healthcheck(server):
    _, _, env = server
    python, *arguments = DOCKERFILE["HEALTHCHECK"]

    probe = subprocess.run(
        [str(BIN / python), *arguments], env=env, capture_output=True, text=True, timeout=30
    )

    assert probe.returncode == 0, probe.stderr


def test_it_logs_each_request_to_stdout(server):
    _, log, _ = server

    assert '"GET /healthz HTTP/1.1" 200' in log.read_text()


def test_it_sends_plain_http_pages_to_https(server):
    port, *_ = server

    status, headers, _ = _get(port, "/", https=False)

    assert status == 301
    assert headers["Location"] == f"https://{HOST}/"


def test_it_serves_the_roadmap_with_hashed_static_names(server):
    port, *_ = server

    status, headers, body = _get(port, "/")

    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert "Content-Security-Policy" in headers
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    page = body.decode()
    assert "<!doctype html>" in page.lower()
    assert "Machine Learning Roadmap 2025</h1>" in page  # loaded by the release steps
    assert f'href="/static/{_hashed("css/site.css")}"' in page


def test_it_caches_hashed_static_files_for_a_year(server):
    port, *_ = server

    status, headers, body = _get(port, f"/static/{_hashed('css/site.css')}")

    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    cache_control = [part.strip() for part in headers["Cache-Control"].split(",")]
    assert "immutable" in cache_control
    max_age = next(int(part.split("=")[1]) for part in cache_control if part.startswith("max-age="))
    assert max_age >= ONE_YEAR
    assert body == (STATIC_ROOT / _hashed("css/site.css")).read_bytes()


def test_it_compresses_static_files_for_browsers_that_accept_it(server):
    port, *_ = server

    status, headers, body = _get(port, f"/static/{_hashed('css/site.css')}", **{"Accept-Encoding": "gzip"})

    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in headers["Vary"]
    assert len(body) < (STATIC_ROOT / _hashed("css/site.css")).stat().st_size


def test_it_passes_djangos_deployment_checklist():
    result = _manage(_production_env(), "check", "--deploy", "--fail-level", "WARNING")

    assert "System check identified no issues" in result.stdout

"""gunicorn as production runs it, on a loopback port, and wrk to load it.

Needs no Django: run.py builds the data and the sessions, this module serves
and measures them.
"""

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
START_TIMEOUT = 60
STOP_TIMEOUT = 30

# The load of every page and of the bare view: the same connections, so the ratios compare
# like with like. Four connections keep both workers busy with one request queued behind
# each, as a few people clicking at once would; two wrk threads leave the cores to gunicorn.
THREADS = 2
CONNECTIONS = 4
WORKERS = 2

# What a browser sends: once the pages are compressed, the load pays for compressing them.
BROWSER_HEADERS = {"Accept-Encoding": "gzip"}


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


@dataclass
class Load:
    """What wrk measured over one run, or over several added up."""

    requests: int
    seconds: float
    errors: int  # responses of 400 and above, and socket errors (timeouts included)
    # CPU time the server spent meanwhile: gunicorn's workers and their database backends.
    cpu_seconds: float = 0.0

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        """The server's CPU time per request, in milliseconds."""
        return self.cpu_seconds * 1000 / self.requests if self.requests else 0.0

    def __add__(self, other: "Load") -> "Load":
        return Load(
            self.requests + other.requests,
            self.seconds + other.seconds,
            self.errors + other.errors,
            self.cpu_seconds + other.cpu_seconds,
        )


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        sys.exit(
            "error: the benchmark needs wrk, the HTTP load generator: apt-get install wrk "
            "(`make bench` installs it when it runs as root)"
        )
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str, *, method: str = "GET", headers=None, body: str | None = None) -> Response:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()


class Server:
    """`gunicorn -c gunicorn.conf.py config.wsgi:application`, the Dockerfile's command,
    with WORKERS workers on a free port of 127.0.0.1, started and stopped as a context.

    `env` is the whole environment of the server: production settings, nothing inherited.
    The access and error logs go to `log_path`, kept for a look after the run.
    `database_pids`: a function listing the database's server processes on this machine
    that the workers talk to (none for SQLite, which runs inside the workers).
    """

    def __init__(self, env: dict[str, str], log_path: Path, database_pids=list):
        self.env = env
        self.log_path = log_path
        self.database_pids = database_pids
        self.port = None
        self.process = None

    def __enter__(self):
        if not GUNICORN.exists():
            sys.exit(f"error: gunicorn is not installed beside {sys.executable} (make env)")
        self.port = _free_port()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            # The configuration binds every interface; the command line overrides it,
            # so the benchmark's server is reachable from this machine only.
            [
                GUNICORN,
                "-c",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.port}",
                "config.wsgi:application",
            ],
            cwd=ROOT,
            env={**self.env, "PORT": str(self.port), "WEB_CONCURRENCY": str(WORKERS)},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            # Its own process group: Ctrl-C reaches the benchmark, which then stops it in order.
            start_new_session=True,
        )
        try:
            self._wait_until_healthy()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_until_healthy(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"error: gunicorn exited with {self.process.returncode}:\n{self._log_tail()}")
            try:
                if fetch(self.port, "/healthz").status == 200:
                    return
            except OSError:
                pass  # not listening yet
            time.sleep(0.2)
        sys.exit(f"error: gunicorn did not answer /healthz within {START_TIMEOUT} s:\n{self._log_tail()}")

    def _log_tail(self) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-30:])

    def __exit__(self, *exc_info):
        """SIGTERM, gunicorn's graceful stop; SIGKILL if it has not stopped in time."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def run(self, path: str, *, seconds: int, request_seconds: float, **wrk_options) -> Load:
        """wrk on `path` for `seconds`, counting the server's CPU time meanwhile.

        `request_seconds`: one request's time on the idle server. wrk stops with CONNECTIONS
        requests still queued or running in gunicorn, which serves them all the same; each
        run is followed by the time those take, so that they do not slow the next run.
        """
        cpu_before = self._cpu_ticks()
        result = wrk(self.url(path), seconds=seconds, **wrk_options)
        cpu_after = self._cpu_ticks()
        ticks = sum(after - cpu_before.get(pid, 0) for pid, after in cpu_after.items())
        result.cpu_seconds = ticks / os.sysconf("SC_CLK_TCK")
        # CONNECTIONS requests at the measured rate, or as long as one request alone takes
        # each: more than enough, and still a few milliseconds for a fast page.
        rate = result.requests_per_second
        time.sleep(CONNECTIONS * max(request_seconds, 1 / rate if rate else 0))
        return result

    def _cpu_ticks(self) -> dict[int, int]:
        """CPU time so far of each worker and database backend, in clock ticks.

        Other work on the machine moves it far less than it moves requests per second.
        """
        pids = [*self._worker_pids(), *self.database_pids()]
        return {pid: ticks for pid in pids if (ticks := _process_ticks(pid)) is not None}

    def _worker_pids(self) -> list[int]:
        master = str(self.process.pid)
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parent = stat.read_text().rsplit(")", 1)[1].split()[1]
            except (OSError, IndexError):
                continue  # gone meanwhile
            if parent == master:
                pids.append(int(stat.parent.name))
        return pids


def _process_ticks(pid: int) -> int | None:
    """utime + stime of a process (fields 14 and 15 of /proc/PID/stat), None if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


def wrk(
    url: str, *, seconds: int, headers: dict[str, str], script: Path | None = None, script_args=()
) -> Load:
    """Load `url` for `seconds` with CONNECTIONS connections; script: a wrk Lua script."""
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s"]
    for name, value in {**BROWSER_HEADERS, **headers}.items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"error: wrk failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return _parse_wrk(result.stdout, seconds)


def _parse_wrk(output: str, seconds: int) -> Load:
    def number(pattern):
        match = re.search(pattern, output)
        return float(match.group(1)) if match else 0.0

    if "Requests/sec:" not in output:
        sys.exit(f"error: could not read wrk's output:\n{output}")
    requests, rate = int(number(r"(\d+) requests in")), number(r"Requests/sec:\s+([\d.]+)")
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return Load(
        requests=requests,
        # wrk's own run time, a little over `seconds`, which it prints too coarsely above a minute.
        seconds=requests / rate if rate else seconds,
        errors=int(number(r"Non-2xx or 3xx responses: (\d+)"))
        + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
    )

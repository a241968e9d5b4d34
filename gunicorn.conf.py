"""Gunicorn settings for Waymark, read from the environment like config/settings.py.

    gunicorn -c gunicorn.conf.py config.wsgi:application

PORT                port to listen on, on every interface (default 8000)
WEB_CONCURRENCY     worker processes (default 2 x CPU cores + 1, at most 8)
FORWARDED_ALLOW_IPS proxies trusted to set X-Forwarded-* headers (default 127.0.0.1,::1)
"""

import multiprocessing
import os
from pathlib import Path


def _whole_number(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"The environment variable {name}={value!r} is not a whole number.") from None


bind = f"0.0.0.0:{_whole_number('PORT', 8000)}"

# Requests are short and mostly wait on the database, so the classic formula is
# right; the cap keeps a large host from opening more database connections
# (each worker keeps one, CONN_MAX_AGE) than a small PostgreSQL allows.
workers = _whole_number("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8))
timeout = 30
graceful_timeout = 20

# Load Django once in the master: a broken configuration stops start-up with the
# settings' own message instead of a crash loop of workers, and workers share memory.
preload_app = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The heartbeat file on a disk-backed /tmp can stall workers inside containers.
# Gunicorn creates it with mkstemp, so the shared directory is safe.
SHARED_MEMORY = "/dev/shm"  # noqa: S108
if Path(SHARED_MEMORY).is_dir():
    worker_tmp_dir = SHARED_MEMORY

# No runtime control socket: nothing uses gunicornc, and the default path under
# $HOME collides between instances and fails for a user without a home.
control_socket_disable = True

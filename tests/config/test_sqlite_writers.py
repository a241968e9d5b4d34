"""On SQLite (`make run`, a small deployment), two writers at once take turns instead of
one of them failing with "database is locked" (a 500 for the learner whose tab lost).

Run in a child process configured by DATABASE_URL alone, as `make run` configures the
site, so it checks the SQLite settings whichever database the suite itself runs on.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Two transactions that read, then write: the shape of a status change. Started together,
# both read before either writes; as DEFERRED transactions the second to write fails at
# once, since it cannot wait for a lock the first one waits on too.
SCRIPT = """
import threading, time
import django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE counter (n integer)")
    cursor.execute("INSERT INTO counter VALUES (0)")

errors = []

def change():
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT n FROM counter")
                time.sleep(0.3)
                cursor.execute("UPDATE counter SET n = n + 1")
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()

writers = [threading.Thread(target=change) for _ in range(2)]
for writer in writers:
    writer.start()
for writer in writers:
    writer.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT n FROM counter")
    print(cursor.fetchone()[0], errors)
"""


def test_two_writers_at_once_take_turns_on_sqlite(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2 []"

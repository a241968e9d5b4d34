"""What `make run` gives someone trying Waymark: links on their port, emails they can read."""

import io
import os
import re
import shutil
import subprocess

import pytest
from django.core.mail import EmailMessage

from config.mail import ReadableConsoleBackend
from tests.conftest import ROOT

LINK = (
    "http://127.0.0.1:8201/accounts/confirm-email/Mg:1vQ9xYz:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ/"
)


def _run_line_env(extra_env: dict) -> str:
    """The environment `make run PORT=8201` starts the server with (its command swapped for env)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    planned = subprocess.run(
        ["make", "-n", "run", "PORT=8201"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in planned.splitlines() if "runserver" in line)
    command = re.sub(r"\S+python manage\.py runserver \S+", "env", line)
    environment = {key: value for key, value in os.environ.items() if key != "SITE_URL"} | extra_env
    return subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, env=environment, check=True
    ).stdout


def test_make_run_builds_links_on_its_own_port():
    assert "SITE_URL=http://127.0.0.1:8201\n" in _run_line_env({})
    assert "SITE_URL=https://waymark.example.com\n" in _run_line_env(
        {"SITE_URL": "https://waymark.example.com"}
    )


def _printed(body: str, subject="Confirm your email address") -> str:
    stream = io.StringIO()
    ReadableConsoleBackend(stream=stream).send_messages(
        [EmailMessage(subject, body, "Waymark <noreply@localhost>", ["léa@example.com"])]
    )
    return stream.getvalue()


def test_console_emails_print_whole_links_and_plain_utf8():
    printed = _printed(f"Bonjour Léa,\n\nConfirm your address — follow this link:\n{LINK}\n")
    assert f"\n{LINK}\n" in printed
    assert "Bonjour Léa" in printed
    assert "— follow this link" in printed
    assert "quoted-printable" not in printed and "base64" not in printed
    assert "=\n" not in printed


def test_console_emails_print_subjects_as_written():
    printed = _printed("Hello", subject="Votre compte · Waymark")
    assert "Subject: Votre compte · Waymark" in printed

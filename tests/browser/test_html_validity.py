"""Every page is valid HTML, as the Nu Html Checker (the W3C validator) sees it.

The pages are the ones each person can reach (tests/browser/conftest.py finds
them from the URL names that exist), fetched as the server sends them; they are
saved together and checked in one run of the checker, whose JVM is slow to start.
"""

import json
import re
import shutil
import subprocess

import pytest

from tests.browser.conftest import ARTIFACTS, ROOT, reachable_pages

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ROLES = ("anonymous", "learner", "editor", "mentor")
HTMX_ATTRIBUTE = re.compile(r"Attribute “hx-[a-z-]+” not allowed")
HTMX_HINT = " (htmx reads data-hx-* as well: data-hx-post and the like are valid HTML)"


def _file_name(role: str, path: str) -> str:
    return f"{role}{re.sub(r'[^A-Za-z0-9]+', '-', path).rstrip('-') or '-root'}.html"


def _check(folder) -> list[dict]:
    """The checker's errors for every .html file in `folder`."""
    if not VNU.exists():
        pytest.fail(f"{VNU.relative_to(ROOT)} is missing: run `make checkers` (npm ci)")
    if shutil.which("java") is None:
        pytest.fail("Java is needed to run the Nu Html Checker (apt-get install default-jre-headless)")
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # The JSON report goes to stderr; exit status 1 also means "errors found".
    try:
        return json.loads(result.stderr)["messages"]
    except json.JSONDecodeError:
        pytest.fail(
            f"The Nu Html Checker did not report (exit {result.returncode}):\n{result.stdout}{result.stderr}"
        )


def test_it_serves_only_valid_html(roadmap, people):
    folder = ARTIFACTS / "html"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    pages = {}
    for role in ROLES:
        for page, html in reachable_pages(people[role], people, admin=role == "editor"):
            name = _file_name(role, page.path)
            (folder / name).write_text(html)
            pages[name] = f"{role}: {page}"
    assert len(pages) >= 8, pages

    errors = {}
    for message in _check(folder):
        name = message.get("url", "").rpartition("/")[2]
        where = f"line {message.get('lastLine', '?')}"
        hint = HTMX_HINT if HTMX_ATTRIBUTE.search(message["message"]) else ""
        errors.setdefault(pages.get(name, name), []).append(
            f"{where}: {message['message']}{hint}  [{message.get('extract', '').strip()}]"
        )

    report = "\n".join(f"{page}\n    " + "\n    ".join(found) for page, found in sorted(errors.items()))
    assert not errors, (
        f"Invalid HTML on {len(errors)} of {len(pages)} pages (saved in test-artifacts/html/):\n{report}"
    )

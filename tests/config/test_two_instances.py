"""Two app instances as one: the deployment compose.yaml describes, on this machine.

Two gunicorn processes, started with the Dockerfile's command and production
settings (DEBUG off, behind a TLS proxy), share one PostgreSQL database (this
test run's) and one Redis database, as two containers behind the reverse proxy
would. Requests go to one or the other, as a load balancer sends them, and:

- a session signed in on one works on the other (sessions live in PostgreSQL,
  signed with the one SECRET_KEY);
- a sign-in limit counted on one holds on the other (counters live in Redis);
- an editor's content change made through one shows on the other on the next
  request (nothing about content is kept in a process).
"""

import http.client
import os
import re
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import connection

from roadmap.models import Resource
from tests.config.test_production import DOCKERFILE, GUNICORN, HOST, ROOT, START_TIMEOUT, _free_port
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two instances share one PostgreSQL database (CI runs the suite on PostgreSQL)",
    ),
]

ORIGIN = f"https://{HOST}"


class Browser:
    """A visitor's cookies, sent through the TLS proxy to whichever instance is named."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None):
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",  # what the proxy adds
            "X-Forwarded-For": "203.0.113.9",
            "Origin": ORIGIN,
            "Referer": ORIGIN + path,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        try:
            client.request(method, path, body=body, headers=headers)
            response = client.getresponse()
            text = response.read().decode()
        finally:
            client.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            if value in {"", '""'}:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response.status, response.headers, text

    def get(self, port, path):
        return self.request(port, "GET", path)

    def submit(self, port, path, form_id: str | None = None, **changes):
        """Open the page, fill its form (with its CSRF token) as it is, change some fields, send it."""
        status, _, page = self.get(port, path)
        assert status == 200, page
        fields = FormFields.read(page, form_id)
        for name, value in changes.items():
            fields[name] = value
        return self.request(port, "POST", path, fields)


class FormFields(HTMLParser):
    """The values a browser would send for one form of a page."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, {}
        self._select = self._textarea = None

    @classmethod
    def read(cls, html: str, form_id: str | None) -> dict:
        parser = cls(form_id)
        parser.feed(html)
        return parser.fields

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (self.form_id is None or attrs.get("id") == self.form_id) and not self.fields:
            self.inside = attrs.get("method", "get").lower() == "post"
        if not self.inside or (not attrs.get("name") and tag != "option"):
            return
        if tag == "input" and attrs.get("type") not in {"submit", "button", "file"}:
            if attrs.get("type") in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.setdefault(attrs["name"], attrs.get("value", "on" if "checked" in attrs else ""))
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += (
                data.removeprefix("\n") if not self.fields[self._textarea] else data
            )

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _start(env: dict, log: Path) -> subprocess.Popen:
    with log.open("w") as output:
        return subprocess.Popen(
            [str(GUNICORN), *DOCKERFILE["CMD"][1:]],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _wait_until_healthy(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            if Browser().get(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not answer /healthz within {START_TIMEOUT}s:\n{log.read_text()}")


@pytest.fixture
def instances(tmp_path, redis_url, roadmap):
    """Two instances of the production image's command on one database and one Redis: their ports."""
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed beside the test interpreter")
    database = connection.settings_dict
    common = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DEBUG": "false",
        "SECRET_KEY": "two-instances-share-this-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": ORIGIN,
        "EMAIL_URL": "console://",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": redis_url,
        "BEHIND_PROXY": "true",
        "WEB_CONCURRENCY": "1",
        # Static files are not what this test is about; test_production.py checks them.
        "STATIC_MANIFEST": "false",
    }
    servers = []
    try:
        for name in ("a", "b"):
            port = _free_port()
            log = tmp_path / f"gunicorn-{name}.log"
            servers.append((_start({**common, "PORT": str(port)}, log), port, log))
        for server, port, log in servers:
            _wait_until_healthy(server, port, log)
        yield [port for _server, port, _log in servers]
    finally:
        for server, _port, _log in servers:
            server.terminate()
        for server, _port, _log in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@pytest.fixture(autouse=True)
def production_hashing(settings):
    """The instances check passwords with production's hashers, so they are stored with them."""
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


@pytest.fixture
def person(django_user_model):
    user = django_user_model.objects.create_user(
        email="ada@example.com", password=PASSWORD, display_name="Ada Lovelace"
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _sign_in(browser, port, email, password=PASSWORD):
    return browser.submit(port, "/accounts/login/", login=email, password=password)


def test_a_session_signed_in_on_one_instance_works_on_the_other(instances, person):
    first, second = instances
    browser = Browser()

    status, headers, page = _sign_in(browser, first, person.email)
    assert (status, headers["Location"]) == (302, "/dashboard/"), _errors(page)

    status, _, page = browser.get(second, "/dashboard/")
    assert status == 200
    assert "Ada Lovelace" in page

    # Signing out on the second ends the session on the first too.
    browser.submit(second, "/accounts/logout/")
    status, headers, _ = browser.get(first, "/dashboard/")
    assert status == 302
    assert headers["Location"].startswith("/accounts/login/")


def test_a_sign_in_limit_counted_on_one_instance_holds_on_the_other(instances, person):
    first, second = instances
    for attempt in range(5):
        # Wrong passwords, spread over both instances as a load balancer would.
        _, _, page = _sign_in(Browser(), instances[attempt % 2], person.email, f"wrong {attempt}")
        assert "not correct" in page

    status, _, page = _sign_in(Browser(), second, person.email)

    assert status == 200
    assert "Please wait a few minutes" in page
    status, _, page = _sign_in(Browser(), first, person.email)
    assert "Please wait a few minutes" in page


def test_an_editors_change_through_one_instance_shows_on_the_other_at_once(instances, django_user_model):
    first, second = instances
    editor = django_user_model.objects.create_user(
        email="edith@example.com", password=PASSWORD, display_name="Edith Editor", is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Editors"))
    resource = Resource.objects.exclude(url="").select_related("section__phase").order_by("pk").first()
    phase_page = resource.section.phase.get_absolute_url()
    new_url = "https://example.org/a-course-changed-through-one-instance/"
    visitor = Browser()
    assert new_url not in visitor.get(second, phase_page)[2]  # the second has served the page already

    browser = Browser()
    status, _, _ = browser.submit(first, "/admin/login/", username=editor.email, password=PASSWORD)
    assert status == 302
    status, _headers, page = browser.submit(
        first, f"/admin/roadmap/resource/{resource.pk}/change/", "resource_form", url=new_url, _save="Save"
    )
    assert status == 302, page

    status, _, page = visitor.get(second, phase_page)
    assert status == 200
    assert f'href="{new_url}"' in page


def _errors(page: str) -> str:
    """The form's error messages, to say why a sign-in did not go through."""
    return (
        " | ".join(re.findall(r'<(?:ul|div) class="[^"]*error[^"]*"[^>]*>(.*?)</(?:ul|div)>', page, re.S))
        or page[-3000:]
    )

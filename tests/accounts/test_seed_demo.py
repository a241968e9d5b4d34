import re
from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from accounts.management.commands.seed_demo import DEMO_PEOPLE
from accounts.models import User

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


def _seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_it_refuses_to_run_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        _seed()

    assert not User.objects.exists()


def test_it_creates_the_demo_people_with_confirmed_addresses_and_roles(settings):
    settings.DEBUG = True

    output = _seed()

    people = {user.email: user for user in User.objects.all()}
    assert set(people) == {"learner@waymark.local", "editor@waymark.local", "mentor@waymark.local"}
    for email, password, _name, _role in DEMO_PEOPLE:
        assert people[email].check_password(password)
        assert f"{email}" in output and password in output
        address = EmailAddress.objects.get(user=people[email])
        assert (address.email, address.verified, address.primary) == (email, True, True)
    assert (people["learner@waymark.local"].is_editor, people["learner@waymark.local"].is_mentor) == (
        False,
        False,
    )
    assert people["editor@waymark.local"].is_editor
    assert people["editor@waymark.local"].is_staff
    assert not people["editor@waymark.local"].is_superuser
    assert people["mentor@waymark.local"].is_mentor
    assert not people["mentor@waymark.local"].is_staff
    assert "Created 3 demo people" in output


def test_it_can_run_again_without_duplicating_anyone(settings):
    settings.DEBUG = True
    _seed()
    User.objects.filter(email="learner@waymark.local").update(password="changed")

    output = _seed()

    assert User.objects.count() == 3
    assert EmailAddress.objects.count() == 3
    assert User.objects.get(email="learner@waymark.local").check_password("waymark-learner-demo")
    assert User.objects.get(email="editor@waymark.local").groups.count() == 1
    assert "Created 0 demo people and updated 3" in output


def test_a_dry_run_creates_nobody(settings):
    settings.DEBUG = True

    output = _seed("--dry-run")

    assert not User.objects.exists()
    assert "Would create 3" in output


def test_the_readme_lists_the_same_logins():
    readme = README.read_text()
    for email, password, _name, _role in DEMO_PEOPLE:
        assert re.search(rf"`{re.escape(email)}`\s*\|\s*`{re.escape(password)}`", readme), email

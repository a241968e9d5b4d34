import re
import zoneinfo

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import TimezoneMiddleware

pytestmark = pytest.mark.django_db

URL = reverse("accounts:profile")


def _save(client, **data):
    return client.post(URL, {"display_name": "", "time_zone": "UTC", "email_cohort_updates": "on", **data})


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={URL}"


@pytest.mark.parametrize("person", ["learner", "mentor", "editor", "superuser"])
def test_it_shows_everyone_their_own_profile(client, request, person):
    user = request.getfixturevalue(person)
    client.force_login(user)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert user.email in html
    assert f'name="display_name" value="{user.display_name}"' in html or not user.display_name
    assert '<option value="Europe/Paris">Paris</option>' in html
    assert '<optgroup label="America">' in html


def test_it_names_the_roles_a_person_has(client, editor):
    client.force_login(editor)

    html = client.get(URL).content.decode()

    assert '<span class="pill">Editor</span>' in html
    assert '<span class="pill">Mentor</span>' not in html


def test_it_saves_display_name_time_zone_and_email_preferences(client, learner):
    client.force_login(learner)

    response = client.post(URL, {"display_name": "  Ada L.  ", "time_zone": "Asia/Tokyo"})

    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.display_name, learner.time_zone, learner.email_cohort_updates) == (
        "Ada L.",
        "Asia/Tokyo",
        False,
    )
    page = client.get(response["Location"])
    assert "Your profile is saved." in page.content.decode()
    assert "Ada L." in page.content.decode()  # the navigation uses the new name at once


def test_it_refuses_a_display_name_over_80_characters_and_changes_nothing(client, learner):
    client.force_login(learner)

    response = _save(client, display_name="x" * 10_000, time_zone="Asia/Tokyo")

    assert response.status_code == 200
    assert "Ensure this value has at most 80 characters (it has 10000)." in response.content.decode()
    learner.refresh_from_db()
    assert (learner.display_name, learner.time_zone) == ("Lena Learner", "UTC")
    # The page around the form still shows what is saved.
    assert "x" * 81 not in response.content.decode().split("<form", 1)[0]


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "../../etc/passwd", "x" * 500])
def test_it_refuses_a_time_zone_that_does_not_exist(client, learner, zone):
    client.force_login(learner)

    response = _save(client, time_zone=zone)

    assert response.status_code == 200
    assert response.context["form"].errors["time_zone"]
    learner.refresh_from_db()
    assert learner.time_zone == "UTC"


def test_it_shows_others_the_display_name_instead_of_the_email(learner, outsider):
    assert str(learner) == "Lena Learner"
    outsider.display_name = ""
    assert str(outsider) == "outsider@example.com"


def test_it_rejects_other_methods(client, learner):
    client.force_login(learner)

    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405


def _zone_seen_by_a_view(user):
    seen = {}

    def view(request):
        seen["zone"] = timezone.get_current_timezone_name()
        seen["today"] = timezone.localdate()
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = user
    TimezoneMiddleware(view)(request)
    return seen


def test_the_middleware_shows_dates_in_the_persons_zone(learner):
    learner.time_zone = "Pacific/Kiritimati"  # UTC+14: "today" is often tomorrow in UTC

    seen = _zone_seen_by_a_view(learner)

    assert seen["zone"] == "Pacific/Kiritimati"
    assert seen["today"] == timezone.now().astimezone(zoneinfo.ZoneInfo("Pacific/Kiritimati")).date()
    assert timezone.get_current_timezone_name() == "UTC"  # and forgets it after the response


def test_the_middleware_falls_back_to_utc_for_an_unknown_zone(learner):
    learner.time_zone = "Atlantis/Capital"

    assert _zone_seen_by_a_view(learner)["zone"] == "UTC"


def test_the_middleware_uses_utc_for_anonymous_visitors():
    from django.contrib.auth.models import AnonymousUser

    assert _zone_seen_by_a_view(AnonymousUser())["zone"] == "UTC"


def test_it_offers_the_browsers_time_zone_in_one_click_when_scripts_run(client, learner):
    client.force_login(learner)
    html = client.get("/accounts/profile/").content.decode()
    # Hidden until static/js/time-zone.js finds the browser's zone; the list works without it.
    assert '<p class="browser-zone" id="browser-zone" hidden><button type="submit"' in html
    assert re.search(r'<script src="/static/js/time-zone.js" defer nonce="[^"]+"></script>', html)
    assert '<select name="time_zone"' in html

import json

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts:data")
DOWNLOAD = reverse("accounts:data_download")


def _download(client, method="post"):
    response = getattr(client, method)(DOWNLOAD)
    assert response.status_code == 200
    return response, json.loads(response.content)


@pytest.mark.parametrize("url", [PAGE, DOWNLOAD])
def test_it_sends_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("person", ["learner", "mentor", "editor", "superuser"])
def test_it_explains_the_download_to_everyone(client, request, person):
    client.force_login(request.getfixturevalue(person))

    response = client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "What the file holds" in html
    assert f'action="{DOWNLOAD}"' in html


def test_it_refuses_to_post_to_the_explanation(client, learner):
    client.force_login(learner)

    assert client.post(PAGE).status_code == 405


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_downloads_one_json_file_as_an_attachment(client, learner, method):
    client.force_login(learner)

    response, _data = _download(client, method)

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="waymark-data-')
    assert response["Content-Disposition"].endswith('.json"')
    assert "no-store" in response["Cache-Control"]


def test_it_holds_the_profile_roles_and_email_addresses(client, editor):
    editor.time_zone = "Europe/Lisbon"
    editor.save(update_fields=["time_zone"])
    EmailAddress.objects.create(user=editor, email=editor.email, verified=True, primary=True)
    EmailAddress.objects.create(user=editor, email="edith@elsewhere.example", verified=False, primary=False)
    client.force_login(editor)

    _response, data = _download(client)

    assert data["format"] == "waymark-user-data/1"
    accounts = data["accounts"]
    assert accounts["profile"] == {
        "email": "editor@example.com",
        "display_name": "Edith Editor",
        "time_zone": "Europe/Lisbon",
        "email_cohort_updates": True,
        "accept_nudges": True,
        "date_joined": accounts["profile"]["date_joined"],
        "last_login": accounts["profile"]["last_login"],
    }
    assert accounts["roles"] == ["editor"]
    assert accounts["email_addresses"] == [
        {"email": "editor@example.com", "verified": True, "primary": True},
        {"email": "edith@elsewhere.example", "verified": False, "primary": False},
    ]


def test_it_holds_what_an_editor_changed_in_the_admin(client, editor):
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(editor),
        object_id=str(editor.pk),
        object_repr=str(editor),
        action_flag=CHANGE,
        change_message="Changed display name.",
    )
    client.force_login(editor)

    _response, data = _download(client)

    (entry,) = data["accounts"]["admin_history"]
    assert (entry["action"], entry["object"], entry["change"]) == (
        "changed",
        "Edith Editor",
        "Changed display name.",
    )


def test_it_holds_a_section_from_every_app_that_offers_one(client, learner):
    client.force_login(learner)

    _response, data = _download(client)

    offering = {config.label for config in apps.get_app_configs() if hasattr(config, "export_user_data")}
    assert offering >= {"accounts"}
    assert offering <= set(data)


def test_a_new_app_adds_its_section_without_changing_accounts(client, learner, monkeypatch):
    roadmap = apps.get_app_config("roadmap")
    monkeypatch.setattr(
        roadmap, "export_user_data", lambda user: {"bookmarks": [f"for {user.email}"]}, raising=False
    )
    client.force_login(learner)

    _response, data = _download(client)

    assert data["roadmap"] == {"bookmarks": ["for learner@example.com"]}


def test_it_holds_nothing_about_anyone_else_and_no_password(client, learner, outsider, password):
    EmailAddress.objects.create(user=outsider, email=outsider.email, verified=True, primary=True)
    client.force_login(learner)

    response, _data = _download(client)

    body = response.content.decode()
    assert "outsider@example.com" not in body
    assert "Otto" not in body
    assert learner.password not in body
    assert password not in body


def test_it_downloads_in_a_fixed_number_of_queries(client, editor, django_assert_max_num_queries):
    for number in range(10):
        EmailAddress.objects.create(user=editor, email=f"edith{number}@example.com")
    content_type = ContentType.objects.get_for_model(editor)
    LogEntry.objects.bulk_create(
        LogEntry(
            user=editor,
            content_type=content_type,
            object_id=str(editor.pk),
            object_repr=f"change {number}",
            action_flag=CHANGE,
        )
        for number in range(30)
    )
    client.force_login(editor)
    _download(client)  # the content, read once into the cached structure

    # Session and user, roles, email addresses, admin history, and each other app's few queries
    # (progress: its figures, statuses, notes, link reports, projects, plan, path, activity,
    # cohorts, nudges, addresses).
    with django_assert_max_num_queries(17):
        _response, data = _download(client)

    assert len(data["accounts"]["email_addresses"]) == 10
    assert len(data["accounts"]["admin_history"]) == 30

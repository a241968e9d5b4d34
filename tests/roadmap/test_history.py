"""Content history: recorded for every change, shown and revertable in the admin, public without people."""

import re

import pytest
from django.urls import reverse

from roadmap import structure
from roadmap.models import Resource, Topic
from tests.roadmap.admin_helpers import admin_url, form_data

PYTHON = "ai-ml-roadmap-2025/prerequisites/python-proficiency"
HINTS = f"{PYTHON}/python-for-ai-ml/type-hints"


def _edit_topic(client, topic, **changes):
    url = admin_url(Topic, "change", topic.pk)
    data = form_data(client, url, Topic)
    data.update({name: [value] for name, value in changes.items()})
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]


@pytest.fixture
def edited(client, editor, roadmap):
    """An editor gives a topic a description, then a bad edit overwrites it."""
    client.force_login(editor)
    topic = Topic.objects.get(key=HINTS)
    _edit_topic(client, topic, description="Annotations that tools check.")
    _edit_topic(client, topic, title="Tpye hnits", description="oops")
    return topic


def test_it_records_who_changed_which_fields_before_and_after(edited, editor):
    latest, before = edited.history.all()[:2]
    assert latest.history_user == editor
    delta = latest.diff_against(before)
    assert {change.field: (change.old, change.new) for change in delta.changes} == {
        "title": ("Type hints", "Tpye hnits"),
        "description": ("Annotations that tools check.", "oops"),
    }


def test_the_admin_shows_the_history_field_by_field(client, edited):
    response = client.get(admin_url(Topic, "history", edited.pk))
    assert response.status_code == 200
    html = response.text
    assert "Edith Editor" in html  # editors see which editor changed content
    assert "Tpye hnits" in html and "Annotations that tools check." in html
    assert "Imported from the roadmap markdown" not in html  # nothing the import did to it since loading
    assert not re.search(r"<[a-z]+[^>]*\sstyle=", html)  # the CSP refuses inline styles


def test_an_editor_reverts_a_bad_edit_from_its_history(client, editor, edited):
    good = edited.history.all()[1]
    url = reverse("admin:roadmap_topic_simple_history", args=[edited.pk, good.history_id])
    version = structure.current_version()
    data = form_data(client, url, Topic.history.model)  # the form of the version chosen
    assert data["title"] == ["Type hints"]

    response = client.post(url, {**data, "_save": ["Revert"]})

    assert response.status_code == 302
    topic = Topic.objects.get(pk=edited.pk)
    assert (topic.title, topic.description) == ("Type hints", "Annotations that tools check.")
    assert structure.current_version() != version  # every page shows it at once
    record = topic.history.first()
    assert (record.history_user, record.history_change_reason) == (
        editor,
        f"Reverted to version {good.history_id}",
    )
    assert client.get("/phases/prerequisites/").text.count("Tpye hnits") == 0


def test_a_learner_cannot_reach_the_history(client, learner, edited):
    client.force_login(learner)
    assert client.get(admin_url(Topic, "history", edited.pk)).status_code == 302


# The public "What changed" page ------------------------------------------------------------


def test_the_public_sees_what_changed_and_never_who(client, edited, editor):
    client.logout()
    response = client.get(reverse("roadmap:changes"))
    assert response.status_code == 200
    html = response.text
    assert "Tpye hnits" in html
    assert "<del>Type hints</del>" in html and "<ins>Tpye hnits</ins>" in html
    assert "<del>Annotations that tools check.</del>" in html
    assert f'href="/phases/prerequisites/#{structure.current().topic_by_id[edited.pk].anchor}"' in html
    for person in (editor.email, editor.display_name, "Edith"):
        assert person not in html


def test_it_leaves_out_the_roadmap_as_first_loaded(client, roadmap):
    html = client.get(reverse("roadmap:changes")).text
    assert "Nothing has changed since the roadmap was first loaded." in html


def test_a_link_fixed_by_the_import_shows_as_a_change(client, roadmap, seed_path, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    seed = tmp_path / seed_path.name  # the file name is the roadmap's key
    seed.write_text(seed_path.read_text().replace("https://www.py4e.com |", "https://www.py4e.com/lessons |"))
    call_command("import_roadmap", str(seed), stdout=StringIO())

    html = client.get(reverse("roadmap:changes")).text
    assert "Python for Everybody" in html
    assert '<del>https://www.py4e.com</del> <span aria-hidden="true">→</span>' in html
    assert "<ins>https://www.py4e.com/lessons</ins>" in html


def test_a_removed_resource_shows_as_removed_without_a_link(client, editor, roadmap):
    Resource.objects.get(key=f"{PYTHON}/resources/python-for-everybody").delete()
    html = client.get(reverse("roadmap:changes")).text
    assert "Resource removed" in html
    assert '<p class="change__title">Python for Everybody</p>' in html


def test_what_changed_costs_one_query_however_long_the_history(client, edited, django_assert_num_queries):
    client.logout()
    client.get(reverse("roadmap:changes"))
    with django_assert_num_queries(1):  # the content version
        client.get(reverse("roadmap:changes"))

    topic = Topic.objects.get(pk=edited.pk)
    for n in range(60):
        topic.title = f"Type hints {n}"
        topic.save(update_fields=["title"])
    client.get(reverse("roadmap:changes"))
    with django_assert_num_queries(1):
        response = client.get(reverse("roadmap:changes"))
    assert response.text.count('class="change card"') == 50

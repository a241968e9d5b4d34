"""The roadmap's structure: built once per content version, shared by every process, never stale."""

import ast
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from roadmap import structure
from roadmap.models import ContentVersion, Phase, Resource, Roadmap, TimelineEntry, Topic
from tests.conftest import ROOT, SEED
from tests.roadmap.admin_helpers import admin_url, errors_of, form_data

pytestmark = pytest.mark.django_db

CACHES = {
    "locmem": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}},
    "database": {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}
    },
}


@pytest.fixture(params=sorted(CACHES))
def shared_cache(request, settings):
    """Each test runs with the in-memory cache and with the database cache."""
    settings.CACHES = CACHES[request.param]
    cache.clear()
    yield request.param
    cache.clear()


def version():
    return ContentVersion.objects.get(pk=1).value


def test_an_editors_change_shows_on_the_next_request(client, editor, roadmap, shared_cache):
    phase = Phase.objects.get(number=1)
    assert "Prerequisites" in client.get("/").text
    editor_client = Client()
    editor_client.force_login(editor)
    url = admin_url(Phase, "change", phase.pk)
    data = form_data(editor_client, url, Phase)
    data["title"] = ["Before you start"]

    response = editor_client.post(url, data)

    assert response.status_code == 302, errors_of(response)
    assert "Before you start" in client.get("/").text
    assert "Before you start" in client.get(phase.get_absolute_url()).text


def test_another_process_sees_the_change_too(client, roadmap, shared_cache):
    """A process that built the structure before the change (its copy in memory is of the old
    version) reads the new one, from the shared cache or the database."""
    client.get("/")
    stale = structure.current()
    Topic.objects.filter(title="Type hints").update(title="Ignored")  # a bulk write sends no signal...
    topic = Topic.objects.get(title="Ignored")
    topic.title = "Type annotations"
    topic.save(update_fields=["title"])  # ...a save does

    fresh = structure.current()
    assert fresh.version != stale.version
    assert fresh.topic_by_id[topic.pk].title == "Type annotations"
    structure.forget()  # another process: nothing in memory, the shared cache has it
    assert structure.current().topic_by_id[topic.pk].title == "Type annotations"


def test_a_page_asks_for_the_version_once(client, roadmap, django_assert_num_queries):
    client.get("/phases/prerequisites/")
    with django_assert_num_queries(1):
        client.get("/phases/prerequisites/")


@pytest.mark.parametrize(
    "change",
    [
        lambda: Resource.objects.first().save(),
        lambda: Resource.objects.filter(pk=Resource.objects.first().pk).first().delete(),
        lambda: Roadmap.objects.get().save(),
        lambda: TimelineEntry.objects.first().phases.remove(Phase.objects.get(number=1)),
        lambda: Topic.objects.create(
            section=Topic.objects.first().section, title="New", slug="new", key="x/new"
        ),
    ],
    ids=["save", "delete", "roadmap", "timeline phases", "create"],
)
def test_every_content_write_changes_the_version(roadmap, change):
    before = version()
    with transaction.atomic():
        change()
        # In the same transaction as the write: nobody sees the one without the other.
        assert version() != before


def test_an_import_changes_the_version_only_when_it_changes_something(roadmap):
    before = version()
    call_command("import_roadmap", str(SEED), stdout=StringIO())
    assert version() == before


def test_a_rolled_back_change_leaves_nothing_cached_behind(roadmap):
    """What tests do between them: content written and cached, then rolled back. The version
    goes back with it, and a fresh version never repeats, so no cache can serve the rolled-back
    content under the version that is current again."""
    kept = structure.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        Topic.objects.filter(title="Type hints").get().delete()
        assert structure.current().version != kept.version
        assert all(topic.title != "Type hints" for topic in structure.current().topic_by_id.values())
        raise RuntimeError("roll back")
    assert structure.current().version == kept.version
    assert any(topic.title == "Type hints" for topic in structure.current().topic_by_id.values())


def test_a_missing_version_row_is_put_back(roadmap):
    ContentVersion.objects.all().delete()
    assert structure.current_version() == ""
    Resource.objects.first().save()
    assert version() != ""


def test_the_structure_is_frozen(roadmap):
    phase = structure.current().phases[0]
    with pytest.raises(AttributeError):
        phase.title = "Changed in one request for everyone"


# Content knows nothing of learners


def test_the_content_app_imports_nothing_of_the_progress_app():
    offenders = []
    for path in (ROOT / "roadmap").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [
                f"{path.relative_to(ROOT)}: {name}" for name in names if name.split(".")[0] == "progress"
            ]
    assert offenders == []


def test_no_content_template_includes_a_learner_partial():
    templates = Path(ROOT / "templates" / "roadmap").rglob("*.html")
    assert [t.name for t in templates if "progress/" in t.read_text(encoding="utf-8")] == []


def test_a_structure_cached_by_code_with_other_nodes_is_never_read(roadmap, settings):
    """The cache outlives a deploy: a release whose nodes differ must build its own, not unpickle
    the previous release's (which would lack the new fields)."""
    settings.CACHES = CACHES["locmem"]
    cache.clear()
    structure.forget()
    stale_key = f"roadmap:structure:{'0' * 12}:{version()}"
    cache.set(stale_key, "the previous release's structure")

    assert structure.current().phases  # built anew, under this code's own key
    assert cache.get(structure.CACHE_KEY.format(version=version())) is not None
    cache.clear()

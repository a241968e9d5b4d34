"""The editors' admin: who gets in, what they can change, and what the forms refuse."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from progress.models import TopicStatus
from progress.services import progress_set_status, project_update
from roadmap.keys import new_key
from roadmap.models import (
    CareerPath,
    Channel,
    Community,
    HumanSkill,
    Phase,
    Principle,
    ProjectIdea,
    Resource,
    Roadmap,
    Section,
    TimelineEntry,
    Tool,
    ToolCategory,
    Topic,
)
from tests.roadmap.admin_helpers import admin_url, errors_of, form_data

pytestmark = pytest.mark.django_db

MODELS = [
    Roadmap,
    Phase,
    Section,
    Topic,
    Resource,
    ProjectIdea,
    TimelineEntry,
    CareerPath,
    ToolCategory,
    Tool,
    Community,
    Channel,
    Principle,
    HumanSkill,
]
PYTHON = "ai-ml-roadmap-2025/prerequisites/python-proficiency"
MATH = "ai-ml-roadmap-2025/prerequisites/mathematics-foundations"


# Who gets in ---------------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_the_admin_login(client, roadmap):
    response = client.get(admin_url(Resource, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_it_sends_learners_to_the_admin_login(client, learner, roadmap):
    client.force_login(learner)
    response = client.get(admin_url(Resource, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_it_shows_editors_the_content_but_not_people(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Waymark admin" in response.text
    assert admin_url(Topic, "changelist") in response.text
    assert reverse("admin:accounts_user_changelist") not in response.text
    assert ">Users<" not in response.text
    assert ">Groups<" not in response.text


def test_it_lets_editors_open_every_content_model(client, editor, roadmap):
    client.force_login(editor)
    for model in MODELS:
        row = model.objects.order_by("pk").first()
        for url in (
            admin_url(model, "changelist"),
            admin_url(model, "add"),
            admin_url(model, "change", row.pk),
        ):
            response = client.get(url)
            assert response.status_code == 200, url


def test_it_lets_editors_search_and_filter(client, editor, roadmap):
    client.force_login(editor)
    response = client.get(admin_url(Resource, "changelist"), {"q": "Fluent", "link": "no"})
    assert response.status_code == 200
    assert [r.title for r in response.context["cl"].result_list] == ["Fluent Python"]


def test_it_counts_each_phases_sections_topics_and_resources(client, editor, roadmap):
    client.force_login(editor)

    response = client.get(admin_url(Phase, "changelist"))

    first = next(p for p in response.context["cl"].result_list if p.number == 1)
    assert (first.section_count, first.resource_count) == (
        3,
        Resource.objects.filter(section__phase=first).count(),
    )
    assert first.topic_count == Topic.objects.leaves().filter(section__phase=first).count()


# Changing a resource -------------------------------------------------------------


def test_it_saves_a_new_link_for_a_resource(client, editor, roadmap):
    resource = Resource.objects.get(key=f"{PYTHON}/resources/python-for-everybody")
    url = admin_url(Resource, "change", resource.pk)
    client.force_login(editor)
    data = form_data(client, url, Resource)
    data["url"] = ["https://www.py4e.com/lessons"]

    response = client.post(url, data)

    assert response.status_code == 302, errors_of(response)
    resource.refresh_from_db()
    assert resource.url == "https://www.py4e.com/lessons"
    assert resource.key == f"{PYTHON}/resources/python-for-everybody"


@pytest.mark.parametrize(
    "bad", ["javascript:alert(1)", "ftp://x", "ftp://example.com/file", "data:text/html,hi"]
)
def test_it_refuses_a_link_that_is_not_http(client, editor, roadmap, bad):
    resource = Resource.objects.get(key=f"{PYTHON}/resources/python-for-everybody")
    url = admin_url(Resource, "change", resource.pk)
    client.force_login(editor)
    data = form_data(client, url, Resource)
    data["url"] = [bad]

    response = client.post(url, data)

    assert response.status_code == 200
    assert errors_of(response) == ["Enter a web address that starts with http:// or https://."]
    assert "starts with http:// or https://" in response.text
    resource.refresh_from_db()
    assert resource.url == "https://www.py4e.com"


def test_it_asks_for_a_link_or_a_publisher(client, editor, roadmap):
    resource = Resource.objects.get(key=f"{PYTHON}/resources/fluent-python")
    url = admin_url(Resource, "change", resource.pk)
    client.force_login(editor)
    data = form_data(client, url, Resource)
    data["publisher"] = [""]

    response = client.post(url, data)

    assert response.status_code == 200
    assert errors_of(response) == ["Give the resource a link, or a publisher when it has no link."]
    resource.refresh_from_db()
    assert resource.publisher == "O'Reilly"


def test_it_refuses_a_bad_link_in_a_community(client, editor, roadmap):
    community = Community.objects.order_by("pk").first()
    url = admin_url(Community, "change", community.pk)
    client.force_login(editor)
    data = form_data(client, url, Community)
    data["url"] = ["javascript:alert(1)"]

    response = client.post(url, data)

    assert errors_of(response) == ["Enter a web address that starts with http:// or https://."]


# Keys: never typed, never changed ------------------------------------------------


def test_it_gives_a_new_resource_the_importers_key(client, editor, roadmap):
    section = Section.objects.get(key=PYTHON)
    client.force_login(editor)
    data = form_data(client, admin_url(Resource, "add"), Resource)
    assert "key" not in data
    data.update(section=[section.pk], kind=["book"], title=["Fluent Python"], publisher=["O'Reilly"])

    response = client.post(admin_url(Resource, "add"), data)

    assert response.status_code == 302, errors_of(response)
    # The seed already has one; the copy is told apart, not refused or merged.
    assert Resource.objects.filter(key=f"{PYTHON}/resources/fluent-python-2").exists()


def test_it_keeps_the_key_read_only(client, editor, roadmap):
    phase = Phase.objects.get(number=1)
    url = admin_url(Phase, "change", phase.pk)
    client.force_login(editor)
    data = form_data(client, url, Phase)
    assert "key" not in data
    data.update(title=["Before you start"], key=["hacked"])

    response = client.post(url, data)

    assert response.status_code == 302, errors_of(response)
    phase.refresh_from_db()
    assert (phase.title, phase.key) == ("Before you start", "ai-ml-roadmap-2025/prerequisites")


def test_it_makes_keys_the_way_the_importer_does(roadmap):
    # A second row with the same title and parent as an imported one gets the
    # importer's key for it with -2: the scheme (segments, slugs) is the same.
    # (The roadmap's own key is chosen when importing, not made from its title.)
    for model in MODELS[1:]:
        for row in model.objects.order_by("pk")[:3]:
            assert new_key(row) == f"{row.key}-2"


def test_it_adds_resources_and_topic_trees_inline_on_a_section(client, editor, roadmap):
    section = Section.objects.get(key=PYTHON)
    url = admin_url(Section, "change", section.pk)
    client.force_login(editor)
    data = form_data(client, url, Section)
    n = int(data["resources-TOTAL_FORMS"][0])
    data["resources-TOTAL_FORMS"] = [str(n + 1)]
    data.update(
        {
            f"resources-{n}-kind": ["docs"],
            f"resources-{n}-title": ["Python typing docs"],
            f"resources-{n}-url": ["https://docs.python.org/3/library/typing.html"],
            f"resources-{n}-order": ["9"],
        }
    )
    t = int(data["topics-TOTAL_FORMS"][0])
    data["topics-TOTAL_FORMS"] = [str(t + 1)]
    data.update(
        {f"topics-{t}-title": ["Tooling"], f"topics-{t}-slug": ["tooling"], f"topics-{t}-order": ["1"]}
    )

    response = client.post(url, data)

    assert response.status_code == 302, errors_of(response)
    resource = Resource.objects.get(title="Python typing docs")
    assert (resource.section, resource.key) == (section, f"{PYTHON}/resources/python-typing-docs")
    tree = Topic.objects.get(title="Tooling")
    assert (tree.section, tree.parent, tree.key) == (section, None, f"{PYTHON}/tooling")


def test_it_refuses_a_bad_link_in_the_resources_inline(client, editor, roadmap):
    section = Section.objects.get(key=PYTHON)
    url = admin_url(Section, "change", section.pk)
    client.force_login(editor)
    data = form_data(client, url, Section)
    data["resources-0-url"] = ["javascript:alert(1)"]

    response = client.post(url, data)

    assert response.status_code == 200
    assert errors_of(response) == ["Enter a web address that starts with http:// or https://."]
    assert Resource.objects.get(pk=data["resources-0-id"][0]).url.startswith("https://")


# Topics as a tree ----------------------------------------------------------------


def parent_choices(response):
    return [label for _, label in response.context["adminform"].form.fields["parent"].choices]


def test_it_offers_parents_from_the_same_tree_indented_by_depth(client, editor, roadmap):
    topic = Topic.objects.get(key=f"{MATH}/math-for-ml/calculus/chain-rule")
    client.force_login(editor)

    response = client.get(admin_url(Topic, "change", topic.pk))

    labels = parent_choices(response)
    assert labels[1:4] == ["Math for ML", "— Linear Algebra", "— — Vectors & matrices"]
    assert "— Calculus" in labels
    assert "— — Chain rule" not in labels  # not under itself
    assert "Python for AI/ML" not in labels  # another section's tree
    assert "— — Chain rule" in response.text or "— — Derivatives &amp; gradients" in response.text


def test_it_does_not_offer_a_topic_or_its_subtopics_as_its_parent(client, editor, roadmap):
    topic = Topic.objects.get(key=f"{MATH}/math-for-ml/calculus")
    client.force_login(editor)

    labels = parent_choices(client.get(admin_url(Topic, "change", topic.pk)))

    assert "— Calculus" not in labels
    assert "— — Chain rule" not in labels
    assert "— Linear Algebra" in labels


def test_it_refuses_to_hang_a_topic_under_its_own_subtopic(client, editor, roadmap):
    topic = Topic.objects.get(key=f"{MATH}/math-for-ml/calculus")
    below = Topic.objects.get(key=f"{MATH}/math-for-ml/calculus/chain-rule")
    url = admin_url(Topic, "change", topic.pk)
    client.force_login(editor)
    data = form_data(client, url, Topic)
    data["parent"] = [str(below.pk)]

    response = client.post(url, data)

    assert response.status_code == 200
    assert errors_of(response)
    topic.refresh_from_db()
    assert topic.parent.key == f"{MATH}/math-for-ml"


def test_it_moves_a_topic_within_its_tree(client, editor, roadmap):
    topic = Topic.objects.get(key=f"{MATH}/math-for-ml/calculus/chain-rule")
    new_parent = Topic.objects.get(key=f"{MATH}/math-for-ml/linear-algebra")
    url = admin_url(Topic, "change", topic.pk)
    client.force_login(editor)
    data = form_data(client, url, Topic)
    data["parent"] = [str(new_parent.pk)]

    response = client.post(url, data)

    assert response.status_code == 302, errors_of(response)
    topic.refresh_from_db()
    assert (topic.parent, topic.key) == (new_parent, f"{MATH}/math-for-ml/calculus/chain-rule")


def test_it_refuses_a_parent_from_another_section(client, editor, roadmap):
    python_tree = Topic.objects.get(key=f"{PYTHON}/python-for-ai-ml")
    client.force_login(editor)
    data = form_data(client, admin_url(Topic, "add"), Topic)
    data.update(
        section=[str(Section.objects.get(key=MATH).pk)],
        parent=[str(python_tree.pk)],
        title=["Tensors"],
        slug=["tensors"],
    )

    response = client.post(admin_url(Topic, "add"), data)

    assert response.status_code == 200
    assert errors_of(response) == ["Choose a parent topic from the same section."]
    assert not Topic.objects.filter(title="Tensors").exists()


def test_it_adds_a_subtopic_with_its_parents_key(client, editor, roadmap):
    parent = Topic.objects.get(key=f"{MATH}/math-for-ml/calculus")
    client.force_login(editor)
    data = form_data(client, admin_url(Topic, "add") + f"?section={parent.section_id}", Topic)
    data.update(parent=[str(parent.pk)], title=["Integrals / areas"], slug=["integrals-areas"])

    response = client.post(admin_url(Topic, "add"), data)

    assert response.status_code == 302, errors_of(response)
    topic = Topic.objects.get(title="Integrals / areas")
    assert topic.key == f"{MATH}/math-for-ml/calculus/integrals-areas"
    assert topic.depth == 2


def test_it_adds_subtopics_inline_under_their_parent(client, editor, roadmap):
    parent = Topic.objects.get(key=f"{MATH}/math-for-ml/calculus")
    url = admin_url(Topic, "change", parent.pk)
    client.force_login(editor)
    data = form_data(client, url, Topic)
    n = int(data["children-TOTAL_FORMS"][0])
    data["children-TOTAL_FORMS"] = [str(n + 1)]
    data.update(
        {
            f"children-{n}-title": ["Chain rule"],
            f"children-{n}-slug": ["chain-rule"],
            f"children-{n}-order": ["9"],
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, errors_of(response)
    added = Topic.objects.filter(parent=parent, title="Chain rule").order_by("pk").last()
    assert (added.section, added.key) == (parent.section, f"{MATH}/math-for-ml/calculus/chain-rule-2")


def test_it_explains_why_a_topic_with_subtopics_cannot_be_deleted(client, editor, roadmap):
    topic = Topic.objects.get(key=f"{MATH}/math-for-ml/calculus")
    client.force_login(editor)

    response = client.get(admin_url(Topic, "delete", topic.pk))
    assert response.status_code == 200
    assert "protected related objects" in response.text

    response = client.post(admin_url(Topic, "delete", topic.pk), {"post": "yes"})
    assert response.status_code == 200
    assert Topic.objects.filter(pk=topic.pk).exists()


def test_it_deletes_a_topic_nobody_has_progress_on(client, editor, roadmap):
    leaf = Topic.objects.get(key=f"{MATH}/math-for-ml/calculus/chain-rule")
    client.force_login(editor)

    response = client.post(admin_url(Topic, "delete", leaf.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Topic.objects.filter(pk=leaf.pk).exists()


def test_it_keeps_content_learners_have_progress_on_without_naming_them(client, editor, learner, roadmap):
    leaf = Topic.objects.get(key=f"{MATH}/math-for-ml/calculus/chain-rule")
    project = ProjectIdea.objects.order_by("pk").first()
    progress_set_status(user=learner, topic=leaf, status=TopicStatus.DONE)
    project_update(user=learner, project=project, status="done")
    client.force_login(editor)

    page = client.get(admin_url(Topic, "delete", leaf.pk))
    refused = client.post(admin_url(Topic, "delete", leaf.pk), {"post": "yes"})
    bulk = client.post(
        admin_url(ProjectIdea, "changelist"), {"action": "delete_selected", "_selected_action": [project.pk]}
    )

    for response in (page, refused, bulk):
        assert response.status_code == 200
        assert "Cannot delete" in response.text
        assert "of learners, not shown here" in response.text
        assert "Lena" not in response.text
        assert "learner@example.com" not in response.text
    assert "Topic progress: 1 record of learners" in page.text
    assert Topic.objects.filter(pk=leaf.pk).exists()
    assert ProjectIdea.objects.filter(pk=project.pk).exists()


# Query counts and CSP ------------------------------------------------------------


def _add_rows(n):
    section = Section.objects.get(key=PYTHON)
    root = Topic.objects.get(key=f"{PYTHON}/python-for-ai-ml")
    for i in range(n):
        branch = Topic.objects.create(
            section=section, parent=root, key=f"{root.key}/extra-{i}", slug=f"extra-{i}", title=f"Extra {i}"
        )
        Topic.objects.create(
            section=section, parent=branch, key=f"{branch.key}/leaf", slug="leaf", title=f"Leaf {i}"
        )
        Resource.objects.create(
            section=section,
            key=f"{PYTHON}/resources/extra-{i}",
            kind="docs",
            title=f"Extra {i}",
            url="https://a.example",
        )


def test_it_lists_every_model_in_a_fixed_number_of_queries(
    client, editor, roadmap, django_assert_max_num_queries
):
    client.force_login(editor)
    _add_rows(60)  # a full page (100 rows) for topics and resources
    for model in MODELS:
        # The topics' indentation comes from the cached structure, which the first
        # request after a content change builds: count from the second.
        client.get(admin_url(model, "changelist"))
        # Session, user, permissions; the page and its count; one per related-field filter.
        with django_assert_max_num_queries(10):
            response = client.get(admin_url(model, "changelist"))
        assert response.status_code == 200


@pytest.mark.parametrize("model", [Topic, Resource], ids=lambda m: m.__name__)
def test_it_lists_topics_and_resources_in_the_same_queries_however_many(client, editor, roadmap, model):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(editor)
    # One section's rows: few at first, then more than a hundred (still one page).
    url = admin_url(model, "changelist") + f"?section__id__exact={Section.objects.get(key=PYTHON).pk}"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _add_rows(45)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["cl"].result_list) >= 45
    assert len(many) == len(few)


def test_it_serves_admin_pages_under_the_content_security_policy(client, editor, roadmap):
    client.force_login(editor)
    topic = Topic.objects.get(key=f"{MATH}/math-for-ml/calculus")

    for url in (
        admin_url(Topic, "change", topic.pk),
        admin_url(Section, "add"),
        admin_url(Resource, "changelist"),
    ):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
        assert "script-src 'self' 'nonce-" in policy
        # Every script is a file from 'self' or carries the nonce; no inline styles.
        for tag in re.findall(r"<script\b[^>]*>", response.text):
            assert "src=" in tag or f'nonce="{nonce}"' in tag, tag
        assert not re.search(r"<[a-z]+[^>]*\sstyle=", response.text), url
        assert "<style" not in response.text


def test_it_gives_the_editors_group_no_permission_outside_the_roadmap_but_the_report_queue():
    editors = Group.objects.get(name="Editors")
    outside = Permission.objects.filter(group=editors).exclude(content_type__app_label="roadmap")
    # The queue of reported links counts learners and never names them (tests/progress/test_link_reports.py).
    assert sorted(outside.values_list("content_type__app_label", "codename")) == [
        ("progress", "change_reportedresource"),
        ("progress", "view_reportedresource"),
    ]

"""Editors' richer content: what re-importing the seed keeps, what the public pages show, how they filter.

Descriptions, topic resources, costs and project briefs live in the cached
structure (rendered once per content version), so pages still cost one query.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from roadmap import structure, trees
from roadmap.models import Phase, ProjectIdea, Resource, Topic

PYTHON = "ai-ml-roadmap-2025/prerequisites/python-proficiency"
TREE = f"{PYTHON}/python-for-ai-ml"
PHASE = "/phases/prerequisites/"


@pytest.fixture
def enriched(roadmap):
    """A description, a topic resource, labels on a seed resource, and a project brief, as an editor adds them."""
    topic = Topic.objects.get(key=f"{TREE}/type-hints")
    topic.description = "Annotations that **tools** check. See [PEP 484](https://peps.python.org/pep-0484/)."
    topic.save()
    own = Resource.objects.create(
        section=topic.section,
        topic=topic,
        key=f"{topic.key}/resources/mypy-docs",
        kind="docs",
        title="mypy documentation",
        url="https://mypy.readthedocs.io/",
        cost="free",
        level="intermediate",
        hours=3,
        language="fr",
    )
    seed_resource = Resource.objects.get(key=f"{PYTHON}/resources/python-for-everybody")
    seed_resource.cost, seed_resource.level, seed_resource.hours = "free_to_audit", "beginner", 40
    seed_resource.save()
    project = ProjectIdea.objects.order_by("pk").first()
    project.brief = "Predict who survived.\n\n<script>alert(1)</script>"
    project.skills = "pandas, scikit-learn"
    project.after_phase = Phase.objects.get(number=2)
    project.done_when = "- A notebook\n- A score above 0.75\n"
    project.save()
    return {"topic": topic, "own": own, "seed_resource": seed_resource, "project": project}


def test_reimporting_the_seed_keeps_every_enrichment(enriched, seed_path):
    call_command("import_roadmap", str(seed_path), stdout=StringIO())

    topic = Topic.objects.get(pk=enriched["topic"].pk)
    assert topic.description.startswith("Annotations that **tools** check.")
    assert Resource.objects.filter(pk=enriched["own"].pk, topic=topic).exists()
    seed_resource = Resource.objects.get(pk=enriched["seed_resource"].pk)
    assert (seed_resource.cost, seed_resource.level, seed_resource.hours) == ("free_to_audit", "beginner", 40)
    project = ProjectIdea.objects.get(pk=enriched["project"].pk)
    assert (project.skills, project.after_phase.number) == ("pandas, scikit-learn", 2)
    assert project.checklist == ["A notebook", "A score above 0.75"]


def test_reimporting_still_imports_the_seed_s_own_fields(enriched, seed_path):
    seed_resource = enriched["seed_resource"]
    Resource.objects.filter(pk=seed_resource.pk).update(title="Renamed by hand")
    out = StringIO()
    call_command("import_roadmap", str(seed_path), stdout=out)

    seed_resource.refresh_from_db()
    assert seed_resource.title == "Python for Everybody"
    assert seed_resource.cost == "free_to_audit"
    assert "1 updated" in out.getvalue()


def test_the_phase_page_shows_descriptions_topic_resources_and_labels(client, enriched):
    html = client.get(PHASE).text

    assert (
        '<details class="topic__about"><summary>About<span class="visually-hidden"> Type hints</span>' in html
    )
    assert (
        'Annotations that <strong>tools</strong> check. See <a href="https://peps.python.org/pep-0484/" '
        'rel="nofollow noopener noreferrer">PEP 484</a>.'
    ) in html
    assert 'aria-label="Resources for Type hints"' in html
    assert ">mypy documentation</a>" in html
    assert '<li class="cost cost--free">Free</li>' in html
    assert '<li lang="fr">French</li>' in html and "about 3 hours" in html
    assert '<li class="cost cost--free_to_audit">Free to audit, paid certificate</li>' in html
    assert "<li>Beginner</li>" in html and "about 40 hours" in html


def test_the_projects_page_shows_the_brief_sanitized(client, enriched):
    html = client.get("/projects/").text
    assert "<p>Predict who survived.</p>" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert '<span class="chip">pandas</span><span class="chip">scikit-learn</span>' in html
    assert "Phase 2:" in html
    assert "<li>A score above 0.75</li>" in html


def test_it_filters_resources_by_cost_and_type_without_javascript(client, enriched):
    html = client.get(PHASE, {"cost": "free"}).text
    assert ">mypy documentation</a>" in html
    assert "Python for Everybody</a>" not in html
    assert "Showing only free resources." in html
    assert '<option value="free" selected>Free</option>' in html

    html = client.get(PHASE, {"cost": "free_to_audit", "type": "course"}).text
    assert "Python for Everybody</a>" in html and ">mypy documentation</a>" not in html

    html = client.get(PHASE, {"cost": "paid"}).text
    assert "No paid resources in this section." in html
    assert html.count('class="resource"') == 0


def test_it_ignores_filter_values_it_does_not_know(client, enriched):
    everything = client.get(PHASE).text
    html = client.get(PHASE, {"cost": "<script>", "type": "nonsense"}).text
    assert html.count('class="resource"') == everything.count('class="resource"') > 10
    assert "Showing only" not in html and "<script>" not in html


def test_filtering_costs_one_query_and_rebuilds_nothing(client, enriched, django_assert_num_queries):
    client.get(PHASE)
    with django_assert_num_queries(1):  # the content version
        client.get(PHASE, {"cost": "free", "type": "docs"})


def test_descriptions_are_rendered_once_per_content_version(enriched):
    node = structure.current().topic_by_id[enriched["topic"].pk]
    assert "<strong>tools</strong>" in node.description_html
    assert [resource.title for resource in node.resources] == ["mypy documentation"]
    assert enriched["own"].pk in structure.current().resource_by_id
    section = structure.current().section_by_id[node.section_id]
    assert "mypy documentation" not in [resource.title for resource in section.resources]


# One place for trees: a topic's depth comes from its tree, not its key --------------------


def test_a_topic_s_depth_comes_from_its_tree_even_after_a_move(roadmap):
    root = Topic.objects.get(key=TREE)
    hints = Topic.objects.get(key=f"{TREE}/type-hints")
    oop = Topic.objects.get(key=f"{TREE}/object-oriented-programming")
    assert (root.depth, hints.depth) == (0, 1)

    hints.parent = oop  # its key stays where it was made
    hints.save()

    assert Topic.objects.get(pk=hints.pk).depth == 2
    assert structure.current().topic_by_id[hints.pk].depth == 2


def test_the_tree_helpers_walk_in_reading_order():
    class Node:
        def __init__(self, name, *children):
            self.name, self.children, self.parent = name, list(children), None
            for child in children:
                child.parent = self

    tree = Node("a", Node("b", Node("c"), Node("d")), Node("e"))
    names = lambda nodes: [node.name for node in nodes]  # noqa: E731

    assert names(trees.walk(tree)) == ["a", "b", "c", "d", "e"]
    assert [(node.name, depth) for node, depth in trees.depth_first([tree])] == [
        ("a", 0),
        ("b", 1),
        ("c", 2),
        ("d", 2),
        ("e", 1),
    ]
    assert names(trees.descendants(tree)) == ["b", "c", "d", "e"]
    assert names(trees.leaves(tree)) == ["c", "d", "e"]
    d = tree.children[0].children[1]
    assert names(trees.ancestors(d, parent=lambda node: node.parent)) == ["b", "a"]


def test_flat_rows_read_as_a_tree_with_strays_as_roots():
    rows = [{"pk": 1, "parent_id": None}, {"pk": 2, "parent_id": 1}, {"pk": 3, "parent_id": 99}]
    roots, children = trees.children_of(
        rows, key=lambda row: row["pk"], parent_key=lambda row: row["parent_id"]
    )
    assert [row["pk"] for row in roots] == [1, 3]
    assert [(row["pk"], depth) for row, depth in trees.depth_first(roots, children)] == [
        (1, 0),
        (2, 1),
        (3, 0),
    ]


# The admin: a description with its preview, a topic's own resource with the importer's key -------


def test_an_editor_describes_a_topic_and_gives_it_a_resource(client, editor, roadmap):
    from tests.roadmap.admin_helpers import admin_url, form_data

    topic = Topic.objects.get(key=f"{TREE}/type-hints")
    url = admin_url(Topic, "change", topic.pk)
    client.force_login(editor)
    data = form_data(client, url, Topic)
    data.update(
        {
            "description": ["Checked by **mypy**. <script>alert(1)</script>"],
            "resources-TOTAL_FORMS": ["1"],
            "resources-0-order": ["0"],
            "resources-0-kind": ["docs"],
            "resources-0-title": ["Typing cheat sheet"],
            "resources-0-url": ["https://mypy.readthedocs.io/en/stable/cheat_sheet_py3.html"],
            "resources-0-publisher": [""],
            "resources-0-cost": ["free"],
            "_continue": ["Save and continue editing"],
        }
    )

    response = client.post(url, data, follow=True)

    assert response.status_code == 200, response.context and response.context.get("errors")
    own = Resource.objects.get(topic=topic)
    assert own.key == f"{topic.key}/resources/typing-cheat-sheet"  # roadmap.keys, as the importer would
    assert (own.section_id, own.cost) == (topic.section_id, "free")
    # The preview is what learners will see: rendered, the script shown as text.
    assert "<p>Checked by <strong>mypy</strong>. &lt;script&gt;alert(1)&lt;/script&gt;</p>" in response.text
    assert "<script>alert(1)</script>" not in response.text
    # The section's page lists its own resources, not the topic's.
    section_page = client.get(admin_url(type(topic.section), "change", topic.section_id)).text
    assert "Typing cheat sheet" not in section_page


def test_a_resource_s_topic_must_be_of_its_section(client, editor, roadmap):
    from tests.roadmap.admin_helpers import admin_url, errors_of, form_data

    resource = Resource.objects.get(key=f"{PYTHON}/resources/python-for-everybody")
    elsewhere = Topic.objects.exclude(section=resource.section).order_by("pk").first()
    url = admin_url(Resource, "change", resource.pk)
    client.force_login(editor)
    data = form_data(client, url, Resource)
    data["topic"] = [str(elsewhere.pk)]

    response = client.post(url, data)

    assert response.status_code == 200
    assert errors_of(response)  # refused: another section's topic is not offered, nor accepted
    assert Resource.objects.get(pk=resource.pk).topic is None

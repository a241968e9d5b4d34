"""`manage.py import_roadmap`: the seed's shape, idempotence, in-place updates and refusals."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

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
from tests.conftest import FIXTURE, SEED, SHARED_SEED

pytestmark = pytest.mark.django_db

KEY = "ai-ml-roadmap-2025"
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


def run(path, *args):
    out = StringIO()
    call_command("import_roadmap", str(path), *args, stdout=out)
    return out.getvalue()


def snapshot():
    """Every roadmap row as (model, pk, field values), and the timeline's phases."""
    rows = set()
    for model in MODELS:
        for values in model.objects.values():
            rows.add((model.__name__, tuple(sorted(values.items()))))
    rows |= {
        ("phases", pair)
        for pair in TimelineEntry.phases.through.objects.values_list("timelineentry", "phase")
    }
    return rows


@pytest.fixture
def seed_copy(tmp_path):
    """A writable copy of the seed under the seed's name, so the key stays ai-ml-roadmap-2025."""
    path = tmp_path / SEED.name
    path.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_it_imports_the_whole_seed():
    out = run(SEED)

    roadmap = Roadmap.objects.get()
    assert (roadmap.key, roadmap.title) == (KEY, "AI & Machine Learning Roadmap 2025")
    assert roadmap.tagline == "From fundamentals to production AI systems - becoming an AI/ML engineer"
    assert roadmap.careers_heading == "Career Paths in AI"
    assert roadmap.careers_title == "AI Career Landscape 2025"
    assert roadmap.focus_title == "AI Engineer / ML Engineer"
    assert roadmap.focus_summary == "The most in-demand role that builds practical AI systems"
    assert roadmap.principles_heading == "Key AI Principles for 2025"
    assert roadmap.skills_heading == "What AI Can't Replace (Your Moat)"
    assert roadmap.skills_title == "Human Skills That Matter"
    assert roadmap.last_updated == "January 2025"

    assert Phase.objects.count() == 8
    assert Section.objects.count() == 22
    assert Topic.objects.roots().count() == 23
    assert Topic.objects.count() == 238
    assert Topic.objects.leaves().count() == 199
    assert Resource.objects.count() == 67
    assert Resource.objects.exclude(url="").count() == 66
    assert ProjectIdea.objects.count() == 14
    assert {level: ProjectIdea.objects.filter(level=level).count() for level in ProjectIdea.Level.values} == {
        "beginner": 4,
        "intermediate": 5,
        "advanced": 5,
    }
    assert TimelineEntry.objects.count() == 7
    assert "412 created, 0 updated, 0 unchanged; no longer in the markdown: none" in out


def test_it_reads_phase_durations_and_the_elective_phase():
    run(SEED)

    first, sixth, last = (Phase.objects.get(number=n) for n in (1, 6, 8))
    assert (first.key, first.slug, first.title) == (f"{KEY}/prerequisites", "prerequisites", "Prerequisites")
    assert (first.duration_text, first.duration_min_months, first.duration_max_months) == ("2-3 months", 2, 3)
    assert (first.note, first.is_elective) == ("", False)
    assert (sixth.duration_text, sixth.duration_min_months, sixth.duration_max_months) == ("2 months", 2, 2)
    assert last.title == "Specialized Areas"
    assert (last.duration_text, last.duration_min_months, last.duration_max_months) == ("", None, None)
    assert (last.note, last.is_elective) == ("Choose Your Path", True)


def test_it_builds_topic_trees_with_slug_path_keys():
    run(SEED)

    section = Section.objects.get(title="Classical ML Algorithms")
    roots = list(section.topics.roots().values_list("title", flat=True))
    assert roots == ["Supervised Learning", "Unsupervised Learning"]
    hints = Topic.objects.get(title="Type hints")
    assert hints.key == f"{KEY}/prerequisites/python-proficiency/python-for-ai-ml/type-hints"
    assert hints.parent.title == "Python for AI/ML"
    assert (hints.parent.depth, hints.depth, hints.order) == (0, 1, 6)
    decomposition = Topic.objects.get(title="Matrix decomposition")
    assert decomposition.depth == 2
    assert decomposition.parent.title == "Linear Algebra"


def test_it_keeps_a_publisher_when_a_resource_has_no_link():
    run(SEED)

    fluent = Resource.objects.get(title="Fluent Python")
    assert (fluent.kind, fluent.url, fluent.publisher) == (Resource.Kind.BOOK, "", "O'Reilly")
    assert fluent.key == f"{KEY}/prerequisites/python-proficiency/resources/fluent-python"
    py4e = Resource.objects.get(title="Python for Everybody")
    assert (py4e.kind, py4e.url, py4e.publisher) == (Resource.Kind.COURSE, "https://www.py4e.com", "")


def test_it_links_timeline_rows_to_the_phases_they_cover():
    run(SEED)

    covered = {
        entry.label: (entry.start_month, entry.end_month, sorted(p.number for p in entry.phases.all()))
        for entry in TimelineEntry.objects.prefetch_related("phases")
    }
    assert covered == {
        "Month 1-2": (1, 2, [1]),
        "Month 3-4": (3, 4, [2]),
        "Month 5-6": (5, 6, [3]),
        "Month 7-8": (7, 8, [4]),
        "Month 9-10": (9, 10, [5]),
        "Month 11-12": (11, 12, [6, 7]),
        "Ongoing": (None, None, [8]),
    }
    first = TimelineEntry.objects.get(label="Month 1-2")
    assert (first.key, first.description) == (f"{KEY}/timeline/month-1-2", "Python + Math prerequisites")
    assert TimelineEntry.objects.get(label="Ongoing").key == f"{KEY}/timeline/ongoing"


def test_it_imports_the_appendix():
    run(SEED)

    assert CareerPath.objects.count() == 7
    focus = set(CareerPath.objects.filter(is_focus=True).values_list("title", flat=True))
    assert focus == {"ML Engineer", "AI Engineer"}
    ml = CareerPath.objects.get(title="ML Engineer")
    assert (ml.key, ml.description, ml.order) == (f"{KEY}/careers/ml-engineer", "build & deploy models", 0)

    categories = [
        (c.title, c.name_heading, c.description_heading, c.tools.count())
        for c in ToolCategory.objects.order_by("order")
    ]
    assert categories == [
        ("Learning Platforms", "Platform", "Focus", 5),
        ("Development Tools", "Tool", "Purpose", 6),
        ("Model Platforms", "Platform", "Purpose", 5),
    ]
    colab = Tool.objects.get(name="Google Colab")
    assert (colab.key, colab.description) == (f"{KEY}/tools/development-tools/google-colab", "Free GPU")

    assert Community.objects.count() == 7
    assert not Community.objects.filter(url="").exists()
    assert Community.objects.get(name="Import AI").url == "https://importai.substack.com"

    assert Channel.objects.count() == 7
    karpathy = Channel.objects.get(name="Andrej Karpathy")
    assert (karpathy.key, karpathy.description) == (
        f"{KEY}/channels/andrej-karpathy",
        "Deep learning fundamentals",
    )

    assert Principle.objects.count() == 7
    first = Principle.objects.get(order=0)
    assert (first.title, first.description) == (
        "Understand fundamentals",
        "Don't just call APIs; know how things work",
    )

    assert HumanSkill.objects.count() == 8
    assert HumanSkill.objects.get(order=7).title == "Knowing when NOT to use AI"
    assert (
        ProjectIdea.objects.get(title="Chatbot with LLM API").key
        == f"{KEY}/projects/beginner/chatbot-with-llm-api"
    )


def test_the_committed_fixture_is_what_the_importer_makes_of_the_seed():
    run(SEED)
    out = StringIO()
    # The content models, as `make fixtures` names them (not the version, history or link checks).
    labels = [model._meta.label_lower for model in MODELS]
    call_command("dumpdata", *labels, "--natural-foreign", "--natural-primary", stdout=out)

    assert json.loads(out.getvalue()) == json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.mark.skipif(not SHARED_SEED.exists(), reason="no shared seed beside the checkout")
def test_the_seed_copy_matches_the_shared_seed():
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_it_changes_nothing_on_a_second_run():
    run(SEED)
    before = snapshot()

    out = run(SEED)

    assert snapshot() == before
    assert (
        out.strip() == f"Imported {KEY}: 0 created, 0 updated, 412 unchanged; no longer in the markdown: none"
    )


def test_loading_the_fixture_twice_changes_nothing():
    call_command("loaddata", str(FIXTURE), verbosity=0)
    before = snapshot()

    call_command("loaddata", str(FIXTURE), verbosity=0)

    assert snapshot() == before
    assert Topic.objects.count() == 238


def test_it_changes_nothing_after_the_fixture_was_loaded(roadmap):
    before = snapshot()

    out = run(SEED)

    assert snapshot() == before
    assert "0 created, 0 updated, 412 unchanged" in out


def test_it_loads_the_seed_once_and_then_leaves_editors_changes_alone_if_missing(seed_copy):
    """The release step and `make run` import with --if-missing: a deploy must not put back
    a link an editor fixed."""
    assert "created" in run(seed_copy, "--if-missing")
    resource = Resource.objects.order_by("id").first()
    resource.url = "https://example.org/the-editors-fix"
    resource.save()
    before = snapshot()
    out = run(seed_copy, "--if-missing")
    assert "already loaded; nothing imported" in out
    assert snapshot() == before
    resource.refresh_from_db()
    assert resource.url == "https://example.org/the-editors-fix"


def test_it_updates_an_edited_link_and_title_in_place(seed_copy):
    run(seed_copy)
    resource = Resource.objects.get(title="Kaggle Learn")
    section = Section.objects.get(title="Python Proficiency")
    untouched = Topic.objects.get(title="Type hints")
    edit(
        seed_copy,
        "| Practice | Kaggle Learn | https://www.kaggle.com/learn |",
        "| Practice | Kaggle Learn | https://www.kaggle.com/learn/python |",
    )
    edit(seed_copy, "### Python Proficiency", "### Python proficiency")

    out = run(seed_copy)

    resource.refresh_from_db()
    assert (resource.pk, resource.url) == (
        Resource.objects.get(key=resource.key).pk,
        "https://www.kaggle.com/learn/python",
    )
    section_now = Section.objects.get(key=section.key)
    assert (section_now.pk, section_now.title) == (section.pk, "Python proficiency")
    assert Topic.objects.get(key=untouched.key).pk == untouched.pk
    assert Resource.objects.count() == 67
    assert "0 created, 2 updated, 410 unchanged; no longer in the markdown: none" in out


def test_it_reports_a_removed_topic_and_keeps_it(seed_copy):
    run(seed_copy)
    removed = Topic.objects.get(title="Type hints")
    edit(
        seed_copy,
        "├── Jupyter notebooks / JupyterLab\n└── Type hints\n",
        "└── Jupyter notebooks / JupyterLab\n",
    )

    out = run(seed_copy)

    assert Topic.objects.filter(pk=removed.pk).exists()
    assert out.strip().endswith(f"no longer in the markdown: {removed.key}")
    assert "0 created, 0 updated, 411 unchanged" in out


def test_it_creates_a_new_topic_under_its_parent(seed_copy):
    run(seed_copy)
    edit(
        seed_copy,
        "│   └── Matrix decomposition\n",
        "│   ├── Matrix decomposition\n│   └── Singular value decomposition\n",
    )

    out = run(seed_copy)

    topic = Topic.objects.get(title="Singular value decomposition")
    assert topic.parent.title == "Linear Algebra"
    assert (topic.order, topic.depth) == (4, 2)
    assert "1 created, 0 updated, 412 unchanged" in out


def test_it_writes_nothing_on_a_dry_run(seed_copy):
    dry = run(seed_copy, "--dry-run")
    assert not Roadmap.objects.exists()
    assert f"create {KEY}/prerequisites" in dry
    assert dry.strip().endswith(
        f"Would import {KEY}: 412 created, 0 updated, 0 unchanged; no longer in the markdown: none"
    )

    run(seed_copy)
    before = snapshot()
    edit(
        seed_copy,
        "| Book | Fluent Python | O'Reilly |",
        "| Book | Fluent Python | https://www.oreilly.com/fluent-python |",
    )
    dry = run(seed_copy, "--dry-run")

    assert snapshot() == before
    assert f"update {KEY}/prerequisites/python-proficiency/resources/fluent-python (url, publisher)" in dry
    assert "0 created, 1 updated, 411 unchanged" in dry


def test_it_relinks_the_timeline_when_phases_change(seed_copy):
    run(seed_copy)
    edit(seed_copy, "Month 11-12:  Fine-tuning + MLOps", "Month 11-12:  Fine-tuning")
    edit(seed_copy, "Ongoing:      Specialization + Projects", "Ongoing:      MLOps + Specialization")

    out = run(seed_copy)

    assert sorted(TimelineEntry.objects.get(label="Month 11-12").phases.values_list("number", flat=True)) == [
        6
    ]
    assert sorted(TimelineEntry.objects.get(label="Ongoing").phases.values_list("number", flat=True)) == [
        7,
        8,
    ]
    assert "0 created, 2 updated, 410 unchanged" in out


def test_it_uses_the_key_option(seed_copy):
    run(seed_copy, "--key", "my-roadmap")

    assert Roadmap.objects.get().key == "my-roadmap"
    assert Phase.objects.get(number=1).key == "my-roadmap/prerequisites"


def test_it_loads_existing_rows_with_one_query_per_model(seed_copy, django_assert_max_num_queries):
    run(seed_copy)
    edit(seed_copy, "### Python Proficiency", "### Python proficiency")

    # One select per model, one for the timeline's phases, the update and its history
    # record, the savepoint, and the content version: changed by the update's save and
    # once more by the import itself.
    with django_assert_max_num_queries(len(MODELS) + 7):
        run(seed_copy)


# (old, new, the text that starts the line the error names, message)
MALFORMED = {
    "unclosed fence": (
        "└── Knowing when NOT to use AI\n```",
        "└── Knowing when NOT to use AI",
        "```\nHuman Skills That Matter",
        "code fence is never closed",
    ),
    "short table row": (
        "| Practice | Kaggle Learn | https://www.kaggle.com/learn |",
        "| Practice | Kaggle Learn |",
        "| Practice | Kaggle Learn |",
        "table row has 2 cells, the header has 3",
    ),
    "bad indentation": (
        "│   ├── Matrix operations",
        "│  ├── Matrix operations",
        "│  ├── Matrix operations",
        "tree line has broken indentation",
    ),
    "unknown type": (
        "| Practice | Kaggle Learn |",
        "| Podcast | Kaggle Learn |",
        "| Podcast | Kaggle Learn |",
        "unknown resource type 'Podcast'",
    ),
    "unrecognised line": (
        "### Data Manipulation\n",
        "### Data Manipulation\nSee also the appendix.\n",
        "See also the appendix.",
        "unexpected line",
    ),
    "invalid link": (
        "| Practice | Kaggle Learn | https://www.kaggle.com/learn |",
        "| Practice | Kaggle Learn | https://www.kaggle .com/learn |",
        "| Practice | Kaggle Learn |",
        "resource link: Enter a valid URL.",
    ),
    "unrecognised heading": (
        "## YouTube Channels",
        "## Podcasts",
        "## Podcasts",
        "unrecognised section heading",
    ),
}


@pytest.mark.parametrize(("old", "new", "marker", "message"), MALFORMED.values(), ids=MALFORMED.keys())
def test_it_refuses_malformed_markdown_and_writes_nothing(seed_copy, old, new, marker, message):
    run(seed_copy)
    before = snapshot()
    edit(seed_copy, old, new)
    # A renamed roadmap too, so that any write before the error would show in the snapshot.
    edit(seed_copy, "# AI & Machine Learning Roadmap 2025", "# AI & Machine Learning Roadmap 2026")
    text = seed_copy.read_text(encoding="utf-8")
    line = text[: text.index(marker)].count("\n") + 1

    with pytest.raises(CommandError) as error:
        run(seed_copy)

    assert str(error.value).startswith(f"{seed_copy}:{line}: {message}")
    assert snapshot() == before


def test_it_refuses_to_give_a_dropped_phase_number_to_a_renamed_phase(seed_copy):
    run(seed_copy)
    before = snapshot()
    edit(seed_copy, "## Phase 3: Deep Learning (2-3 months)", "## Phase 3: Deeper Learning (2-3 months)")
    line = (
        seed_copy.read_text(encoding="utf-8").split("\n").index("## Phase 3: Deeper Learning (2-3 months)")
        + 1
    )

    with pytest.raises(
        CommandError, match=f"^{seed_copy}:{line}: Phase 3 is still held by {KEY}/deep-learning"
    ):
        run(seed_copy)

    assert snapshot() == before


def test_it_imports_a_deep_tree(seed_copy):
    edit(
        seed_copy,
        "│   └── Matrix decomposition\n",
        "│   └── Matrix decomposition\n│       └── SVD\n│           └── Truncated SVD\n│               └── Randomized SVD\n",
    )

    run(seed_copy)

    deepest = Topic.objects.get(title="Randomized SVD")
    assert deepest.depth == 5
    assert deepest.key.endswith(
        "/math-for-ml/linear-algebra/matrix-decomposition/svd/truncated-svd/randomized-svd"
    )
    assert [deepest.parent.title, deepest.parent.parent.title] == ["Truncated SVD", "SVD"]
    assert not Topic.objects.leaves().filter(title="Matrix decomposition").exists()

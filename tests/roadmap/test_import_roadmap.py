"""`manage.py import_roadmap`: the seed's shape, idempotence, in-place updates and refusals."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

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
    call_command("dumpdata", "roadmap", "--natural-foreign", "--natural-primary", stdout=out)

    assert json.loads(out.getvalue()) == json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.mark.skipif(not SHARED_SEED.exists(), reason="no shared seed beside the checkout")
def test_the_seed_copy_matches_the_shared_seed():
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()

"""The read model: one learner's figures, counted once, and the same on every page that shows them."""

import csv
import io
import json
import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from progress.figures import Tally, learner_figures, many_learner_figures, on_path
from progress.models import PathChoice, TopicProgress, TopicStatus
from progress.services import progress_set_status
from roadmap import structure
from roadmap.models import Phase, Topic
from tests.conftest import SEED
from tests.roadmap.admin_helpers import admin_url, errors_of, form_data

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 16)
PYTHON = "ai-ml-roadmap-2025/prerequisites/python-proficiency/python-for-ai-ml"


def mark(user, topics, status):
    now = timezone.now()
    TopicProgress.objects.bulk_create(
        TopicProgress(user=user, topic=t, status=status, updated_at=now) for t in topics
    )


def figures_of(user, **kwargs):
    return learner_figures(user, structure.current(), today=TODAY, **kwargs)


def test_a_tally_counts_skipped_as_completed():
    tally = Tally(leaves=7, done=2, skipped=1, in_progress=1)
    assert (tally.completed, tally.not_started, tally.percent) == (3, 3, 42)  # rounded down
    assert not tally.is_complete
    assert Tally(leaves=2, done=1, skipped=1).is_complete
    assert Tally().percent == 0 and not Tally().is_complete


def test_skipped_topics_count_toward_progress(learner, roadmap):
    phase = Phase.objects.get(number=1)
    leaves = list(Topic.objects.leaves().filter(section__phase=phase))
    mark(learner, leaves[:3], TopicStatus.DONE)
    mark(learner, leaves[3:5], TopicStatus.SKIPPED)
    mark(learner, leaves[5:6], TopicStatus.IN_PROGRESS)
    figures = figures_of(learner)
    tally = figures.phase(phase.pk).tally
    assert (tally.leaves, tally.done, tally.skipped, tally.in_progress, tally.completed) == (25, 3, 2, 1, 5)
    assert tally.percent == 20
    assert figures.overall.completed == 5


def test_phase_eight_counts_only_the_chosen_path(learner, roadmap):
    elective = Phase.objects.get(is_elective=True)
    vision, language, _generative = elective.sections.order_by("order")
    vision_leaves = list(Topic.objects.leaves().filter(section=vision))
    language_leaves = list(Topic.objects.leaves().filter(section=language))
    mark(learner, vision_leaves, TopicStatus.DONE)
    mark(learner, language_leaves[:1], TopicStatus.DONE)

    # No path chosen yet: Phase 8 counts for nothing, overall is phases 1-7.
    figures = figures_of(learner)
    assert figures.phase(elective.pk).needs_path
    assert figures.phase(elective.pk).tally.leaves == 0
    assert figures.overall.leaves == 176 and figures.overall.completed == 0
    # The section's own figures still show what was done there.
    vision_node = structure.current().section_by_id[vision.pk]
    assert figures.section(vision_node).done == len(vision_leaves)

    PathChoice.objects.create(user=learner, section=vision)
    figures = figures_of(learner)
    assert not figures.phase(elective.pk).needs_path
    assert figures.phase(elective.pk).tally.leaves == len(vision_leaves)
    assert figures.phase(elective.pk).tally.is_complete
    assert figures.overall.leaves == 176 + len(vision_leaves)
    # Work in a section off the path does not count.
    assert figures.overall.completed == len(vision_leaves)


def test_the_on_path_rule_is_the_same_in_sql_and_in_python(learner, roadmap):
    elective = Phase.objects.get(is_elective=True)
    chosen = elective.sections.order_by("order").first()
    PathChoice.objects.create(user=learner, section=chosen)
    mark(learner, Topic.objects.leaves(), TopicStatus.DONE)
    figures = figures_of(learner)
    for figure in figures.phases:
        counted = sum(
            figures.section(section).completed
            for section in figure.phase.sections
            if on_path(section, figures.chosen)
        )
        assert figure.tally.completed == counted == figure.tally.leaves


def test_one_learner_and_many_learners_get_the_same_figures(learner, outsider, roadmap):
    elective = Phase.objects.get(is_elective=True)
    PathChoice.objects.create(user=learner, section=elective.sections.first())
    statuses = [TopicStatus.DONE, TopicStatus.SKIPPED, TopicStatus.IN_PROGRESS, TopicStatus.NOT_STARTED]
    now = timezone.now()
    TopicProgress.objects.bulk_create(
        TopicProgress(user=learner, topic=topic, status=statuses[i % 4], updated_at=now)
        for i, topic in enumerate(Topic.objects.leaves().order_by("id"))
    )
    mark(outsider, Topic.objects.leaves().filter(section__phase__is_elective=False)[:30], TopicStatus.DONE)
    one = figures_of(learner)
    current = structure.current()
    many = many_learner_figures(
        [learner.pk, outsider.pk],
        current,
        learners={"a": (learner.pk, one_plan(), TODAY), "b": (outsider.pk, one_plan(), TODAY)},
    )
    assert many["a"].overall == one.overall
    assert [f.tally for f in many["a"].phases] == [f.tally for f in one.phases]
    assert many["a"].current_phase.phase == one.current_phase.phase
    assert many["b"].overall.completed == 30


def one_plan():
    from progress.figures import PlanInput

    return PlanInput()


def test_one_learners_figures_are_one_query(learner, roadmap, django_assert_num_queries):
    mark(learner, Topic.objects.leaves()[:50], TopicStatus.DONE)
    current = structure.current()
    with django_assert_num_queries(1):
        learner_figures(learner, current, today=TODAY)


def test_a_status_on_a_topic_that_got_subtopics_stops_counting(learner, roadmap):
    fundamentals = Topic.objects.get(key=f"{PYTHON}/python-fundamentals")
    progress_set_status(user=learner, topic=fundamentals, status=TopicStatus.DONE)
    assert figures_of(learner).overall.completed == 1
    Topic.objects.create(
        section=fundamentals.section,
        parent=fundamentals,
        title="Comprehensions",
        slug="comprehensions",
        key=f"{fundamentals.key}/comprehensions",
    )
    figures = figures_of(learner)
    assert figures.overall.completed == 0
    assert figures.overall.leaves == 176


# Every surface agrees ----------------------------------------------------------------------------


def _ints(pattern, html):
    match = re.search(pattern, html, re.S)
    assert match, pattern
    return tuple(int(group) for group in match.groups())


def everywhere(client, mentor_client, learner, cohort):
    """Phase 1's (completed, leaves), or its percent, as every surface shows it."""
    phase = Phase.objects.get(number=1)
    seen = {}
    page = client.get(phase.get_absolute_url()).text
    done, skipped, _started, leaves = _ints(
        r'id="phase-progress".*?completed: (\d+) done, (\d+) skipped, (\d+) in progress, of (\d+) topic', page
    )
    seen["phase page"] = (done + skipped, leaves)

    # An htmx answer to a change that changes nothing (a leaf set to the status it has).
    leaf = structure.current().phase_by_id[phase.pk].sections[0].leaf_ids[-1]
    status = learner_figures(learner, structure.current(), today=TODAY).status(leaf)
    answer = client.post(f"/topics/{leaf}/status/", {"status": status}, HTTP_HX_REQUEST="true").text
    done, skipped, _started, leaves = _ints(
        r'id="phase-progress".*?completed: (\d+) done, (\d+) skipped, (\d+) in progress, of (\d+) topic',
        answer,
    )
    seen["htmx answer"] = (done + skipped, leaves)

    dashboard = client.get("/dashboard/").text
    seen["dashboard"] = _ints(
        r"Phase 1: Prerequisites</a>\s*<span class=\"phase-bar__figure\">\d+% "
        r"<span class=\"muted\">· (\d+)/(\d+)",
        dashboard,
    )

    learner_page = mentor_client.get(f"/cohorts/{cohort.pk}/learners/{learner.pk}/").text
    seen["mentor's learner page"] = _ints(
        r'id="phase-1".*?cohort-tree__figure">(\d+)/(\d+)</span>', learner_page
    )

    data = json.loads(client.post("/accounts/data/download/").content)
    first = data["progress"]["figures"]["phases"][0]
    seen["JSON export"] = (first["done"] + first["skipped"], first["topics"])

    rows = list(csv.reader(io.StringIO(client.get("/dashboard/export.csv").content.decode())))
    phase_rows = [row for row in rows[1:] if row[0].startswith("Phase 1:")]
    seen["learner CSV"] = (sum(row[3] in {"Done", "Skipped"} for row in phase_rows), len(phase_rows))

    completed, leaves = seen["phase page"]
    percent = 100 * completed // leaves
    table = mentor_client.get(f"/cohorts/{cohort.pk}/").text
    row = re.search(
        r'<tr>\s*(?:<td class="cohort-table__pick">.*?</td>\s*)?<th scope="row" class="cohort-table__name">.*?</tr>',
        table,
        re.S,
    ).group(0)
    seen["cohort table"] = _ints(r'class="cohort-table__phase">.*?(\d+)%</td>', row)[0]
    export = list(
        csv.reader(io.StringIO(mentor_client.get(f"/cohorts/{cohort.pk}/export.csv").content.decode()))
    )
    seen["cohort CSV"] = int(export[1][1])
    return seen, (completed, leaves), percent


def assert_agree(client, mentor_client, learner, cohort, expected):
    seen, counted, percent = everywhere(client, mentor_client, learner, cohort)
    assert counted == expected
    for surface, value in seen.items():
        assert value == (percent if isinstance(value, int) else counted), surface


def test_every_surface_agrees_as_editors_change_the_trees(client, learner, mentor, cohort, editor, roadmap):
    from django.test import Client

    mentor_client, editor_client = Client(), Client()
    mentor_client.force_login(mentor)
    editor_client.force_login(editor)
    client.force_login(learner)
    fundamentals = Topic.objects.get(key=f"{PYTHON}/python-fundamentals")
    oop = Topic.objects.get(key=f"{PYTHON}/object-oriented-programming")
    type_hints = Topic.objects.get(key=f"{PYTHON}/type-hints")
    for topic in (fundamentals, oop, type_hints):
        progress_set_status(user=learner, topic=topic, status=TopicStatus.DONE)
    assert_agree(client, mentor_client, learner, cohort, (3, 25))

    # An editor gives "Python fundamentals" a subtopic in the admin: it is no longer a leaf.
    data = form_data(editor_client, admin_url(Topic, "add") + f"?section={fundamentals.section_id}", Topic)
    data.update(parent=[str(fundamentals.pk)], title=["Comprehensions"], slug=["comprehensions"])
    response = editor_client.post(admin_url(Topic, "add"), data)
    assert response.status_code == 302, errors_of(response)
    assert_agree(client, mentor_client, learner, cohort, (2, 25))

    # ... moves "Type hints" under "Object-oriented programming", which stops being a leaf.
    url = admin_url(Topic, "change", type_hints.pk)
    data = form_data(editor_client, url, Topic)
    data["parent"] = [str(oop.pk)]
    response = editor_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    assert_agree(client, mentor_client, learner, cohort, (1, 24))

    # ... deletes the new subtree: "Python fundamentals" is a leaf again, done as before.
    added = Topic.objects.get(parent=fundamentals)
    response = editor_client.post(admin_url(Topic, "delete", added.pk), {"post": "yes"})
    assert response.status_code == 302
    assert_agree(client, mentor_client, learner, cohort, (2, 24))

    # ... and the seed is imported again: "Type hints" goes back where the markdown has it.
    call_command("import_roadmap", str(SEED), stdout=StringIO())
    assert_agree(client, mentor_client, learner, cohort, (3, 25))

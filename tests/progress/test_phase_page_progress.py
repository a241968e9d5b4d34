"""A phase page through a signed-in learner's eyes: their statuses, summaries, bars and notes.

Also: the page costs a fixed number of queries however much progress there is,
and reloading the roadmap's content never loses anyone's progress.
"""

import gzip
import re
from html import unescape

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from progress.models import PathChoice, ProjectProgress, TopicNote, TopicProgress, TopicStatus
from progress.services import note_save, path_set_sections, progress_set_status, project_update
from roadmap.models import Phase, ProjectIdea, Topic
from tests.conftest import FIXTURE
from tests.progress.marks_helpers import grow, linear_algebra, mark, python_root, type_hints, write_notes

pytestmark = pytest.mark.django_db

PAGE = "/phases/prerequisites/"


def text(html):
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def test_anonymous_visitors_see_no_controls(client, roadmap):
    html = client.get(PAGE).content.decode()

    for marker in [
        "status-control",
        "Your progress",
        "Mark all done",
        "Add note",
        "progress-announcer",
        "csrf",
    ]:
        assert marker not in html


def test_every_leaf_has_four_named_buttons_showing_its_status(client, learner, roadmap):
    leaves = list(Topic.objects.leaves().filter(section__phase__slug="prerequisites"))
    mark(learner, leaves[:1], TopicStatus.IN_PROGRESS)
    client.force_login(learner)

    html = client.get(PAGE).content.decode()

    assert len(leaves) == 25
    assert html.count('class="status-control"') == 25
    assert html.count('aria-pressed="true"') == 25
    for leaf in leaves:
        for label in ["not started", "in progress", "done", "skipped"]:
            assert f'aria-label="Mark {leaf.title} as {label}"' in unescape(html)
    pressed = re.findall(r'id="topic-(\d+)-(\w+)" class="status-button[^"]*" aria-pressed="true"', html)
    assert (str(leaves[0].pk), "in_progress") in pressed
    assert sum(status == "not_started" for _pk, status in pressed) == 24
    assert html.count('<form class="note__form" method="post"') == 25
    assert (
        html.count('<form class="mark-all" method="post"') == 3 + 3
    )  # the roots and the branches under them


def test_a_branch_shows_what_its_leaves_add_up_to(client, learner, roadmap):
    branch, root = linear_algebra(), python_root()
    first, second, third, _ = branch.children.order_by("order")
    mark(learner, [first, second], TopicStatus.DONE)
    mark(learner, [third], TopicStatus.SKIPPED)
    mark(learner, root.children.all(), TopicStatus.DONE)
    client.force_login(learner)

    html = client.get(PAGE).content.decode()

    branch_head = re.search(rf'id="topic-{branch.pk}-head">(.*?)</div>', html, re.S).group(1)
    assert "2 of 4 done, 1 skipped" in text(branch_head)
    assert f"Mark all done in {branch.title}" in text(branch_head)
    math_root = re.search(rf'id="topic-{branch.parent_id}-head">(.*?)</div>', html, re.S).group(1)
    assert "2 of 13 done, 1 skipped" in text(math_root)
    # A tree's root keeps its heading, and says its figure and "mark all done" beside it.
    assert re.search(
        rf'<h3 class="tree__title" id="{root.slug}">Python for AI/ML</h3>\s*'
        rf'<div class="topic__meta topic__meta--done" id="topic-{root.pk}-head">',
        html,
    )
    assert "All 7 done" in html  # the marker of a branch with every leaf done


def test_a_branch_is_marked_complete_only_when_every_leaf_is_done_or_skipped(client, learner, roadmap):
    branch = linear_algebra()
    children = list(branch.children.order_by("order"))
    mark(learner, children[:3], TopicStatus.DONE)
    client.force_login(learner)

    def head():
        html = client.get(PAGE).content.decode()
        return re.search(rf'id="topic-{branch.pk}-head">(.*?)</div>', html, re.S).group(1)

    assert "topic__check" not in head()
    assert "3 of 4 done" in text(head())
    mark(learner, children[3:], TopicStatus.SKIPPED)
    assert '<span class="topic__check" aria-hidden="true"></span>' in head()
    assert "All 4 completed: 3 done, 1 skipped" in text(head())


def test_the_bars_count_done_and_skipped_over_the_leaves(client, learner, roadmap):
    python = list(python_root().children.order_by("order"))
    mark(learner, python[:3], TopicStatus.DONE)
    mark(learner, python[3:5], TopicStatus.SKIPPED)
    mark(learner, python[5:6], TopicStatus.IN_PROGRESS)
    client.force_login(learner)

    html = client.get(PAGE).content.decode()

    # Phase 1: (3 done + 2 skipped) of 25 leaves is 20%.
    assert "20% completed: 3 done, 2 skipped, 1 in progress, of 25 topics." in text(html)
    assert 'aria-label="Phase 1: 20% completed (3 done, 2 skipped, 1 in progress, of 25 topics)"' in html
    section = re.search(rf'id="section-{python[0].section_id}-progress">(.*?)</div>', html, re.S).group(1)
    assert "5 of 7 completed 3 done · 2 skipped · 1 in progress" in text(section)
    assert 'class="bar__done" width="42.86"' in section
    assert 'class="bar__skipped" x="42.86" width="28.57"' in section


def test_a_learner_sees_only_their_own_marks(client, learner, outsider, roadmap):
    leaf = type_hints()
    mark(learner, python_root().children.all(), TopicStatus.DONE)
    note_save(user=learner, topic=leaf, text="Lena only")
    client.force_login(outsider)

    html = client.get(PAGE).content.decode()

    assert "0% completed" in text(html)
    assert "Lena only" not in html
    assert re.search(rf'id="topic-{leaf.pk}-not_started"[^>]*aria-pressed="true"', html)


def test_a_phase_page_costs_a_fixed_number_of_queries(client, learner, roadmap):
    client.get(PAGE)
    with CaptureQueriesContext(connection) as public:
        client.get(PAGE)
    client.force_login(learner)
    client.get(PAGE)  # the session and the like, warmed up
    with CaptureQueriesContext(connection) as empty:
        assert client.get(PAGE).status_code == 200

    phase = Phase.objects.get(slug="prerequisites")
    for section in phase.sections.all():
        grow(section, trees=2, leaves=10)
    leaves = list(Topic.objects.leaves())
    statuses = [TopicStatus.DONE, TopicStatus.SKIPPED, TopicStatus.IN_PROGRESS, TopicStatus.NOT_STARTED]
    now = timezone.now()
    TopicProgress.objects.bulk_create(
        TopicProgress(user=learner, topic=leaf, status=statuses[n % 4], updated_at=now)
        for n, leaf in enumerate(leaves)
    )
    write_notes(learner, leaves[::2])
    elective = Phase.objects.get(is_elective=True)
    path_set_sections(user=learner, phase=elective, sections=list(elective.sections.all()))
    client.get(PAGE)  # the grown content is read once into the cached structure
    with CaptureQueriesContext(connection) as full:
        response = client.get(PAGE)

    assert response.status_code == 200
    assert len(leaves) == 199 + 60
    assert response.content.decode().count('class="status-control"') == 25 + 60
    on_page = TopicNote.objects.filter(user=learner, topic__section__phase=phase).count()
    assert on_page > 40
    assert response.content.decode().count("A note ") == on_page
    assert len(full) == len(empty), [q["sql"] for q in full]
    # The public page reads the content version only; the learner's adds the session, the
    # user (with what the navigation needs), their figures (one query) and their notes.
    assert len(public) == 1
    assert len(full) <= 5, "\n".join(q["sql"][:150] for q in full)


def test_reloading_the_roadmap_keeps_everyones_progress(client, learner, outsider, roadmap, seed_path):
    leaf = type_hints()
    progress_set_status(user=learner, topic=leaf, status=TopicStatus.DONE)
    mark(learner, linear_algebra().children.all(), TopicStatus.SKIPPED)
    mark(outsider, python_root().children.all(), TopicStatus.IN_PROGRESS)
    note_save(user=learner, topic=leaf, text="Survives reloads")
    project_update(
        user=learner, project=ProjectIdea.objects.first(), status="done", evidence_url="https://a.example"
    )
    elective = Phase.objects.get(is_elective=True)
    path_set_sections(user=learner, phase=elective, sections=list(elective.sections.all()[:1]))

    def snapshot():
        return (
            sorted(TopicProgress.objects.values_list("id", "user_id", "topic__key", "status")),
            sorted(TopicNote.objects.values_list("id", "user_id", "topic__key", "text")),
            sorted(
                ProjectProgress.objects.values_list("id", "user_id", "project__key", "status", "evidence_url")
            ),
            sorted(PathChoice.objects.values_list("id", "user_id", "section__key")),
        )

    before = snapshot()
    call_command("loaddata", str(FIXTURE), verbosity=0)
    after_fixture = snapshot()
    call_command("import_roadmap", str(seed_path), verbosity=0)
    after_import = snapshot()

    assert before == after_fixture == after_import
    assert len(before[0]) == 1 + 4 + 7
    client.force_login(learner)
    html = client.get(PAGE).content.decode()
    assert re.search(rf'id="topic-{leaf.pk}-done"[^>]*aria-pressed="true"', html)
    assert "Survives reloads</textarea>" in html


def test_the_heaviest_phase_page_is_under_25_kb_on_the_wire(client, learner, roadmap):
    deep = Phase.objects.annotate(n=Count("sections__topics")).order_by("-n").first()
    leaves = list(Topic.objects.leaves().filter(section__phase=deep))
    mark(learner, leaves[::2], TopicStatus.DONE)
    write_notes(learner, leaves[::3], text="Remember the chain rule " * 4)
    client.force_login(learner)

    response = client.get(deep.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) <= 25_000
    assert len(gzip.decompress(response.content)) > 3 * len(response.content)

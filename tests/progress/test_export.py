import csv
import io
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.urls import reverse

from progress.models import Activity, LearningPlan, Pace, TopicStatus
from progress.services import note_save, path_set_sections, progress_set_status, project_update
from roadmap.models import Phase, ProjectIdea, Section, Topic

pytestmark = pytest.mark.django_db

URL = "/dashboard/export.csv"


def rows_of(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_it_rejects_post(client, learner):
    client.force_login(learner)
    assert client.post(URL).status_code == 405


def test_it_lists_every_leaf_topic_with_the_learners_status(client, learner, roadmap):
    leaf = Topic.objects.get(
        key="ai-ml-roadmap-2025/prerequisites/python-proficiency/python-for-ai-ml/type-hints"
    )
    progress_set_status(user=learner, topic=leaf, status=TopicStatus.SKIPPED)
    note_save(user=learner, topic=leaf, text="Revisit with mypy")
    client.force_login(learner)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="waymark-progress-')
    rows = rows_of(response)
    assert rows[0] == ["Phase", "Section", "Topic", "Status", "Updated at", "Note"]
    assert len(rows) == 1 + Topic.objects.leaves().count()
    mine = next(row for row in rows if row[2].endswith("> Type hints"))
    assert mine[:4] == [
        "Phase 1: Prerequisites",
        "Python Proficiency",
        "Python for AI/ML > Type hints",
        "Skipped",
    ]
    assert mine[4].startswith(str(datetime.now(UTC).year)) and mine[5] == "Revisit with mypy"
    untouched = rows[1]
    assert untouched[3:] == ["Not started", "", ""]
    assert rows[1][0] == "Phase 1: Prerequisites"
    assert rows[-1][0].startswith("Phase 8")


def test_it_gives_times_in_the_learners_time_zone(client, learner, roadmap):
    learner.time_zone = "Asia/Tokyo"
    learner.save(update_fields=["time_zone"])
    progress_set_status(user=learner, topic=Topic.objects.leaves().first(), status=TopicStatus.DONE)
    client.force_login(learner)
    done = next(row for row in rows_of(client.get(URL)) if row[3] == "Done")
    assert done[4].endswith("+09:00")


def test_it_neutralises_cells_a_spreadsheet_would_run(client, learner, roadmap):
    section = Section.objects.filter(phase__number=1).first()
    for order, title in enumerate(['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "Plain"]):
        Topic.objects.create(
            section=section, key=f"evil-{order}", slug=f"evil-{order}", title=title, order=100 + order
        )
    client.force_login(learner)
    titles = [row[2] for row in rows_of(client.get(URL))]
    assert '\'=HYPERLINK("http://x")' in titles
    assert "'+1+1" in titles
    assert "'-2" in titles
    assert "'@SUM(A1)" in titles
    assert "Plain" in titles
    assert not any(title.startswith(("=", "+", "-", "@")) for title in titles)


def test_it_writes_the_notes_text_formula_safe(client, learner, roadmap):
    first, second = Topic.objects.leaves().order_by("section__phase__number", "section__order", "order")[:2]
    note_save(user=learner, topic=first, text='=HYPERLINK("http://x")\nand a second line')
    note_save(user=learner, topic=second, text="Plain, with a comma")
    client.force_login(learner)
    rows = rows_of(client.get(URL))
    notes = {row[2].rpartition(" > ")[2]: row[5] for row in rows[1:] if row[5]}
    assert notes == {
        first.title: '\'=HYPERLINK("http://x")\nand a second line',
        second.title: "Plain, with a comma",
    }


def test_it_hides_other_learners_progress(client, learner, outsider, roadmap):
    for topic in Topic.objects.leaves()[:5]:
        progress_set_status(user=outsider, topic=topic, status=TopicStatus.DONE)
        note_save(user=outsider, topic=topic, text="Mine, not yours")
    client.force_login(learner)
    rows = rows_of(client.get(URL))[1:]
    assert {row[3] for row in rows} == {"Not started"}
    assert {row[5] for row in rows} == {""}


def test_it_costs_a_fixed_number_of_queries(client, learner, roadmap, django_assert_max_num_queries):
    for topic in Topic.objects.leaves():
        progress_set_status(user=learner, topic=topic, status=TopicStatus.DONE)
    client.force_login(learner)
    client.get(URL)  # the content, read once into the cached structure
    # Session, user, content version, the learner's figures, when each status changed, their notes.
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert {row[3] for row in rows_of(response)[1:]} == {"Done"}


# The JSON data export (accounts.services.user_export_data collects it)


def test_the_data_export_holds_the_learners_progress(learner, outsider, roadmap):
    leaf = Topic.objects.leaves().first()
    progress_set_status(user=learner, topic=leaf, status=TopicStatus.DONE)
    note_save(user=learner, topic=leaf, text="A note")
    project = ProjectIdea.objects.first()
    project_update(user=learner, project=project, status="done", evidence_url="https://example.com/demo")
    elective = Phase.objects.get(is_elective=True)
    path_set_sections(user=learner, phase=elective, sections=[elective.sections.first()])
    LearningPlan.objects.create(user=learner, start_date=datetime(2025, 1, 1).date(), pace=Pace.STEADY)
    progress_set_status(user=outsider, topic=Topic.objects.leaves().last(), status=TopicStatus.SKIPPED)

    data = apps.get_app_config("progress").export_user_data(learner)

    assert data["topics"] == [
        {
            "topic": leaf.key,
            "title": leaf.title,
            "status": "done",
            "updated_at": data["topics"][0]["updated_at"],
        }
    ]
    assert data["notes"][0]["text"] == "A note" and data["notes"][0]["topic"] == leaf.key
    assert data["notes"][0]["path"].endswith(f" > {leaf.title}")
    assert data["projects"][0]["project"] == project.key
    assert data["projects"][0]["evidence_url"] == "https://example.com/demo"
    assert data["plan"]["start_date"].isoformat() == "2025-01-01" and data["plan"]["pace"] == "steady"
    assert [choice["section"] for choice in data["path_choices"]] == [elective.sections.first().key]
    assert [(row["kind"], row["item"], row["to"]) for row in data["activity"]] == [
        ("topic", leaf.key, "done"),
        ("project", project.key, "done"),
    ]
    assert Activity.objects.filter(user=outsider).count() == 1


def test_the_data_export_is_empty_for_a_new_learner(learner):
    data = apps.get_app_config("progress").export_user_data(learner)
    assert data["plan"] is None
    assert {"topics", "notes", "projects", "path_choices", "activity"} <= data.keys()
    # Other sections (cohorts, ...) may sit beside the progress ones; all are empty.
    assert all(value == [] for key, value in data.items() if key not in {"plan", "figures"})
    assert data["figures"]["overall"]["done"] == 0


def test_the_account_export_includes_progress(learner, roadmap):
    from accounts.services import user_export_data

    progress_set_status(user=learner, topic=Topic.objects.leaves().first(), status=TopicStatus.DONE)
    assert len(user_export_data(user=learner)["progress"]["topics"]) == 1

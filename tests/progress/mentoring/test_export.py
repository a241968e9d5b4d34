"""The cohort table as CSV: one row per learner, formulas neutralised, names escaped."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from progress.mentoring.models import Cohort, Membership
from progress.models import Activity, TopicProgress, TopicStatus
from roadmap.models import Phase, Topic

pytestmark = pytest.mark.django_db


def _download(client, cohort):
    response = client.get(reverse("cohorts:export", kwargs={"pk": cohort.pk}))
    assert response.status_code == 200
    return response, list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_it_downloads_one_row_per_learner_with_a_header(client, mentor, cohort, learner, roadmap):
    now = timezone.now()
    TopicProgress.objects.bulk_create(
        TopicProgress(user=learner, topic=topic, status=TopicStatus.DONE, updated_at=now)
        for topic in Topic.objects.leaves().filter(section__phase__number=1)
    )
    # The database logged those changes; they happened two days ago.
    Activity.objects.filter(user=learner).update(created_at=now - timedelta(days=2))
    client.force_login(mentor)
    response, rows = _download(client, cohort)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="spring-cohort-')
    header, *body = rows
    phases = list(Phase.objects.order_by("number"))
    assert header == [
        "Learner",
        *(f"Phase {phase.number}: {phase.title} (%)" for phase in phases),
        "Overall (%)",
        "Current phase",
        "Plan status",
        "Last active",
        "Projects done",
        "Projects waiting for review",
        "Signals",
    ]
    assert len(body) == 1
    row = dict(zip(header, body[0], strict=True))
    assert row["Learner"] == "Lena Learner"
    assert row["Phase 1: Prerequisites (%)"] == "100"
    assert row["Phase 2: Machine Learning Fundamentals (%)"] == "0"
    assert row[f"Phase 8: {phases[-1].title} (%)"] == ""  # no path chosen in the elective phase
    assert row["Current phase"] == "Phase 2"
    assert row["Plan status"] == "No plan"
    assert row["Last active"].startswith((now - timedelta(days=2)).date().isoformat())
    assert row["Signals"] == ""  # joined today, active two days ago, no plan: nothing to flag


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_it_neutralises_formulas(client, mentor, cohort, learner, roadmap, start):
    learner.display_name = f'{start}HYPERLINK("https://evil.example","click")'
    learner.save(update_fields=["display_name"])
    client.force_login(mentor)
    _response, rows = _download(client, cohort)
    assert rows[1][0] == f"'{learner.display_name}"


def test_it_keeps_names_with_commas_quotes_and_accents_intact(client, mentor, cohort, learner, roadmap):
    learner.display_name = 'Zoë "Zed", Ørsted'
    learner.save(update_fields=["display_name"])
    client.force_login(mentor)
    response, rows = _download(client, cohort)
    assert rows[1][0] == 'Zoë "Zed", Ørsted'
    assert '"Zoë ""Zed"", Ørsted"'.encode() in response.content  # UTF-8, quoted as CSV quotes


def test_it_keeps_the_cohort_name_out_of_the_header(client, mentor, cohort, roadmap):
    cohort.name = 'Evil"; filename="x.exe\r\nSet-Cookie: a=b'
    cohort.save(update_fields=["name"])
    client.force_login(mentor)
    response, _rows = _download(client, cohort)
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="evil-filenamexexe')
    assert "\n" not in disposition and "Set-Cookie" not in str(response.headers)


def test_it_leaves_out_learners_of_other_cohorts(client, mentor, cohort, outsider, roadmap):
    other = Cohort.objects.create(name="Other")
    Membership.objects.create(cohort=other, user=outsider)
    client.force_login(mentor)
    _response, rows = _download(client, cohort)
    assert [row[0] for row in rows[1:]] == ["Lena Learner"]

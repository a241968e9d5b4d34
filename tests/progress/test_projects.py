"""A learner's progress on the project ideas: status, evidence link, reflection, the mentor's review."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from progress.models import REFLECTION_MAX_LENGTH, Activity, ProjectProgress
from progress.services import project_update
from roadmap.models import ProjectIdea
from tests.progress.marks_helpers import HTMX

pytestmark = pytest.mark.django_db

PAGE = "/projects/"


@pytest.fixture
def project(roadmap):
    return ProjectIdea.objects.order_by("order", "id").first()


def save_url(project):
    return reverse("progress:project_progress", kwargs={"pk": project.pk})


def item(html, project):
    return re.search(
        rf'<li class="project project--mine" id="project-{project.pk}">.*?</li>', html, re.S
    ).group(0)


def rows(user):
    return list(
        ProjectProgress.objects.filter(user=user).values_list(
            "project_id", "status", "evidence_url", "reflection"
        )
    )


def test_it_offers_a_form_for_every_project_to_a_signed_in_learner(client, learner, roadmap):
    client.force_login(learner)

    html = client.get(PAGE).content.decode()

    for project in ProjectIdea.objects.all():
        assert f'action="{save_url(project)}"' in html
        assert f'id="project-{project.pk}-save"' in html
    assert html.count('<span class="status-badge status-badge--not_started">Not started</span>') == 14
    assert " style=" not in html


def test_it_offers_no_form_to_anonymous_visitors(client, roadmap):
    html = client.get(PAGE).content.decode()

    assert "project__form" not in html
    assert "status-badge" not in html


def test_it_saves_status_evidence_and_reflection_and_returns_to_the_project(client, learner, project):
    client.force_login(learner)

    response = client.post(
        save_url(project),
        {
            "status": "done",
            "evidence_url": " https://github.com/lena/sentiment ",
            "reflection": "FastAPI is neat.",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#project-{project.pk}"
    assert rows(learner) == [(project.pk, "done", "https://github.com/lena/sentiment", "FastAPI is neat.")]
    assert Activity.objects.get(user=learner).to_status == "done"
    html = item(client.get(PAGE).content.decode(), project)
    assert '<span class="status-badge status-badge--done">Done</span>' in html
    assert 'href="https://github.com/lena/sentiment"' in html
    assert "FastAPI is neat.</textarea>" in html
    assert re.search(r'value="done"[^>]*checked', html)


def test_it_answers_htmx_with_the_project_redrawn(client, learner, project):
    client.force_login(learner)

    response = client.post(save_url(project), {"status": "in_progress", "evidence_url": ""}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert '<span class="status-badge status-badge--in_progress">In progress</span>' in item(html, project)
    assert '<details class="project__update" open>' in html
    assert f'id="project-{project.pk}-save"' in html
    assert f'data-hx-swap-oob="innerHTML">Saved: {project.title}.' in html
    assert rows(learner) == [(project.pk, "in_progress", "", "")]


# The mentor's review


def test_it_shows_the_mentors_review_and_its_date(client, learner, mentor, project):
    project_update(user=learner, project=project, status="done")
    ProjectProgress.objects.filter(user=learner, project=project).update(
        reviewed_at=timezone.datetime(2025, 3, 4, 12, tzinfo=timezone.UTC),
        reviewed_by=mentor,
        review_comment="Good work <b>really</b>.\nAdd tests.",
    )
    client.force_login(learner)

    html = item(client.get(PAGE).content.decode(), project)

    assert "Your mentor's review (Mina Mentor)" in html
    assert '<time datetime="2025-03-04">4 Mar 2025</time>' in html
    assert "Good work &lt;b&gt;really&lt;/b&gt;.<br>Add tests." in html


def test_saving_keeps_the_mentors_review(client, learner, mentor, project):
    project_update(user=learner, project=project, status="done")
    ProjectProgress.objects.filter(user=learner, project=project).update(
        reviewed_at=timezone.now(), reviewed_by=mentor, review_comment="Nice."
    )
    client.force_login(learner)

    html = client.post(save_url(project), {"status": "done", "reflection": "Thanks"}, **HTMX).content.decode()

    assert "Nice." in html
    assert ProjectProgress.objects.get(user=learner).review_comment == "Nice."


# Bad input changes nothing


@pytest.mark.parametrize(
    "evidence", ["javascript:alert(1)", "ftp://example.com/code.zip", "data:text/html,hi", "http://"]
)
def test_it_refuses_an_evidence_link_that_is_not_http_or_https(client, learner, project, evidence):
    project_update(user=learner, project=project, status="in_progress", evidence_url="https://example.com/a")
    client.force_login(learner)
    before = rows(learner)

    plain = client.post(save_url(project), {"status": "done", "evidence_url": evidence})
    htmx = client.post(save_url(project), {"status": "done", "evidence_url": evidence}, **HTMX)

    assert plain.status_code == htmx.status_code == 422
    for response in [plain, htmx]:
        html = response.content.decode()
        assert "Enter a web address starting with http:// or https://." in html
        assert 'href="javascript:' not in html
        assert 'aria-invalid="true"' in html
    # Without JavaScript: a page of its own with the form to correct.
    assert f"<h1>{project.title}</h1>" in plain.content.decode()
    assert rows(learner) == before
    assert Activity.objects.filter(user=learner).count() == 1


def test_it_refuses_a_reflection_over_the_limit(client, learner, project):
    client.force_login(learner)

    response = client.post(
        save_url(project), {"status": "done", "reflection": "x" * (REFLECTION_MAX_LENGTH + 1)}
    )

    assert response.status_code == 422
    assert f"A reflection holds at most {REFLECTION_MAX_LENGTH} characters" in response.content.decode()
    assert rows(learner) == []


def test_it_refuses_an_unknown_status(client, learner, project):
    client.force_login(learner)

    response = client.post(save_url(project), {"status": "skipped"}, **HTMX)

    assert response.status_code == 422
    assert "“skipped” is not a project status." in response.content.decode()
    assert rows(learner) == []


def test_it_answers_404_for_a_project_that_does_not_exist(client, learner, roadmap):
    client.force_login(learner)
    missing = ProjectIdea.objects.order_by("-pk").first().pk + 1

    response = client.post(reverse("progress:project_progress", kwargs={"pk": missing}), {"status": "done"})

    assert response.status_code == 404
    assert not ProjectProgress.objects.exists()


def test_it_rejects_get(client, learner, project):
    client.force_login(learner)

    assert client.get(save_url(project)).status_code == 405


def test_it_sends_anonymous_visitors_to_sign_in_and_back_to_the_project(client, project):
    plain = client.post(save_url(project), {"status": "done"})
    htmx = client.post(save_url(project), {"status": "done"}, **HTMX)

    assert plain.status_code == 302
    assert plain["Location"] == f"{reverse('account_login')}?next=/projects/%23project-{project.pk}"
    assert htmx.status_code == 401
    assert htmx["HX-Redirect"] == plain["Location"]
    assert not ProjectProgress.objects.exists()


# Private to the learner


def test_a_learner_sees_and_changes_only_their_own_projects(client, learner, outsider, mentor, project):
    project_update(
        user=learner,
        project=project,
        status="done",
        evidence_url="https://lena.example/x",
        reflection="Lena's words",
    )
    ProjectProgress.objects.filter(user=learner).update(review_comment="For Lena only")
    client.force_login(outsider)

    html = client.get(PAGE).content.decode()
    client.post(save_url(project), {"status": "in_progress"})

    assert "lena.example" not in html
    assert "Lena&#x27;s words" not in html
    assert "For Lena only" not in html
    assert rows(learner) == [(project.pk, "done", "https://lena.example/x", "Lena's words")]
    assert rows(outsider) == [(project.pk, "in_progress", "", "")]


# Query count


def test_marking_new_reviews_seen_costs_one_query_however_many(client, learner, mentor, roadmap):
    """The first visit after reviews came in marks them seen: one update for all of them."""
    client.force_login(learner)
    client.get(PAGE)

    def visit_after_new_reviews(projects):
        for project in projects:
            project_update(user=learner, project=project, status="done", evidence_url="https://example.com")
        ProjectProgress.objects.filter(user=learner, reviewed_at__isnull=True).update(
            reviewed_by=mentor, reviewed_at=timezone.now(), review_comment="Seen"
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE).status_code == 200
        return len(queries)

    ideas = list(ProjectIdea.objects.order_by("id"))
    one = visit_after_new_reviews(ideas[:1])
    many = visit_after_new_reviews(ideas[1:])
    assert one == many <= 5  # and the update marking them seen
    assert not ProjectProgress.objects.filter(user=learner, review_seen_at__isnull=True).exists()


def test_the_signed_in_page_costs_a_fixed_number_of_queries(client, learner, mentor, roadmap):
    client.force_login(learner)
    client.get(PAGE)  # the session and the like, warmed up
    with CaptureQueriesContext(connection) as few:
        assert client.get(PAGE).status_code == 200

    for n in range(20):
        ProjectIdea.objects.create(
            roadmap=roadmap, level="advanced", title=f"Extra {n}", key=f"x/p{n}", order=50 + n
        )
    for project in ProjectIdea.objects.all():
        project_update(user=learner, project=project, status="done", evidence_url="https://example.com")
    ProjectProgress.objects.update(reviewed_by=mentor, reviewed_at=timezone.now(), review_comment="Seen")
    client.get(PAGE)  # the new projects, read once into the cached structure
    with CaptureQueriesContext(connection) as many:
        response = client.get(PAGE)

    assert response.status_code == 200
    assert response.content.decode().count("Your mentor's review (Mina Mentor)") == 34
    assert len(many) == len(few), [q["sql"] for q in many]
    # Session, user (with what the navigation needs), content version, the learner's rows.
    assert len(many) <= 4

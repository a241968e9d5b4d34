"""Phase 8 "Choose Your Path": the sections a learner follows, chosen on the phase page."""

import re
from datetime import date

import pytest
from django.urls import reverse

from progress.figures import learner_figures
from progress.models import PathChoice, TopicStatus
from roadmap import structure
from roadmap.models import Phase, Section, Topic
from tests.progress.marks_helpers import mark

pytestmark = pytest.mark.django_db

PAGE = "/phases/specialized-areas/"
URL = "/phases/specialized-areas/path/"


@pytest.fixture
def elective(roadmap):
    return Phase.objects.get(is_elective=True)


@pytest.fixture
def sections(elective):
    """Computer Vision (6 leaves), Natural Language Processing (7), Generative AI (10)."""
    return list(elective.sections.order_by("order"))


def chosen(user):
    return set(PathChoice.objects.filter(user=user).values_list("section_id", flat=True))


def test_the_url_is_the_phase_pages_path_form(elective):
    assert reverse("progress:path", kwargs={"slug": elective.slug}) == URL


def test_it_offers_the_sections_to_choose_from(client, learner, sections):
    client.force_login(learner)

    html = client.get(PAGE).content.decode()

    assert f'<form method="post" action="{URL}">' in html
    for section in sections:
        assert re.search(
            rf'<input type="checkbox" name="sections" value="{section.pk}" id="path-{section.pk}">', html
        )
    assert "Choose your path: until you do, this phase counts for nothing in your progress." in html
    assert html.count("Not in your path") == 3


def test_it_saves_the_chosen_sections_and_returns_to_the_form(client, learner, sections):
    vision, language, _generative = sections
    client.force_login(learner)

    response = client.post(URL, {"sections": [vision.pk, language.pk]})

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#path"
    assert chosen(learner) == {vision.pk, language.pk}
    html = client.get(response["Location"]).content.decode()
    assert "Your path is saved: Computer Vision, Natural Language Processing." in html
    assert re.search(rf'value="{vision.pk}" id="path-{vision.pk}" checked', html)
    assert html.count("Not in your path") == 1


def test_only_the_chosen_sections_count(client, learner, sections):
    vision, language, generative = sections
    mark(learner, Topic.objects.leaves().filter(section=vision), TopicStatus.DONE)
    mark(learner, Topic.objects.leaves().filter(section=generative)[:4], TopicStatus.SKIPPED)
    client.force_login(learner)

    client.post(URL, {"sections": [vision.pk, language.pk]})

    html = client.get(PAGE).content.decode()
    # 6 of the 13 leaves on the path are done; the 4 skipped in Generative AI are off it.
    assert "46%</strong> completed on your path: 6 done, 0 skipped, 0 in progress, of 13 topics." in html
    generative_figure = re.search(rf'id="section-{generative.pk}-progress">(.*?)</div>', html, re.S).group(1)
    assert "Not in your path" in generative_figure
    assert "4 of 10 completed" in generative_figure
    overall = learner_figures(learner, structure.current(), today=date.today()).overall
    assert (overall.leaves, overall.done, overall.skipped) == (176 + 13, 6, 0)


def test_choosing_nothing_clears_the_path(client, learner, sections):
    PathChoice.objects.create(user=learner, section=sections[0])
    client.force_login(learner)

    response = client.post(URL, {})

    assert response.status_code == 302
    assert chosen(learner) == set()


# Bad input changes nothing


def test_it_refuses_a_section_of_another_phase(client, learner, sections):
    PathChoice.objects.create(user=learner, section=sections[0])
    other = Section.objects.exclude(phase=sections[0].phase).first()
    client.force_login(learner)

    response = client.post(URL, {"sections": [sections[1].pk, other.pk]})

    assert response.status_code == 400
    assert "Choose sections of this phase." in response.content.decode()
    assert chosen(learner) == {sections[0].pk}


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "-1"])
def test_it_refuses_a_section_id_that_is_no_section(client, learner, sections, value):
    client.force_login(learner)

    response = client.post(URL, {"sections": [sections[0].pk, value]})

    assert response.status_code == 400
    assert not PathChoice.objects.exists()


def test_it_refuses_a_phase_without_a_path(client, learner, roadmap):
    client.force_login(learner)

    response = client.post("/phases/prerequisites/path/", {})

    assert response.status_code == 400
    assert "Only an elective phase has a path to choose." in response.content.decode()


def test_it_answers_404_for_an_unknown_phase(client, learner, roadmap):
    client.force_login(learner)

    assert client.post("/phases/no-such-phase/path/", {}).status_code == 404


def test_it_rejects_get(client, learner, roadmap):
    client.force_login(learner)

    assert client.get(URL).status_code == 405


def test_it_sends_anonymous_visitors_to_sign_in_and_back_to_the_form(client, sections):
    response = client.post(URL, {"sections": [sections[0].pk]})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={PAGE}%23path"
    assert not PathChoice.objects.exists()


def test_a_learners_path_is_their_own(client, learner, outsider, sections):
    PathChoice.objects.create(user=learner, section=sections[0])
    client.force_login(outsider)

    html = client.get(PAGE).content.decode()
    client.post(URL, {"sections": [sections[2].pk]})

    assert html.count("Not in your path") == 3
    assert chosen(learner) == {sections[0].pk}
    assert chosen(outsider) == {sections[2].pk}

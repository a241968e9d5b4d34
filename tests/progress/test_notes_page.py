"""/notes/: every note of the learner's, newest first, with their topics' paths, and a filter."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from progress.models import TopicNote
from progress.services import note_save
from roadmap.models import Topic

pytestmark = pytest.mark.django_db

URL = "/notes/"


def leaf(title):
    return Topic.objects.select_related("section__phase").get(title=title)


def write(user, title, text, days_ago=0):
    topic = leaf(title)
    note_save(user=user, topic=topic, text=text)
    TopicNote.objects.filter(user=user, topic=topic).update(
        updated_at=timezone.now() - timedelta(days=days_ago)
    )
    return topic


def titles(response):
    found = re.findall(
        r'<h3 class="note-item__title"><a href="[^"]+">([^<]+)</a></h3>', response.content.decode()
    )
    return [unescape(title) for title in found]


def test_it_is_named_in_the_navigation(client, learner, roadmap):
    assert reverse("progress:notes") == URL
    client.force_login(learner)
    assert f'<a href="{URL}">Notes</a>' in client.get("/").content.decode()


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_it_rejects_post(client, learner):
    client.force_login(learner)
    assert client.post(URL).status_code == 405


def test_it_lists_every_note_newest_first_with_its_topics_path(client, learner, roadmap):
    old = write(learner, "Type hints", "Read PEP 484.\nThen mypy.", days_ago=3)
    write(learner, "Vectors & matrices", "Draw them.", days_ago=1)
    client.force_login(learner)

    response = client.get(URL)

    assert response.status_code == 200
    assert titles(response) == ["Vectors & matrices", "Type hints"]
    html = response.content.decode()
    assert " \u203a ".join(["Phase 1: Prerequisites", "Python Proficiency", "Python for AI/ML"]) in html
    path = ["Phase 1: Prerequisites", "Mathematics Foundations", "Math for ML", "Linear Algebra"]
    assert " \u203a ".join(path) in html
    assert "<p>Read PEP 484.<br>Then mypy.</p>" in html
    assert f'<a href="/phases/prerequisites/#{old.slug}">Type hints</a>' in html
    assert "2 notes." in html


def test_it_filters_by_phase_and_by_words(client, learner, roadmap):
    write(learner, "Type hints", "Read PEP 484.")
    write(learner, "Vectors & matrices", "Draw them.")
    later = Topic.objects.leaves().filter(section__phase__number=3).first()
    note_save(user=learner, topic=later, text="Ask about PEP 8 too.")
    client.force_login(learner)

    assert titles(client.get(URL, {"phase": "prerequisites"})) == ["Vectors & matrices", "Type hints"]
    assert titles(client.get(URL, {"q": "pep"})) == [later.title, "Type hints"]
    assert titles(client.get(URL, {"q": "pep", "phase": "prerequisites"})) == ["Type hints"]
    # Words in the topic's title find its note too.
    assert titles(client.get(URL, {"q": "vectors"})) == ["Vectors & matrices"]
    assert "No note matches." in client.get(URL, {"q": "nothing like it"}).content.decode()


def test_it_says_what_is_wrong_with_an_unknown_phase_and_lists_nothing(client, learner, roadmap):
    write(learner, "Type hints", "Read PEP 484.")
    client.force_login(learner)

    response = client.get(URL, {"phase": "no-such-phase"})

    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert titles(response) == []


def test_it_searches_past_control_characters(client, learner, roadmap):
    write(learner, "Type hints", "Read PEP 484.")
    client.force_login(learner)
    response = client.get(URL, {"q": "PEP\x1b 4\x0784"})
    assert response.status_code == 200
    assert titles(response) == ["Type hints"]


def test_it_hides_other_learners_notes(client, learner, outsider, roadmap):
    write(outsider, "Type hints", "Not yours to read.")
    client.force_login(learner)
    response = client.get(URL)
    assert titles(response) == []
    assert "Not yours to read." not in response.content.decode()
    assert "No notes yet." in response.content.decode()


def test_it_costs_a_fixed_number_of_queries_however_many_notes(
    client, learner, roadmap, django_assert_num_queries
):
    client.force_login(learner)
    client.get(URL)  # the content, read once into the cached structure

    def count(params=None):
        # Session, user, content version, the notes.
        with django_assert_num_queries(4):
            assert client.get(URL, params or {}).status_code == 200

    write(learner, "Type hints", "One.")
    count()
    for topic in Topic.objects.leaves()[:60]:
        note_save(user=learner, topic=topic, text=f"A note on {topic.title}.")
    count()
    count({"phase": "deep-learning", "q": "note"})

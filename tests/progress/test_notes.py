"""A learner's private note on a topic, saved from the phase page with or without JavaScript."""

import re

import pytest
from django.urls import reverse

from progress.models import NOTE_MAX_LENGTH, TopicNote
from roadmap.models import Topic
from tests.progress.marks_helpers import HTMX, linear_algebra, type_hints

pytestmark = pytest.mark.django_db

PAGE = "/phases/prerequisites/"


def note_url(topic):
    return reverse("progress:topic_note", kwargs={"pk": topic.pk})


def notes(user):
    return dict(TopicNote.objects.filter(user=user).values_list("topic_id", "text"))


def test_it_saves_a_note_and_sends_the_learner_back_to_the_topic(client, learner, roadmap):
    leaf = type_hints()
    client.force_login(learner)

    response = client.post(note_url(leaf), {"text": "  Read PEP 484 first.  "})

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#{leaf.slug}"
    assert notes(learner) == {leaf.pk: "Read PEP 484 first."}


def test_it_shows_the_note_escaped_in_its_disclosure(client, learner, roadmap):
    leaf = type_hints()
    client.force_login(learner)
    client.post(note_url(leaf), {"text": '<script>alert("x")</script> & more'})

    html = client.get(PAGE).content.decode()

    note = re.search(rf'<details class="note" id="topic-{leaf.pk}-note">.*?</details>', html, re.S).group(0)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more</textarea>" in note
    assert "<script>alert" not in html
    assert (
        f'Note<span class="note__dot" aria-hidden="true"></span><span class="visually-hidden"> on {leaf.title}'
        in note
    )


def test_it_answers_htmx_with_the_open_note_and_an_announcement(client, learner, roadmap):
    leaf = type_hints()
    client.force_login(learner)

    response = client.post(note_url(leaf), {"text": "Typed dicts too"}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'<details class="note" id="topic-{leaf.pk}-note" open>', html)
    assert "Typed dicts too</textarea>" in html
    assert f'id="topic-{leaf.pk}-note-save"' in html
    assert "Saved" in html
    assert f'data-hx-swap-oob="innerHTML">Note on {leaf.title} saved.' in html
    assert notes(learner) == {leaf.pk: "Typed dicts too"}


def test_an_empty_note_deletes_it(client, learner, roadmap):
    leaf = type_hints()
    client.force_login(learner)
    client.post(note_url(leaf), {"text": "Something"})

    response = client.post(note_url(leaf), {"text": "   "}, **HTMX)

    assert response.status_code == 200
    assert "Add note" in response.content.decode()
    assert notes(learner) == {}


def test_it_counts_a_line_break_once_as_the_browser_does(client, learner, roadmap):
    leaf = type_hints()
    client.force_login(learner)
    # Browsers send line breaks as CRLF but count them once against maxlength.
    text = ("x" * 99 + "\r\n") * (NOTE_MAX_LENGTH // 100)

    response = client.post(note_url(leaf), {"text": text})

    assert response.status_code == 302
    assert len(notes(learner)[leaf.pk]) == NOTE_MAX_LENGTH - 1  # the last line break is stripped


# Bad input changes nothing


def test_it_refuses_a_note_over_the_limit_and_keeps_the_old_one(client, learner, roadmap):
    leaf = type_hints()
    client.force_login(learner)
    client.post(note_url(leaf), {"text": "Keep me"})
    too_long = "x" * (NOTE_MAX_LENGTH + 1)

    plain = client.post(note_url(leaf), {"text": too_long})
    htmx = client.post(note_url(leaf), {"text": too_long}, **HTMX)

    message = f"A note holds at most {NOTE_MAX_LENGTH} characters (this one has {NOTE_MAX_LENGTH + 1})."
    assert plain.status_code == htmx.status_code == 422
    # Without JavaScript: a page of its own with the form, the text kept to shorten.
    assert "<h1>Your note on Type hints</h1>" in plain.content.decode()
    for response in [plain, htmx]:
        html = response.content.decode()
        assert message in html
        assert 'aria-invalid="true"' in html
        assert f"{too_long}</textarea>" in html
    assert "<html" not in htmx.content.decode()
    assert notes(learner) == {leaf.pk: "Keep me"}


def test_it_refuses_a_note_on_a_topic_with_subtopics(client, learner, roadmap):
    client.force_login(learner)

    response = client.post(note_url(linear_algebra()), {"text": "Branch note"})

    assert response.status_code == 400
    assert "Notes belong to topics without subtopics." in response.content.decode()
    assert notes(learner) == {}


def test_it_answers_404_for_a_topic_that_does_not_exist(client, learner, roadmap):
    client.force_login(learner)
    missing = Topic.objects.order_by("-pk").first().pk + 1

    assert (
        client.post(reverse("progress:topic_note", kwargs={"pk": missing}), {"text": "x"}).status_code == 404
    )
    assert notes(learner) == {}


def test_it_rejects_get(client, learner, roadmap):
    client.force_login(learner)

    assert client.get(note_url(type_hints()), {"text": "x"}).status_code == 405


def test_it_sends_anonymous_visitors_to_sign_in(client, roadmap):
    leaf = type_hints()

    plain = client.post(note_url(leaf), {"text": "x"})
    htmx = client.post(note_url(leaf), {"text": "x"}, **HTMX)

    assert plain.status_code == 302
    assert plain["Location"] == f"{reverse('account_login')}?next=/topics/{leaf.pk}/"
    assert htmx.status_code == 401
    assert not TopicNote.objects.exists()


# Private to their author


def test_a_note_is_visible_only_to_its_author(client, learner, outsider, roadmap):
    leaf = type_hints()
    client.force_login(learner)
    client.post(note_url(leaf), {"text": "Lena's private thought"})

    client.force_login(outsider)
    html = client.get(PAGE).content.decode()
    client.post(note_url(leaf), {"text": "Otto's own"})

    assert "Lena&#x27;s private thought" not in html
    assert re.search(
        rf'<details class="note" id="topic-{leaf.pk}-note">\s*<summary class="note__toggle">Add note', html
    )
    assert notes(learner) == {leaf.pk: "Lena's private thought"}
    assert notes(outsider) == {leaf.pk: "Otto's own"}
    client.logout()
    assert "private thought" not in client.get(PAGE).content.decode()

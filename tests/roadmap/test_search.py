"""Search: topics (with their path), resources and project ideas, from the header, in one query."""

import re
from html import unescape

import pytest
from django.db import connection

from roadmap import structure
from roadmap.models import Section, Topic

pytestmark = pytest.mark.django_db

URL = "/search/"
postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="typos are found with pg_trgm, on PostgreSQL"
)


def hits(response, group):
    """The titles listed under a group's heading ("topics", "resources", "projects"), as text."""
    html = response.content.decode()
    found = re.search(rf'aria-labelledby="search-{group}">(.*?)</ol>', html, re.S)
    if found is None:
        return []
    titles = re.findall(r'<h3 class="search-hit__title">(.*?)</h3>', found.group(1), re.S)
    return [unescape(re.sub(r"<[^>]+>", "", title)) for title in titles]


def test_every_page_has_the_search_box_in_its_header(client, roadmap):
    html = client.get("/").content.decode()
    header = re.search(r'<header class="site-header">.*?</header>', html, re.S).group(0)
    assert '<form class="site-search" method="get" action="/search/" role="search"' in header
    assert '<label class="visually-hidden" for="site-search">' in header


def test_it_finds_a_topic_with_its_path_and_links_to_it_on_its_phase_page(client, roadmap):
    response = client.get(URL, {"q": "linear regression"})

    assert response.status_code == 200
    assert "Linear Regression" in hits(response, "topics")
    html = response.content.decode()
    topic = Topic.objects.get(title="Linear Regression")
    node = structure.current().topic_by_id[topic.pk]
    assert f'href="/phases/machine-learning-fundamentals/#{node.anchor}"' in html
    path = " \u203a ".join(["Phase 2: Machine Learning Fundamentals", topic.section.title, *node.path[:-1]])
    assert path in unescape(html)


def test_it_finds_resources_and_project_ideas(client, roadmap):
    response = client.get(URL, {"q": "pandas"})
    assert "Pandas Documentation" in hits(response, "resources")
    assert "listed in" in response.content.decode()

    response = client.get(URL, {"q": "chatbot"})
    assert any("Chatbot" in title for title in hits(response, "projects"))
    assert 'href="/projects/#project-' in response.content.decode()


def test_it_marks_the_words_that_matched(client, roadmap):
    html = client.get(URL, {"q": "pandas"}).content.decode()
    assert "<mark>Pandas</mark> Documentation" in html


def test_it_escapes_what_it_highlights(client, editor, roadmap):
    section = Section.objects.get(slug="python-proficiency")
    Topic.objects.create(
        section=section, key="x/evil", slug="evil", title='<img src=x onerror="alert(1)"> Zebra'
    )
    structure.content_changed()

    html = client.get(URL, {"q": "zebra"}).content.decode()

    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; <mark>Zebra</mark>" in html
    assert "<img src=x" not in html


def test_it_says_so_when_nothing_matches(client, roadmap):
    html = client.get(URL, {"q": "quantum basket weaving"}).content.decode()
    assert "Nothing matches “quantum basket weaving”" in html


@pytest.mark.parametrize("query", ["", "a", "  ", "%", "<>", "a \x1b b"])
def test_it_asks_for_more_than_nothing(client, roadmap, query, django_assert_num_queries):
    client.get("/")  # the content, read once into the cached structure
    with django_assert_num_queries(1):  # the content version; no search
        response = client.get(URL, {"q": query})
    assert response.status_code == 200
    assert hits(response, "topics") == []


def test_it_searches_past_control_characters_and_long_input(client, roadmap):
    assert "Linear Regression" in hits(client.get(URL, {"q": "linear\x07 regression"}), "topics")
    response = client.get(URL, {"q": "linear " * 500})
    assert response.status_code == 200
    assert client.get(URL, {"q": "linear\x00"}).status_code == 400  # NUL: refused for every page


def test_it_needs_no_sign_in_and_shows_the_same_to_a_learner(client, learner, roadmap):
    anonymous = hits(client.get(URL, {"q": "transformer"}), "topics")
    client.force_login(learner)
    assert hits(client.get(URL, {"q": "transformer"}), "topics") == anonymous
    assert anonymous


def test_it_rejects_post(client, roadmap):
    assert client.post(URL, {"q": "linear"}).status_code == 405


def test_a_search_costs_one_query_whatever_it_finds(client, roadmap, django_assert_num_queries):
    client.get("/")  # the content, read once into the cached structure
    for query in ["linear", "learning", "python data"]:
        # The content version, and the search.
        with django_assert_num_queries(2):
            assert client.get(URL, {"q": query}).status_code == 200
    section = Section.objects.get(slug="python-proficiency")
    Topic.objects.bulk_create(
        [
            Topic(section=section, key=f"x/many-{n}", slug=f"many-{n}", title=f"Learning more {n}")
            for n in range(200)
        ]
    )
    structure.content_changed()
    client.get("/")
    with django_assert_num_queries(2):
        response = client.get(URL, {"q": "learning"})
    assert "add a word to narrow it down" in response.content.decode()


@postgres_only
def test_it_finds_words_typed_with_a_typo(client, roadmap):
    assert "Linear Regression" in hits(client.get(URL, {"q": "regresion"}), "topics")
    assert "Python fundamentals" in hits(client.get(URL, {"q": "pyton"}), "topics")


@postgres_only
def test_the_migration_enabled_pg_trgm():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)


def test_it_finds_the_start_of_a_word(client, roadmap):
    assert "PyTorch Essentials" in hits(client.get(URL, {"q": "pytorch ess"}), "topics")
    assert "Python fundamentals" in hits(client.get(URL, {"q": "py fundam"}), "topics")

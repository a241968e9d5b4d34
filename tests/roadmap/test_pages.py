"""The public pages: overview, phase pages, projects, appendix and the error pages.

Content checks compare the pages with the database loaded from the committed
fixture, so a title, link or level lost between the two fails here.
"""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import slugify

from roadmap import structure
from roadmap.models import (
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

PAGES = ["/", "/phases/prerequisites/", "/projects/", "/appendix/"]


class _Outline(HTMLParser):
    """Records, for every element with an id, how many <ul> it sits inside, and every <h2> id."""

    def __init__(self):
        super().__init__()
        self.ul_depth = 0
        self.depth_of = {}
        self.h2_ids = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul":
            self.ul_depth += 1
        if tag == "span" and attrs.get("class") == "anchor-alias":
            self.depth_of[attrs["id"]] = self.ul_depth
        if tag == "h2" and "id" in attrs:
            self.h2_ids.append(attrs["id"])

    def handle_endtag(self, tag):
        if tag == "ul":
            self.ul_depth -= 1


def _outline(response):
    parser = _Outline()
    parser.feed(response.content.decode())
    return parser


def _text(response):
    """The page as a reader sees it: tags dropped, whitespace collapsed."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return unescape(re.sub(r"\s+", " ", text)).strip()


# Every page


@pytest.mark.parametrize("url", PAGES)
def test_it_shows_each_page_to_anonymous_visitors(client, roadmap, url):
    response = client.get(url)
    html = response.content.decode()

    assert response.status_code == 200
    assert html.count("<h1") == 1
    # Within the content security policy: no inline styles, nothing from other hosts.
    assert " style=" not in html
    assert "<style" not in html
    for tag in re.findall(r"<(?:script|link|img)\b[^>]*>", html):
        assert "://" not in tag, f"{tag} loads something from another host"
    for script in re.findall(r"<script\b[^>]*>", html):
        assert "nonce=" in script or "src=" in script


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_it_rejects_post(client, url):
    assert client.post(url).status_code == 405


@pytest.mark.parametrize(
    ("url", "label"),
    [("/", "Roadmap"), ("/projects/", "Projects"), ("/appendix/", "Resources")],
)
def test_it_marks_the_current_page_in_the_nav(client, roadmap, url, label):
    html = client.get(url).content.decode()

    assert re.search(rf'aria-current="page">{label}</a>', html)
    assert html.count('aria-current="page"') == 1


def test_it_marks_roadmap_as_the_current_area_on_a_phase_page(client, roadmap):
    html = client.get("/phases/deep-learning/").content.decode()

    assert 'aria-current="true">Roadmap</a>' in html


# Overview


def test_it_shows_the_roadmap_at_a_glance(client, roadmap):
    response = client.get("/")
    text = _text(response)

    assert "AI & Machine Learning Roadmap 2025" in text
    assert "From fundamentals to production AI systems - becoming an AI/ML engineer" in text
    assert "This roadmap focuses on" in text
    assert "AI Engineer / ML Engineer" in text
    assert "The most in-demand role that builds practical AI systems" in text
    assert "Last updated: January 2025" in text
    assert f'href="{reverse("progress:projects")}"' in response.content.decode()
    assert f'href="{reverse("roadmap:appendix")}"' in response.content.decode()


def test_it_lists_every_phase_with_its_duration_and_size(client, roadmap):
    response = client.get("/")
    text = _text(response)

    for phase in Phase.objects.all():
        assert f'href="{phase.get_absolute_url()}"' in response.content.decode()
        assert f"Phase {phase.number}" in text
        assert phase.title in text
        sections = Section.objects.filter(phase=phase).count()
        leaves = Topic.objects.leaves().filter(section__phase=phase).count()
        resources = Resource.objects.filter(section__phase=phase).count()
        size = f"{sections} section{'s' * (sections != 1)} {leaves} topics to learn {resources} resources"
        assert re.search(re.escape(phase.title) + r".{0,400}" + re.escape(size), text)
    assert "2-3 months" in text
    assert "Choose Your Path" in text
    # Prerequisites: 3 sections, 25 topics to learn (7 + 13 + 5 leaves), 10 resources.
    assert re.search(r"Prerequisites.{0,400}3 sections 25 topics to learn 10 resources", text)


def test_it_marks_the_career_paths_the_roadmap_focuses_on(client, roadmap):
    html = client.get("/").content.decode()

    items = re.findall(r'<li class="career( career--focus)?">(.*?)</li>', html, re.S)
    assert len(items) == 7
    focused = sorted(re.search(r"career__title\">(.*?)<", body).group(1) for focus, body in items if focus)
    assert focused == ["AI Engineer", "ML Engineer"]
    assert "Career Paths in AI" in html


def test_it_shows_the_timeline_with_links_to_its_phases(client, roadmap):
    html = client.get("/").content.decode()

    for entry in TimelineEntry.objects.prefetch_related("phases"):
        item = re.search(rf"{re.escape(entry.label)}</span>(.*?)</li>\s*</ul>", html, re.S)
        assert item, entry.label
        assert escape(entry.description) in item.group(1)
        for phase in entry.phases.all():
            assert f'href="{phase.get_absolute_url()}"' in item.group(1)
    finishing = re.search(r"Month 11-12</span>(.*?)</ul>", html, re.S).group(1)
    assert "/phases/fine-tuning-training/" in finishing
    assert "/phases/mlops-production/" in finishing


@pytest.mark.django_db
def test_it_says_the_roadmap_is_not_loaded_yet(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "not loaded yet" in response.content.decode()


# Phase pages


def test_it_shows_every_topic_across_the_phase_pages(client, roadmap):
    pages = {phase.pk: client.get(phase.get_absolute_url()).content.decode() for phase in Phase.objects.all()}

    topics = Topic.objects.select_related("section")
    assert topics.count() == 238
    for topic in topics:
        html = pages[topic.section.phase_id]
        assert f'id="topic-{topic.pk}"' in html
        assert escape(topic.title) in html


def test_it_nests_every_topic_at_its_depth(client, roadmap):
    depths = {}
    for phase in Phase.objects.all():
        depths |= _outline(client.get(phase.get_absolute_url())).depth_of

    for topic in Topic.objects.exclude(parent=None):
        assert depths[f"topic-{topic.pk}"] == topic.depth, topic.key
    deepest = Topic.objects.get(title="Vectors & matrices")
    assert deepest.depth == 2
    assert depths[f"topic-{deepest.pk}"] == 2


def test_it_shows_each_tree_root_as_a_heading(client, roadmap):
    html = client.get("/phases/machine-learning-fundamentals/").content.decode()

    for title in ["Supervised Learning", "Unsupervised Learning", "End-to-End ML Process"]:
        assert re.search(rf'<h3 class="tree__title" id="{slugify(title)}">{title}</h3>', html)


def test_it_anchors_every_topic_at_its_slug_once_per_page(client, roadmap):
    for phase in Phase.objects.all():
        html = client.get(phase.get_absolute_url()).content.decode()
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
        for topic in Topic.objects.filter(section__phase=phase):
            # The slug, or (where the page has that id already) the parent's slug before it.
            assert re.search(rf'id="([a-z0-9-]+-)?{topic.slug}"', html), topic.key


def test_it_disambiguates_a_repeated_slug_with_its_parents(client, roadmap):
    html = client.get("/phases/machine-learning-fundamentals/").content.decode()
    assert html.count('id="feature-engineering"') == 1
    assert 'id="end-to-end-ml-process-feature-engineering"' in html
    # A topic named like a section of its page gives the section its id.
    html = client.get("/phases/large-language-models/").content.decode()
    assert '<h2 class="phase-section__title" id="prompt-engineering">' in html
    assert 'id="llm-fundamentals-prompt-engineering"' in html


def test_old_topic_links_still_land_on_their_topic(client, roadmap):
    topic = Topic.objects.get(title="Type hints")
    html = client.get(topic.section.phase.get_absolute_url()).content.decode()
    assert re.search(
        rf'<li class="topic" id="type-hints"><span class="anchor-alias" id="topic-{topic.pk}">', html
    )


def test_it_links_every_resource(client, roadmap):
    pages = {phase.pk: client.get(phase.get_absolute_url()).content.decode() for phase in Phase.objects.all()}

    resources = Resource.objects.select_related("section")
    assert resources.count() == 67
    for resource in resources.exclude(url=""):
        html = pages[resource.section.phase_id]
        assert f'href="{escape(resource.url)}"' in html
        assert escape(resource.title) in html
        assert escape(resource.get_kind_display()) in html


def test_it_shows_the_publisher_of_a_resource_without_link(client, roadmap):
    html = client.get("/phases/prerequisites/").content.decode()

    item = re.search(r"<li class=\"resource\"[^>]*>((?:(?!</li>).)*Fluent Python.*?)</li>", html, re.S).group(
        1
    )
    assert "O&#x27;Reilly" in item
    assert "<a " not in item
    assert ">Book<" in item


def test_it_lists_the_sections_with_anchors(client, roadmap):
    response = client.get("/phases/prerequisites/")
    html = response.content.decode()

    slugs = list(
        Section.objects.filter(phase__slug="prerequisites").order_by("order").values_list("slug", flat=True)
    )
    assert _outline(response).h2_ids == ["toc-title", "resource-filter-title", *slugs]
    for slug in slugs:
        assert f'href="#{slug}"' in html


def test_it_shows_the_phase_heading_duration_and_neighbours(client, roadmap):
    html = client.get("/phases/deep-learning/").content.decode()
    text = _text(client.get("/phases/deep-learning/"))

    assert "<h1>Deep Learning</h1>" in html
    assert "Phase 3" in text
    assert "2-3 months" in text
    assert 'href="/phases/machine-learning-fundamentals/" rel="prev"' in html
    assert 'href="/phases/large-language-models/" rel="next"' in html


def test_it_shows_the_note_for_a_phase_without_duration(client, roadmap):
    html = client.get("/phases/specialized-areas/").content.decode()

    assert "Choose Your Path" in html
    assert 'rel="prev"' in html
    assert 'rel="next"' not in html


def test_it_has_no_previous_link_on_the_first_phase(client, roadmap):
    html = client.get("/phases/prerequisites/").content.decode()

    assert 'rel="prev"' not in html
    assert 'href="/phases/machine-learning-fundamentals/" rel="next"' in html


def test_it_answers_404_with_its_own_page_for_an_unknown_phase(client, roadmap):
    response = client.get("/phases/no-such-phase/")

    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    assert "Page not found" in response.content.decode()
    assert reverse("progress:overview") in response.content.decode()


# Projects


def test_it_groups_the_projects_by_level(client, roadmap):
    html = client.get("/projects/").content.decode()

    headings = [m.start() for m in re.finditer(r'<h2 class="level__title"', html)]
    assert len(headings) == 3
    assert re.findall(r'<h2 class="level__title"[^>]*>(\w+)', html) == [
        "Beginner",
        "Intermediate",
        "Advanced",
    ]
    bounds = [*headings, len(html)]
    projects = ProjectIdea.objects.all()
    assert projects.count() == 14
    order = [ProjectIdea.Level.BEGINNER, ProjectIdea.Level.INTERMEDIATE, ProjectIdea.Level.ADVANCED]
    for project in projects:
        group = order.index(project.level)
        position = html.index(escape(project.title))
        assert bounds[group] < position < bounds[group + 1], project.title


# Appendix


def test_it_shows_the_tools_under_their_own_column_headings(client, roadmap):
    html = client.get("/appendix/").content.decode()

    for category in ToolCategory.objects.prefetch_related("tools"):
        table = re.search(rf"{re.escape(escape(category.title))}</h3>(.*?)</table>", html, re.S).group(1)
        assert f'<th scope="col">{category.name_heading}</th>' in table
        assert f'<th scope="col">{category.description_heading}</th>' in table
        for tool in category.tools.all():
            assert escape(tool.name) in table
            assert escape(tool.description) in table
    assert Tool.objects.count() == 16


def test_it_shows_every_appendix_item(client, roadmap):
    response = client.get("/appendix/")
    html = response.content.decode()

    for community in Community.objects.all():
        assert f'<a href="{escape(community.url)}">{escape(community.name)}</a>' in html
    for channel in Channel.objects.all():
        assert escape(channel.name) in html
        assert escape(channel.description) in html
    principles = re.search(r'<ol class="principles"(.*?)</ol>', html, re.S).group(1)
    positions = [principles.index(escape(p.title)) for p in Principle.objects.order_by("order")]
    assert positions == sorted(positions)
    assert len(positions) == 7
    for principle in Principle.objects.all():
        assert escape(principle.description) in principles
    for skill in HumanSkill.objects.all():
        assert escape(skill.title) in html
    assert HumanSkill.objects.count() == 8
    for heading in [
        "Key AI Principles for 2025",
        "What AI Can&#x27;t Replace (Your Moat)",
        "Human Skills That Matter",
    ]:
        assert heading in html


# Error pages


@pytest.mark.django_db
def test_it_answers_404_with_its_own_page_for_an_unknown_url(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/projects/", "/appendix/", "/phases/prerequisites/"])
def test_it_answers_404_before_a_roadmap_is_loaded(client, url):
    assert client.get(url).status_code == 404


def test_it_renders_the_500_page_without_a_request():
    html = render_to_string("500.html")

    assert "Something went wrong" in html
    assert "css/site.css" in html


# Query counts: fixed, whatever the amount of content


def _grow(roadmap):
    """Add a phase's worth of extra sections, topics, resources and appendix rows."""
    phase = Phase.objects.get(slug="prerequisites")
    last = Phase.objects.order_by("-number").first()
    extra = Phase.objects.create(
        roadmap=roadmap, number=last.number + 1, slug="extra", title="Extra", key="x/extra"
    )
    for n in range(5):
        section = Section.objects.create(
            phase=phase, slug=f"extra-{n}", title=f"Extra {n}", key=f"x/s{n}", order=10 + n
        )
        root = Topic.objects.create(section=section, slug="root", title="Root", key=f"x/s{n}/root")
        for m in range(10):
            child = Topic.objects.create(
                section=section, parent=root, slug=f"t{m}", title=f"T{m}", key=f"x/s{n}/root/t{m}", order=m
            )
            Topic.objects.create(
                section=section, parent=child, slug="leaf", title="Leaf", key=f"x/s{n}/root/t{m}/leaf"
            )
        Resource.objects.create(section=section, kind="book", title="B", publisher="P", key=f"x/s{n}/r")
    timeline = TimelineEntry.objects.create(roadmap=roadmap, label="Later", description="More", key="x/tl")
    timeline.phases.add(phase, extra)
    category = ToolCategory.objects.create(roadmap=roadmap, title="More tools", key="x/tc")
    for n in range(5):
        Tool.objects.create(category=category, name=f"Tool {n}", key=f"x/tc/{n}")
        ProjectIdea.objects.create(roadmap=roadmap, level="advanced", title=f"P{n}", key=f"x/p{n}")
        Community.objects.create(roadmap=roadmap, name=f"C{n}", url="https://example.com", key=f"x/c{n}")
        Channel.objects.create(roadmap=roadmap, name=f"Ch{n}", key=f"x/ch{n}")
        Principle.objects.create(roadmap=roadmap, title=f"Pr{n}", key=f"x/pr{n}")
        HumanSkill.objects.create(roadmap=roadmap, title=f"H{n}", key=f"x/h{n}")


@pytest.mark.parametrize("url", PAGES)
def test_a_page_costs_one_query_once_the_content_is_cached(client, roadmap, django_assert_num_queries, url):
    client.get(url)  # the first request after a change builds the structure
    with django_assert_num_queries(1):  # the content version
        assert client.get(url).status_code == 200

    _grow(roadmap)
    client.get(url)

    with django_assert_num_queries(1):
        response = client.get(url)
    assert response.status_code == 200
    if url == "/phases/prerequisites/":
        assert response.content.decode().count('class="topic') >= 100 + 25


def test_building_the_content_costs_the_same_queries_however_large_it_is(roadmap):
    def build_queries():
        with CaptureQueriesContext(connection) as queries:
            structure.build("measuring")
        return len(queries)

    before = build_queries()
    _grow(roadmap)
    assert build_queries() == before


def test_it_counts_sizes_per_phase_without_inflating_them(client, roadmap):
    phases = {phase.slug: phase for phase in Roadmap.objects.current().phases.with_sizes()}

    assert (phases["prerequisites"].section_count, phases["prerequisites"].topic_count) == (3, 25)
    assert phases["prerequisites"].resource_count == 10
    assert (
        phases["machine-learning-fundamentals"].topic_count,
        phases["machine-learning-fundamentals"].resource_count,
    ) == (29, 6)
    assert sum(phase.topic_count for phase in phases.values()) == 199
    assert sum(phase.resource_count for phase in phases.values()) == 67


@pytest.mark.parametrize(
    "url",
    [*PAGES, "/phases/specialized-areas/", "/search/?q=linear", "/accounts/login/", "/accounts/signup/"],
)
def test_every_public_page_describes_itself_to_search_engines_and_link_previews(client, roadmap, url):
    html = client.get(url).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    description = re.search(r'<meta name="description" content="([^"]+)">', html).group(1)
    assert 50 <= len(unescape(description)) <= 300, description
    assert f'<meta property="og:title" content="{title}">' in html
    assert f'<meta property="og:description" content="{description}">' in html


def test_each_phase_has_a_description_of_its_own(client, roadmap):
    descriptions = {
        re.search(
            r'<meta name="description" content="([^"]+)">', client.get(phase.get_absolute_url()).text
        ).group(1)
        for phase in Phase.objects.all()
    }
    assert len(descriptions) == Phase.objects.count()


def test_a_phase_page_invites_visitors_to_sign_up_and_not_learners(client, learner, roadmap):
    html = client.get("/phases/prerequisites/").content.decode()
    assert '<a href="/accounts/signup/">Sign up</a>, free, to mark the topics you learn' in html
    assert 'href="/accounts/login/?next=/phases/prerequisites/"' in html
    client.force_login(learner)
    assert "free, to mark the topics" not in client.get("/phases/prerequisites/").content.decode()

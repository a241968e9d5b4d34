"""Editors' Markdown as the site shows it: rendered, then sanitized so nothing typed can run or break the CSP."""

import pytest

from roadmap.prose import render


def test_it_renders_markdown():
    html = render("Some **bold**, *emphasis* and `code`.\n\n- one\n- two", heading_level=4)
    assert html == (
        "<p>Some <strong>bold</strong>, <em>emphasis</em> and <code>code</code>.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>"
    )


def test_it_renders_nothing_for_blank_text():
    assert render("  \n ") == ""


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        "<style>body{display:none}</style>",
    ],
)
def test_it_shows_raw_html_as_text(typed):
    html = render(typed)
    assert "<script" not in html and "<img" not in html and "<iframe" not in html and "<style" not in html
    assert "&lt;" in html  # shown, not run


@pytest.mark.parametrize(
    "typed",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "<javascript:alert(1)>",
    ],
)
def test_it_never_links_to_script(typed):
    html = render(typed)
    assert "<a" not in html and "href" not in html  # the text may stay, as text


def test_it_keeps_web_links_and_marks_them():
    html = render(
        "[docs](https://docs.python.org/3/) and [mail](mailto:team@example.com) and [here](/phases/x/)"
    )
    assert '<a href="https://docs.python.org/3/" rel="nofollow noopener noreferrer">docs</a>' in html
    assert '<a href="mailto:team@example.com" rel="nofollow noopener noreferrer">mail</a>' in html
    assert '<a href="/phases/x/" rel="nofollow noopener noreferrer">here</a>' in html


def test_it_leaves_no_style_or_event_attribute():
    html = render("| a | b |\n|:--|--:|\n| 1 | 2 |")  # alignment would be style="text-align:..."
    assert "<table>" in html
    assert "style" not in html and "on" not in html.replace("<thead>", "")


def test_it_shows_no_image_from_anywhere():
    html = render("![a chart](https://tracker.example/pixel.png)")
    assert "<img" not in html


def test_it_starts_headings_below_the_page_s_own():
    html = render("# Why\n\n## How\n\n###### Deep", heading_level=4)
    assert "<h4>Why</h4>" in html and "<h5>How</h5>" in html and "<h6>Deep</h6>" in html
    assert "<h1>" not in html

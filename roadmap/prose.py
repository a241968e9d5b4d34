"""Editors' Markdown (topic descriptions, project briefs) as HTML that is safe to show.

No Django here. Two maintained libraries, each doing one half:

- markdown-it-py turns Markdown into HTML (CommonMark, plus tables and
  strikethrough), with raw HTML switched off: `<script>` typed into a
  description shows as text. Images are off too: an image from another host
  would break the site's Content Security Policy and tell that host who reads.
- nh3 (the Ammonia sanitizer) then keeps only the tags and attributes listed
  below, whatever the first half let through: links only to http, https and
  mailto addresses (never `javascript:`), no `style` or event attributes, so
  nothing an editor types can run script or trip the CSP, and every link gets
  rel="nofollow noopener noreferrer".

Headings start at `heading_level` (an editor's "#" is the page's h4 under a
topic), so the page's outline stays right. Rendering happens once per content
version, when `roadmap.structure` builds its nodes, never per request.
"""

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer"

_markdown = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(
    ["table", "strikethrough", "replacements", "smartquotes"]
)
_markdown.disable("image")


def render(text: str, *, heading_level: int = 3) -> str:
    """`text` (Markdown) as sanitized HTML; "" for blank text. "#" becomes `heading_level` (2 to 6)."""
    if not text.strip():
        return ""
    tokens = _markdown.parse(text)
    for token in tokens:
        if token.type in {"heading_open", "heading_close"}:
            level = int(token.tag[1]) + heading_level - 1
            token.tag = f"h{min(max(level, 2), 6)}"
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()

"""Markdown written by people, rendered to HTML that is safe to show (markdown-it-py, then nh3)."""
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "a", "h2", "h3", "h4",
                "table", "thead", "tbody", "tr", "th", "td", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render(text):
    """Markdown → sanitised HTML (links get rel=noopener nofollow; no script, style or raw HTML)."""
    return _rendered(text or "")


# The same description or lesson is shown on every visit; its HTML depends on the text alone.
@lru_cache(maxsize=512)
def _rendered(text):
    html = _md.render(text)
    # Headings start at h2: the page's own title is the only h1.
    for level in (3, 2, 1):  # deepest first, so a heading moves down exactly one level
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(f"</h{level}>", f"</h{level + 1}>")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel="noopener nofollow ugc",
                      url_schemes={"http", "https", "mailto"})
    return Markup(clean)

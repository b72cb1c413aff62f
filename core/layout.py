"""The site frame's links (menu, account bar, footer, language switch), built once per script root.

Every page draws some twenty of them, and url_for costs a route build each time for an answer
that is the same on every request under one SCRIPT_NAME (the site mounted at / or at /layanan).
So a link is built the first time a page under that script root asks for it, and reused; the
template still names each endpoint, so the frame's menu stays in base.html and core knows no pillar.
The forms in the frame (language switch, log out) are plain HTML with `csrf_token()`: no form
object is built for them.
"""
from urllib.parse import urlencode

from flask import current_app, has_request_context, request, url_for

# The characters werkzeug leaves unquoted in a query string (werkzeug.urls._urlencode), so the
# language switch's `next` reads as url_for would write it.
_QUERY_SAFE = "!$'()*,/:;?@"


class FrameLinks(dict):
    """{(endpoint, values): path} for one script root; a missing link is built once by url_for."""

    def __missing__(self, key):
        endpoint, values = key
        self[key] = link = url_for(endpoint, **dict(values))
        return link

    def to(self, endpoint, **values):
        """The path of `endpoint` with these path `values`, as url_for gives it (no query string)."""
        return self[endpoint, tuple(sorted(values.items()))]

    def kept(self, name, build):
        """`build()`'s answer, asked once: markup made of links alone (Bootstrap's CSS and JS tags)."""
        key = ("kept", name)
        if key not in self:
            self[key] = build()
        return self[key]

    def language_switch(self, language):
        """Where the language switch posts to choose `language`, coming back to this page after."""
        return self.to("core.set_language", lang=language) + "?" + urlencode(
            [("next", request.full_path)], safe=_QUERY_SAFE)


def frame_links():
    """The frame's links for the current request's script root (one FrameLinks per app and root)."""
    by_root = current_app.extensions.setdefault("frame_links", {})
    root = request.script_root
    try:
        return by_root[root]
    except KeyError:
        by_root[root] = links = FrameLinks()
        return links


def init_app(app):
    @app.context_processor
    def _frame():
        # E-mails rendered by the worker have no request, and no frame.
        return {"frame": frame_links()} if has_request_context() else {}

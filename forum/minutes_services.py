"""Berita acara and follow-up actions (being written)."""


def trail_for_input(forum_input):
    """The input's whole trail as a list of steps: input → response → agreement → action → done.

    Each step: {"kind": str, "at": datetime | date | None, "label": str, "text": str | None,
    "url": str | None}. Rendered by templates/forum/_trail.html.
    """
    return []

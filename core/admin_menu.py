"""The admin area's menu: whoever owns a page (core or a pillar) adds its entry where the page is.

Each entry shows to those its permission rule allows, in its stated order.
"""
from .registry import Registry

ENTRIES = Registry("admin menu entry")


def add(endpoint, label, action, *, order):
    """Link `endpoint` as `label` (a lazy string) for those `action` allows; lower orders first."""
    ENTRIES.add(endpoint, (label, action), order=order)


def entries():
    """(endpoint, label, action) of every entry, in order; the template shows those `can(action)`."""
    return [(endpoint, label, action) for endpoint, (label, action) in ENTRIES.items()]

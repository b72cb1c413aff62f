"""Every state change of the forum, gathered from the concern modules (see forum/__init__.py)."""

"""Admin page for the outbox: pending and failed messages, retry."""
from . import admin_bp as bp  # noqa: F401

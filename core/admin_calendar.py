"""Admin page for the working-day calendar (extra holidays and working-day exceptions)."""
from . import admin_bp as bp  # noqa: F401

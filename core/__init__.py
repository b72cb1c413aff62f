"""What the pillars share: extensions, permissions, audit log, mail, outbox, calendar, errors,
the site frame, and the admin area (each pillar adds its own admin pages to `admin_bp`)."""
from flask import Blueprint

bp = Blueprint("core", __name__)
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import admin_calendar, admin_outbox, audit_labels, openapi, views  # noqa: E402,F401

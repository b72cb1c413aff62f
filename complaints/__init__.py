"""Pengaduan: intake, tracking code, working-day SLA, escalation to SP4N-LAPOR!."""
from flask import Blueprint

bp = Blueprint("complaints", __name__, url_prefix="/pengaduan")
api_bp = Blueprint("complaints_api", __name__, url_prefix="/api/v1")

from . import accompaniment_views, api, audit_labels, public_list_views, views  # noqa: E402,F401
# What core calls without knowing complaints: outbox answers, calendar changes, sweeps, the demo.
from . import demo, handlers, sweeps  # noqa: E402,F401

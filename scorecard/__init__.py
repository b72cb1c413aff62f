"""Rapor pelayanan publik: every unit's performance in public, computed from the other pillars.

measures.py (the registry: what each measure counts and how it is scored), aggregates.py (daily,
monthly and snapshot figures, refreshed incrementally by the worker), score.py (points, weights,
zones), periods.py (the period a page shows), services.py (what pages and other parts read; the
admins' settings), views.py and admin_views.py (the pages), open_data.py and api.py (the
figures as CSV and JSON, and the data dictionary), cli.py (`flask scorecard ...`).
It reads the other pillars' records and never changes them.
"""
from flask import Blueprint

from core import permissions

bp = Blueprint("scorecard", __name__, url_prefix="/rapor")
api_bp = Blueprint("scorecard_api", __name__, url_prefix="/api/v1")  # open data as JSON (api.py)


@permissions.rule("scorecard.configure")
def _configure(user, obj):
    """Thresholds, weights, minimums and zone edges of the score: admins."""
    return permissions.is_admin(user)


@permissions.rule("scorecard.follow")
def _follow(user, unit):
    """Following a unit ("Pantau unit"): anyone signed in with an active account."""
    return bool(user is not None and user.is_authenticated and user.is_active)


from . import admin_views, api, audit_labels, display, follow_views, views  # noqa: E402,F401
# What core calls without knowing the scorecard: the worker's refresh and weekly digest, the demo step.
from . import aggregates, demo, follow_services  # noqa: E402,F401

"""Pengaduan: intake, tracking code, working-day SLA, escalation to SP4N-LAPOR!."""
from flask import Blueprint

bp = Blueprint("complaints", __name__, url_prefix="/pengaduan")

from . import views  # noqa: E402,F401

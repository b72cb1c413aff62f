"""Forum Konsultasi Publik (FKP): consultations, input threads, berita acara, follow-up.

One module per concern: consultations (and participants), threads (inputs, replies, supports,
official responses, moderation), minutes (berita acara and follow-up actions), notices (follows,
e-mail notices, idle units), search and feed. Each has its *_services.py (every state change),
*_forms.py and *_views.py; `forum.services` gathers the service functions in one place.
"""
from flask import Blueprint

bp = Blueprint("forum", __name__, url_prefix="/forum")

from . import audit_labels, consultation_views, minutes_views, notice_views, thread_views  # noqa: E402,F401
# What core calls without knowing the forum: calendar changes, the closing sweep, search tables, the demo.
from . import calendar_handlers, consultation_services, demo, search  # noqa: E402,F401

"""Forum Konsultasi Publik (FKP): consultations, inputs and replies, minutes, follow-up.

One module per concern: consultations (and participants), inputs (inputs, replies, supports,
official responses, moderation), minutes (the berita acara, follow-up actions), notices (follows,
e-mail notices, idle units), search and feed. Each has its *_services.py (every state change),
*_forms.py and *_views.py; `forum.services` gathers the service functions in one place.

One English name per thing in code (the interface keeps the Indonesian words): an *input*
(masukan, `ForumInput`) and its *replies* (balasan, `ForumReply`); a *post* is either of them;
the *minutes* (berita acara, `Minutes`) of a consultation's meeting. Stored strings keep the old
words: the audit codes "forum.thread_locked" and "berita_acara.*", the table "berita_acara" and
its column `Agreement.berita_acara_id`, and the type "beritaacara" audit and outbox rows name.
"""
from flask import Blueprint

bp = Blueprint("forum", __name__, url_prefix="/forum")

from . import audit_labels, consultation_views, input_views, minutes_views, notice_views  # noqa: E402,F401
# What core calls without knowing the forum: calendar changes, the closing sweep, search tables, the demo.
from . import calendar_handlers, consultation_services, demo, search  # noqa: E402,F401

"""Keeping a complaint off its unit's public list, and putting it back (complaints/public_list.py).

Moderators decide it (the rule "complaint.moderate"), not the unit whose complaints the list
shows. The reason is for staff: it goes to the complaint's internal timeline and the audit log,
never to the public page. Each function commits once.
"""

from core import clock, permissions
from core.errors import DomainError
from core.extensions import db
from core.i18n import gettext as _

from .models import REJECTED
from .services import _event, _staff_audit

REASON_MAX = 2000


def hide_from_public_list(actor, complaint, *, reason, now=None):
    """Keep a complaint off the public list, with a reason (e.g. the text names a person)."""
    permissions.require(actor, "complaint.moderate", complaint)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Tuliskan alasan mengeluarkan pengaduan ini dari daftar publik."), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_("Paling banyak %(max)d karakter.", max=REASON_MAX), field="reason")
    if complaint.public_list_hidden_at is not None:
        raise DomainError(_("Pengaduan ini sudah dikeluarkan dari daftar publik."))
    if complaint.confidential or complaint.status == REJECTED:
        raise DomainError(_("Pengaduan rahasia atau yang ditolak memang tidak pernah tampil di daftar publik."))
    now = now or clock.now()
    complaint.public_list_hidden_at, complaint.public_list_hidden_reason = now, reason
    _event(complaint, actor, "public_list_hidden", now=now, message=reason, public=False)
    _staff_audit(actor, "complaint.public_list_hidden", complaint, now, reason=reason)
    db.session.commit()


def show_on_public_list(actor, complaint, *, note=None, now=None):
    """Put a complaint a moderator kept off the public list back on it (listed again when verified and not rahasia)."""
    permissions.require(actor, "complaint.moderate", complaint)
    if complaint.public_list_hidden_at is None:
        raise DomainError(_("Pengaduan ini tidak sedang dikeluarkan dari daftar publik."))
    note = (note or "").strip() or None
    if note and len(note) > REASON_MAX:
        raise DomainError(_("Paling banyak %(max)d karakter.", max=REASON_MAX), field="note")
    now = now or clock.now()
    previous = complaint.public_list_hidden_reason
    complaint.public_list_hidden_at = complaint.public_list_hidden_reason = None
    _event(complaint, actor, "public_list_shown", now=now, message=note, public=False)
    _staff_audit(actor, "complaint.public_list_shown", complaint, now, note=note, previous_reason=previous)
    db.session.commit()

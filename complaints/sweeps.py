"""The periodic work on complaints: escalation, reminders, auto-close, forgetting old idempotency keys,
erasing reporters' identities once their retention ends.

Run by `flask complaints escalate` and by the worker (`run_all`). Each sweep finds its rows
through an index on exactly what it filters by, so its cost follows the number of complaints
that need work, not the total. Rows are taken with SELECT ... FOR UPDATE SKIP LOCKED, so several
workers can sweep at once on PostgreSQL; each change is also a compare-and-set, so a complaint is
forwarded, reminded or closed once even where row locks do not exist (SQLite).
"""
from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import delete, select

from core import clock, worker
from core.extensions import db
from core.i18n import lazy_gettext as _l
from core.permissions import SYSTEM
from core.web import with_links

from . import services
from .models import CLOSED, OPEN_STATUSES, REJECTED, RESOLVED, Complaint, IdempotencyKey

BATCH = 200


def _in_batches(query, work):
    """Take due rows in locked batches and run `work(id)` on each; returns how many it did."""
    done = 0
    while True:
        ids = db.session.scalars(query.limit(BATCH).with_for_update(skip_locked=True, of=Complaint)).all()
        if not ids:
            db.session.rollback()
            return done
        for complaint_id in ids:
            done += work(complaint_id)
        db.session.commit()
        if len(ids) < BATCH:
            return done


@with_links
def escalate(*, now=None):
    """Forward every open, unforwarded, overdue complaint to the national system, once, in batches."""
    now = now or clock.now()
    forwarded = 0
    while True:
        selected, done = services.forward_overdue(now=now, limit=BATCH)
        forwarded += done
        if selected < BATCH:
            return forwarded


@with_links
def send_reminders(*, now=None):
    """One working day before a complaint falls due, tell its unit's handlers and the moderators."""
    now = now or clock.now()

    def remind(complaint_id):
        won = db.session.execute(
            Complaint.__table__.update()
            .where(Complaint.id == complaint_id, Complaint.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now)).rowcount == 1
        if not won:
            return 0
        complaint = db.session.get(Complaint, complaint_id)
        db.session.refresh(complaint)
        people = {p.id: p for p in services.unit_handlers(complaint.unit_id) + services.moderators()}
        services._notify_staff(
            complaint, people.values(), _l("Pengingat: pengaduan %(code)s jatuh tempo besok",
                                           code=complaint.tracking_code),
            "complaint_reminder", key_prefix=f"reminder:{complaint.id}:{complaint.due_at.isoformat()}")
        services._event(complaint, SYSTEM, "reminder_sent", now=now, public=False)
        return 1
    return _in_batches(select(Complaint.id).where(
        Complaint.reminder_sent_at.is_(None), Complaint.status.in_(OPEN_STATUSES),
        Complaint.remind_at <= now, Complaint.due_at > now).order_by(Complaint.due_at, Complaint.id), remind)


@with_links
def autoclose(*, now=None):
    """Close resolved complaints whose reporter did not answer in time."""
    now = now or clock.now()

    def close(complaint_id):
        complaint = db.session.get(Complaint, complaint_id)
        if complaint.status != RESOLVED:
            return 0
        services.auto_close(complaint, now=now)
        return 1
    return _in_batches(select(Complaint.id).where(Complaint.status == RESOLVED, Complaint.autoclose_at <= now)
                       .order_by(Complaint.autoclose_at, Complaint.id), close)


@with_links
def forget_idempotency_keys(*, now=None):
    """Keys protect a retry for IDEMPOTENCY_KEY_LIFETIME; then they go (with the reporter link they kept)."""
    cutoff = (now or clock.now()) - services.IDEMPOTENCY_KEY_LIFETIME
    removed = db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff)).rowcount
    db.session.commit()
    return removed


def retention_cutoff(now):
    """Complaints finished before this moment have kept their reporter's identity long enough."""
    return now - relativedelta(months=services.retention_months())


@worker.sweep(order=50)
def erase_expired_identities(*, now=None):
    """Erase the reporter's name, e-mail, phone and link of complaints closed or rejected more than
    COMPLAINT_IDENTITY_RETENTION_MONTHS ago (exactly that long ago: kept, one moment more: erased)."""
    now = now or clock.now()

    def erase(complaint_id):
        complaint = db.session.get(Complaint, complaint_id)
        return 1 if services.erase_reporter_identity(complaint, now=now) else 0
    return _in_batches(select(Complaint.id).where(
        Complaint.identity_erased_at.is_(None), Complaint.status.in_((CLOSED, REJECTED)),
        Complaint.closed_at < retention_cutoff(now)).order_by(Complaint.closed_at, Complaint.id), erase)


@worker.sweep(order=10)
def run_all(*, now=None):
    """Every sweep once, as the worker runs them each minute."""
    now = now or clock.now()
    counts = {"forwarded": escalate(now=now), "reminded": send_reminders(now=now), "closed": autoclose(now=now),
              "keys_forgotten": forget_idempotency_keys(now=now)}
    if any(counts.values()):
        current_app.logger.info("complaint sweeps: %s", counts)
    return counts

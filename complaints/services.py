"""Every change to a complaint: one function per transition.

Each function checks the permission and the rule, writes the change, its timeline event (and the
audit event for staff actions), queues its e-mails and forward messages in the outbox, and
commits once. A forbidden transition raises NotAllowed or DomainError with a sentence for the
person; nothing is written then.
"""
import hashlib
import hmac
import json
import secrets
import uuid
from datetime import timedelta
from types import SimpleNamespace

from flask import current_app, url_for
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, joinedload, selectinload

from accounts.models import Unit, User
from core import audit, calendar, clock, encryption, outbox, permissions, uploads
from core.errors import DomainError, NotAllowed, NotFound
from core.extensions import db
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.mailer import is_plain, placeholders, render_email, render_emails_alike, send_email
from core.permissions import ADMIN, ASN, MODERATOR

from . import accompaniment_notices, visibility
from .models import (ACC_ACTIVE, AWAITING_REPORTER, CATEGORIES, CLASSIFICATIONS, CLOSED, FORWARD_MODERATOR,
                     IN_PROGRESS, OPEN_STATUSES, RECEIVED, REJECT_DUPLICATE, REJECT_NOT_AUTHORITY, REJECTED,
                     REJECTION_LABELS, RESOLVED, VERIFIED, Accompaniment, Complaint, ComplaintAttachment,
                     ComplaintEvent, IdempotencyKey)

__all__ = ["DomainError", "IdempotencyConflict", "NotAllowed", "NotFound"]


class IdempotencyConflict(DomainError):
    """The same Idempotency-Key came with another request body (the API answers 422)."""

    status_code = 422


CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648 base32
CODE_LENGTH = 12  # 60 random bits: unguessable, still readable over the phone


# --- lookups ----------------------------------------------------------------------------------

def new_tracking_code(moment):
    random_part = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"ADU-{clock.to_local(moment).year}-{random_part}"


def normalise_code(code):
    return (code or "").strip().upper().replace(" ", "")


def get_by_code(code, *options):
    """The complaint with this tracking code (loader `options` as for select().options()), or NotFound."""
    statement = select(Complaint).options(*options).where(Complaint.tracking_code == normalise_code(code))
    complaint = db.session.execute(statement).unique().scalar_one_or_none()  # unique(): joined collections
    if complaint is None:
        raise NotFound(_("Tidak ada pengaduan dengan kode itu. Periksa kembali kode pelacakan Anda."))
    return complaint


# The reporter's contact is stored encrypted and decrypted as a row is read: a page that does not
# show it leaves it unread.
WITHOUT_REPORTER_CONTACT = (defer(Complaint.reporter_name), defer(Complaint.reporter_email),
                            defer(Complaint.reporter_phone))


def get_public_by_code(code, *, linked=None):
    """The complaint with this tracking code as its public page shows it, in one statement: its unit
    and its whole timeline are read with it (the viewer's view filters the timeline), the
    reporter's contact is not read. `linked`: a model with a `complaint_id` whose row (or None) is
    read in the same statement (the forum input a complaint was made from); then the answer is
    (complaint, that row). NotFound when no complaint has the code."""
    entities = (Complaint,) if linked is None else (Complaint, linked)
    statement = select(*entities).options(*WITHOUT_REPORTER_CONTACT, joinedload(Complaint.unit),
                                          joinedload(Complaint.events))
    if linked is not None:
        statement = statement.outerjoin(linked, linked.complaint_id == Complaint.id)
    row = db.session.execute(statement.where(Complaint.tracking_code == normalise_code(code))).unique().first()
    if row is None:
        raise NotFound(_("Tidak ada pengaduan dengan kode itu. Periksa kembali kode pelacakan Anda."))
    return row[0] if linked is None else tuple(row)


def key_hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def reporter_key_matches(complaint, key):
    return bool(complaint.reporter_key_hash and key) and hmac.compare_digest(complaint.reporter_key_hash,
                                                                             key_hash(key))


def active_unit(unit_id, field="unit_id"):
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None or not unit.is_active:
        raise DomainError(_("Pilih unit yang masih aktif."), field=field)
    return unit


def active_units_for_api():
    return db.session.scalars(select(Unit).where(Unit.is_active.is_(True)).order_by(Unit.name)).all()


def sla_days():
    return current_app.config["COMPLAINT_SLA_WORKING_DAYS"]


# --- events, notices, forwarding ------------------------------------------------------------------

def _actor_role(actor):
    if isinstance(actor, permissions.ReporterPass):
        return "reporter"
    if actor is permissions.SYSTEM:
        return "system"
    return "staff" if actor.role in (MODERATOR, ADMIN, ASN) else "reporter"


def _event(complaint, actor, kind, *, now, message=None, public=True, role=None, **data):
    event = ComplaintEvent(complaint=complaint, created_at=now, kind=kind, public=public, message=message,
                           actor_id=getattr(actor, "id", None), actor_role=role or _actor_role(actor),
                           data={k: v for k, v in data.items() if v is not None})
    db.session.add(event)
    complaint.updated_at = now
    if complaint.forwarded_at is not None and kind not in ("forwarded", "national_tracking_id"):
        # The city keeps the case; the national system hears of every step it may see after forwarding.
        national = visibility.view_for(complaint, visibility.NATIONAL)
        if national.sees(event):
            db.session.flush()
            payload = forward_payload(complaint, event="update", step=kind, message=national.message(event))
            outbox.enqueue(outbox.FORWARD_UPDATE, key=f"forward-update:{event.id}", subject=complaint,
                           payload=payload, now=now)
    # An accompanying organisation's members hear of each step they may see.
    accompaniment_notices.tell_members_of_event(complaint, event, actor_id=getattr(actor, "id", None), now=now)
    return event


def forward_payload(complaint, *, event, step=None, reason=None, message=None):
    """What the national system receives: its view of the complaint (complaints.visibility), so
    never an anonymous reporter's identity nor a rahasia complaint's response."""
    view = visibility.view_for(complaint, visibility.NATIONAL)
    content = view.content
    payload = {
        "tracking_code": complaint.tracking_code,
        "event": event,
        "step": step,
        "reason": reason,
        "message": message,
        "city": current_app.config["CITY_NAME"],
        "status": complaint.status,
        "classification": complaint.classification,
        "category": complaint.category,
        "unit": complaint.unit.name if complaint.unit else None,
        "title": content["title"],
        "description": content["description"],
        "location": content["location"],
        "confidential": complaint.confidential,
        "anonymous": complaint.anonymous,
        "received_at": complaint.received_at.isoformat(),
        "due_at": complaint.due_at.isoformat(),
        "public_response": view.response,
    }
    identity = view.identity
    if identity is not None:
        # Sealed while the message waits in the outbox (the database); opened when it is sent.
        return encryption.seal(payload, reporter=identity)
    return payload


def _notify_reporter(complaint, subject, template, **context):
    email = _reporter_email(complaint, subject, template, **context)
    if email is not None:
        outbox.enqueue(email["kind"], key=email["key"], subject=complaint, payload=email["payload"])


def _reporter_emails(complaints, subject, template, *, each=None, **context):
    """_reporter_email for many complaints, as outbox messages. Their text differs only by the
    tracking code (and the link that carries it) and the values `each(complaint)` gives
    ({name: value}), so each language is rendered once (mailer.render_emails_alike); an e-mail
    whose values are not plain is rendered on its own. `subject(code)` gives the subject line. The
    template sees a stand-in complaint holding only the code: a template that needs more of the
    complaint must go through _reporter_email."""
    names = ["code", *(each(complaints[0]) if each and complaints else {})]
    stand_in = placeholders(names)
    alike, owners, messages = [], [], []
    for complaint in complaints:
        address = visibility.reporter_contact(complaint)["email"]
        if not address:
            continue
        values = {"code": complaint.tracking_code, **(each(complaint) if each else {})}
        if not all(is_plain(value) for value in values.values()):
            messages.append(_reporter_email(complaint, subject(complaint.tracking_code), template,
                                            **context, **{k: v for k, v in values.items() if k != "code"}))
            continue
        locale = complaint.reporter.locale if complaint.reporter else complaint.locale
        alike.append((address, locale, {stand_in[name]: value for name, value in values.items()}))
        owners.append(complaint)
    if alike:
        payloads = render_emails_alike(
            alike, subject(stand_in["code"]), template, private=True,
            complaint=SimpleNamespace(tracking_code=stand_in["code"]),
            url=url_for("complaints.track", code=stand_in["code"], _external=True),
            **context, **{name: stand_in[name] for name in names if name != "code"})
        messages += [{"kind": outbox.EMAIL, "key": f"email:{uuid.uuid4().hex}", "subject": complaint,
                      "payload": payload} for complaint, payload in zip(owners, payloads)]
    return messages


def _reporter_email(complaint, subject, template, **context):
    """The e-mail to the reporter as an outbox message (a dict for outbox.enqueue_many), or None
    when the reporter left no address."""
    address = visibility.reporter_contact(complaint)["email"]
    if not address:
        return None
    locale = complaint.reporter.locale if complaint.reporter else complaint.locale
    payload = render_email(address, subject, template, locale=locale, complaint=complaint, private=True,
                           url=url_for("complaints.track", code=complaint.tracking_code, _external=True), **context)
    return {"kind": outbox.EMAIL, "key": f"email:{uuid.uuid4().hex}", "subject": complaint, "payload": payload}


def unit_handlers(unit_id):
    if unit_id is None:
        return []
    return db.session.scalars(select(User).where(User.confirmed_asn(unit_id))).all()


def staffed_units(unit_ids):
    """Of these units, those with at least one person who can act on their complaints (one query)."""
    if not unit_ids:
        return set()
    return set(db.session.scalars(select(User.unit_id).where(User.confirmed_asn(), User.unit_id.in_(unit_ids))
                                  .distinct()))


def needs_moderator():
    """The complaints nobody else can act on: not yet routed, or routed to a unit without a handler.

    They stay in the moderators' queue ("Perlu moderator") until a handler of the unit is confirmed
    or the complaint is rerouted.
    """
    no_handler = ~select(User.id).where(User.confirmed_asn(Complaint.unit_id)).exists()
    return (Complaint.status == RECEIVED) | (
        Complaint.status.in_(OPEN_STATUSES + (AWAITING_REPORTER,)) & (Complaint.unit_id.is_(None) | no_handler))


def responsible_staff(complaint):
    """Who hears of the reporter's answers: the unit's handlers, or the moderators when it has none."""
    return unit_handlers(complaint.unit_id) or moderators()


def _routed(complaint, actor, unit, now):
    """After routing: a unit with no confirmed handler cannot act, so the moderators keep the case.

    Returns the warning for the moderator (None when the unit has someone), and notes it on the
    timeline for staff.
    """
    handlers = unit_handlers(unit.id)
    if handlers:
        _notify_staff(complaint, handlers, _l("Pengaduan baru untuk unit Anda: %(code)s",
                                              code=complaint.tracking_code), "complaint_assigned")
        return None
    warning = _("%(unit)s belum punya petugas pengaduan yang terkonfirmasi: tidak ada yang dapat menindaklanjuti "
                "pengaduan ini. Pengaduan tetap di antrean moderator (saringan \"Perlu moderator\") sampai ada "
                "petugas unit yang dikonfirmasi atau pengaduan dialihkan.", unit=unit.name)
    _event(complaint, actor, "note", now=now, public=False, message=warning, unit_without_handler=unit.id)
    return warning


def moderators():
    return db.session.scalars(select(User).where(User.role == MODERATOR, User.active.is_(True))).all()


def _notify_staff(complaint, people, subject, template, *, key_prefix=None, **context):
    for person in people:
        key = f"{key_prefix}:{person.id}" if key_prefix else None
        send_email(person.email, subject, template, locale=person.locale, complaint=complaint, user=person,
                   subject_obj=complaint, key=key,
                   url=url_for("complaints.case", code=complaint.tracking_code, _external=True), **context)


def _staff_audit(actor, action, complaint, now, **data):
    audit.record(actor, action, complaint, now=now, code=complaint.tracking_code, **data)


# --- intake -----------------------------------------------------------------------------------

IDEMPOTENCY_KEY_MAX = 200
IDEMPOTENCY_KEY_LIFETIME = timedelta(hours=24)  # a retry comes within minutes; a day is generous


def _checked_attachments(attachments):
    """Files as (display name, content type, cleaned bytes), under the intake's limits (count, size, type)."""
    limit = current_app.config["COMPLAINT_MAX_ATTACHMENTS"]
    if len(attachments) > limit:
        raise DomainError(_("Paling banyak %(n)s lampiran.", n=limit), field="attachments")
    cleaned = []
    for name, data in attachments:
        content_type, data = uploads.check_and_clean(name, data)
        cleaned.append((uploads.display_name(name, content_type), content_type, data))
    return cleaned


def _attach(complaint, cleaned, *, now, event=None):
    """Stage checked files and add their rows (they move into place when the transaction commits)."""
    stored = []
    for name, content_type, data in cleaned:
        stored_name = uploads.store(data, content_type)
        stored.append(stored_name)
        complaint.attachments.append(ComplaintAttachment(stored_name=stored_name, original_name=name,
                                                         content_type=content_type, size=len(data),
                                                         created_at=now, event_id=event.id if event else None))
    return stored


def request_hash(payload):
    """A stable hash of a JSON request body (key order does not matter)."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def filed_before(idempotency_key, body_hash=None):
    """The (complaint, reporter_key) a request with this key already filed, or None.

    The same key with another body raises IdempotencyConflict: a client reusing a key for a new
    complaint must learn that nothing was filed, not receive someone else's answer.
    """
    row = db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.key_hash == key_hash(idempotency_key)))
    if row is None:
        return None
    if body_hash is not None and row.body_hash != body_hash:
        raise IdempotencyConflict(_("Idempotency-Key ini sudah dipakai untuk pengaduan lain. Gunakan kunci baru "
                                    "untuk setiap pengaduan."), field="idempotency_key")
    return row.complaint, row.reporter_key


def file_complaint(*, title, description, classification, category, unit_id=None, location=None,
                   anonymous=False, confidential=False, reporter=None, reporter_name=None, reporter_email=None,
                   reporter_phone=None, attachments=(), channel="web", locale="id", now=None, commit=True,
                   idempotency_key=None, body_hash=None):
    """Receive a complaint, once per idempotency key; returns (complaint, reporter_key).

    `reporter` is the logged-in account, if any; visitors give contact details or none. The
    reporter key is the secret of the reporter link; only its hash is stored on the complaint. With
    commit=False the complaint is only flushed: a caller that files it as part of a larger change
    commits. `idempotency_key` ("<channel>:<key>": the API header, the web form's one-time token):
    a retry, even one racing the first request, answers the complaint already filed and files
    nothing; the key row keeps the reporter key (encrypted, for 24 hours), so the filer's retry (the
    web form's, or the API's, whose 201 carries the link) shows the same reporter link.
    """
    if idempotency_key:
        if len(idempotency_key.partition(":")[2]) > IDEMPOTENCY_KEY_MAX:
            raise DomainError(_("Idempotency-Key terlalu panjang (paling banyak %(n)s karakter).",
                                n=IDEMPOTENCY_KEY_MAX), field="idempotency_key")
        original = filed_before(idempotency_key, body_hash)
        if original is not None:
            return original
    now = now or clock.now()
    if classification not in CLASSIFICATIONS:
        raise DomainError(_("Pilih klasifikasi laporan."), field="classification")
    if category not in CATEGORIES:
        raise DomainError(_("Pilih kategori."), field="category")
    unit = active_unit(unit_id) if unit_id else None
    cleaned = _checked_attachments(attachments)

    reporter_key = secrets.token_urlsafe(24)
    complaint = Complaint(
        tracking_code=new_tracking_code(now), title=title.strip(), description=description.strip(),
        classification=classification, category=category, unit_id=unit.id if unit else None,
        location=(location or "").strip() or None, anonymous=bool(anonymous), confidential=bool(confidential),
        channel=channel, reporter_id=reporter.id if reporter is not None else None,
        reporter_name=(reporter_name or "").strip() or None,
        reporter_email=((reporter_email or "").strip().lower() or None) if reporter is None else None,
        reporter_phone=(reporter_phone or "").strip() or None, reporter_key_hash=key_hash(reporter_key),
        locale=locale, status=RECEIVED, received_at=now, updated_at=now,
        verify_due_at=calendar.due_after(now, current_app.config["COMPLAINT_VERIFY_WORKING_DAYS"]),
        due_at=calendar.due_after(now, sla_days()))
    complaint.remind_at = calendar.reminder_time(complaint.due_at)
    db.session.add(complaint)

    stored = []
    try:
        stored.extend(_attach(complaint, cleaned, now=now))
        if idempotency_key:
            # Same transaction as the complaint; the unique key_hash settles a race (below).
            db.session.add(IdempotencyKey(key_hash=key_hash(idempotency_key), body_hash=body_hash,
                                          complaint=complaint, created_at=now,
                                          reporter_key=reporter_key))
        db.session.flush()
        _event(complaint, reporter, "received", now=now, role="reporter", channel=channel)
        _notify_reporter(complaint, _l("Pengaduan Anda diterima: %(code)s", code=complaint.tracking_code),
                         "complaint_received", reporter_url=url_for(
                             "complaints.reporter_access", code=complaint.tracking_code, key=reporter_key,
                             _external=True))
        if commit:
            db.session.commit()
        else:
            db.session.flush()
    except IntegrityError:
        db.session.rollback()
        for name in stored:
            uploads.delete(name)
        # A concurrent request with the same key committed first: answer with its complaint.
        original = filed_before(idempotency_key, body_hash) if idempotency_key else None
        if original is not None:
            return original
        # Otherwise a tracking-code collision (60 random bits: practically never); the person tries again.
        raise DomainError(_("Pengaduan belum tersimpan. Silakan kirim sekali lagi."))
    except BaseException:
        db.session.rollback()
        for name in stored:
            uploads.delete(name)
        raise
    return complaint, reporter_key


# --- moderation: verify and route, reject, reroute, forward -------------------------------------

def _require_status(complaint, allowed, message):
    if complaint.status not in allowed:
        raise DomainError(message)


def verify(actor, complaint, *, unit_id, category=None, classification=None, anonymous=None, confidential=None,
           note=None, now=None):
    """A moderator checks a new complaint and routes it to the unit that must act.

    Returns a warning for the moderator when the unit has no confirmed handler (None otherwise).
    """
    permissions.require(actor, "complaint.moderate", complaint)
    _require_status(complaint, (RECEIVED,), _("Hanya pengaduan yang baru diterima yang dapat diverifikasi."))
    now = now or clock.now()
    unit = active_unit(unit_id)
    if category:
        if category not in CATEGORIES:
            raise DomainError(_("Pilih kategori."), field="category")
        complaint.category = category
    if classification:
        if classification not in CLASSIFICATIONS:
            raise DomainError(_("Pilih klasifikasi laporan."), field="classification")
        complaint.classification = classification
    # Staff may protect a reporter more than they asked, never less.
    complaint.anonymous = complaint.anonymous or bool(anonymous)
    complaint.confidential = complaint.confidential or bool(confidential)
    complaint.status, complaint.verified_at, complaint.unit_id = VERIFIED, now, unit.id
    complaint.unit = unit
    _event(complaint, actor, "verified", now=now, unit=unit.name)
    if note:
        _event(complaint, actor, "note", now=now, message=note.strip(), public=False)
    _staff_audit(actor, "complaint.verified", complaint, now, unit_id=unit.id)
    warning = _routed(complaint, actor, unit, now)
    _notify_reporter(complaint, _l("Pengaduan %(code)s diteruskan ke %(unit)s", code=complaint.tracking_code,
                                   unit=unit.name), "complaint_status", step=_("diverifikasi dan diteruskan ke unit"))
    db.session.commit()
    return warning


def reroute(actor, complaint, *, unit_id, reason, now=None):
    """Send a routed complaint to another unit (the first one was not the right one); warns as verify does."""
    permissions.require(actor, "complaint.moderate", complaint)
    _require_status(complaint, (VERIFIED, IN_PROGRESS, AWAITING_REPORTER),
                    _("Pengaduan ini tidak dapat dialihkan pada statusnya sekarang."))
    now = now or clock.now()
    unit = active_unit(unit_id)
    if unit.id == complaint.unit_id:
        raise DomainError(_("Pengaduan sudah berada di unit ini."), field="unit_id")
    if not (reason or "").strip():
        raise DomainError(_("Tuliskan alasan pengalihan."), field="reason")
    old = complaint.unit.name if complaint.unit else None
    complaint.unit_id, complaint.unit = unit.id, unit
    _event(complaint, actor, "rerouted", now=now, unit=unit.name, previous_unit=old)
    _event(complaint, actor, "note", now=now, message=reason.strip(), public=False)
    _staff_audit(actor, "complaint.rerouted", complaint, now, unit_id=unit.id)
    warning = _routed(complaint, actor, unit, now)
    db.session.commit()
    return warning


def reject(actor, complaint, *, kind, reason, referral=None, duplicate_code=None, now=None):
    """Refuse a complaint, always with a reason told to the reporter."""
    permissions.require(actor, "complaint.moderate", complaint)
    _require_status(complaint, (RECEIVED, VERIFIED), _("Pengaduan yang sudah diproses tidak dapat ditolak."))
    if kind not in REJECTION_LABELS:
        raise DomainError(_("Pilih alasan penolakan."), field="kind")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Tuliskan alasan penolakan; alasan ini dikirim ke pelapor."), field="reason")
    now = now or clock.now()
    if kind == REJECT_NOT_AUTHORITY:
        if not (referral or "").strip():
            raise DomainError(_("Sebutkan instansi yang berwenang agar pelapor dapat mengadu ke sana."),
                              field="referral")
        complaint.referral = referral.strip()
    if kind == REJECT_DUPLICATE:
        original = db.session.scalar(select(Complaint).where(Complaint.tracking_code == normalise_code(duplicate_code)))
        if original is None or original.id == complaint.id:
            raise DomainError(_("Kode pengaduan asal tidak ditemukan."), field="duplicate_code")
        complaint.duplicate_of_id = original.id
    complaint.status, complaint.rejection_kind, complaint.rejection_reason = REJECTED, kind, reason
    complaint.closed_at = now  # a rejected case is finished: the retention of its reporter's identity starts
    _event(complaint, actor, "rejected", now=now, message=reason, rejection=kind, referral=complaint.referral,
           duplicate_of=duplicate_code and normalise_code(duplicate_code))
    _staff_audit(actor, "complaint.rejected", complaint, now, kind=kind)
    _notify_reporter(complaint, _l("Pengaduan %(code)s tidak dapat ditindaklanjuti", code=complaint.tracking_code),
                     "complaint_rejected", reason=reason, kind_label=REJECTION_LABELS[kind])
    db.session.commit()


def forward(complaint, *, actor, reason, now=None, automatic=False):
    """Forward an open complaint to the national system (SP4N-LAPOR!), exactly once.

    Moderators forward early with a written reason; the escalation sweep, acting as SYSTEM, forwards
    overdue ones (automatic=True, reason "sla_breach"). The city keeps the case either way.
    """
    permissions.require(actor, "complaint.moderate", complaint)
    now = now or clock.now()
    if not automatic:
        if not (reason or "").strip():
            raise DomainError(_("Tuliskan alasan penerusan."), field="reason")
    if complaint.status not in OPEN_STATUSES + (AWAITING_REPORTER,):
        raise DomainError(_("Hanya pengaduan yang masih terbuka yang dapat diteruskan."))
    # Compare-and-set: of two sweeps (or a sweep and a moderator) racing, one wins.
    won = db.session.execute(
        Complaint.__table__.update()
        .where(Complaint.id == complaint.id, Complaint.forwarded_at.is_(None))
        .values(forwarded_at=now, forward_reason="sla_breach" if automatic else FORWARD_MODERATOR, updated_at=now)
    ).rowcount == 1
    if not won:
        db.session.rollback()
        raise DomainError(_("Pengaduan ini sudah diteruskan ke SP4N-LAPOR!"))
    db.session.refresh(complaint)
    _event(complaint, actor, "forwarded", now=now, reason=complaint.forward_reason,
           message=None if automatic else reason.strip())
    outbox.enqueue(outbox.FORWARD, key=f"forward:{complaint.id}", subject=complaint, now=now,
                   payload=forward_payload(complaint, event="forwarded", reason=complaint.forward_reason,
                                           message=None if automatic else reason.strip()))
    if not automatic:
        _staff_audit(actor, "complaint.forwarded", complaint, now, reason=reason.strip())
    _notify_reporter(complaint, _l("Pengaduan %(code)s diteruskan ke SP4N-LAPOR!", code=complaint.tracking_code),
                     "complaint_forwarded", automatic=automatic)
    db.session.commit()


def overdue(now):
    """The rule of the escalation sweep: open, not yet forwarded, past due (index ix_complaint_sweep)."""
    return Complaint.forwarded_at.is_(None), Complaint.status.in_(OPEN_STATUSES), Complaint.due_at < now


def forward_overdue(*, now, limit=200):
    """Forward one batch of overdue complaints (see overdue()) to SP4N-LAPOR!, each exactly once.

    What forward(automatic=True) does for one complaint, for up to `limit` at a time in one
    transaction with a fixed number of statements: the ids are taken with FOR UPDATE SKIP LOCKED
    (PostgreSQL: two sweeps take different rows without waiting), then a compare-and-set UPDATE
    ... RETURNING forwards only those still overdue and unforwarded (a complaint resolved or
    forwarded meanwhile is left alone, everywhere, SQLite included); their events, forwards and
    the reporters' e-mails are inserted in bulk. Returns (selected, forwarded): fewer selected
    than `limit` means the sweep is done.
    """
    # Ordered as ix_complaint_sweep (forwarded_at, status, due_at), so the rows come from the index
    # without a sort; ordering by due_at alone makes SQLite walk the due_at index over every row past due.
    ids = db.session.scalars(
        select(Complaint.id).where(*overdue(now)).order_by(Complaint.status, Complaint.due_at, Complaint.id)
        .limit(limit).with_for_update(skip_locked=True)).all()
    if not ids:
        db.session.rollback()
        return 0, 0
    won = db.session.scalars(
        update(Complaint).where(Complaint.id.in_(ids), *overdue(now))
        .values(forwarded_at=now, forward_reason="sla_breach", updated_at=now)
        .returning(Complaint.id).execution_options(synchronize_session=False)).all()
    if not won:
        db.session.commit()
        return len(ids), 0
    complaints = db.session.scalars(
        select(Complaint).where(Complaint.id.in_(won)).order_by(Complaint.id)
        .options(selectinload(Complaint.unit), selectinload(Complaint.reporter))
        .execution_options(populate_existing=True)).all()
    _bulk_events(complaints, "forwarded", now=now, data=lambda complaint: {"reason": complaint.forward_reason})
    outbox.enqueue_many(
        [{"kind": outbox.FORWARD, "key": f"forward:{c.id}", "subject": c,
          "payload": forward_payload(c, event="forwarded", reason=c.forward_reason)} for c in complaints]
        + _reporter_emails(complaints, lambda code: _l("Pengaduan %(code)s diteruskan ke SP4N-LAPOR!", code=code),
                           "complaint_forwarded", automatic=True), now=now)
    db.session.commit()
    return len(ids), len(won)


def record_national_tracking_id(complaint_id, tracking_id, *, now=None):
    """The national system answered a forward with its own tracking id; the reporter is told it.

    Called by the outbox once the forward was delivered, in the transaction that marks it sent
    (the outbox commits). A repeat of the same number changes nothing and tells nobody again.
    """
    record_national_tracking_ids([(complaint_id, tracking_id)], now=now)


def record_national_tracking_ids(answers, *, now=None):
    """record_national_tracking_id for a delivery round's answers, [(complaint_id, tracking_id)],
    with a fixed number of statements: the complaints in one query, the events in one INSERT, the
    reporters' e-mails rendered once per language."""
    numbers = {}
    for complaint_id, tracking_id in answers:
        tracking_id = tracking_id.strip()[:80]
        if tracking_id:
            numbers[complaint_id] = tracking_id
    if not numbers:
        return
    now = now or clock.now()
    complaints = [complaint for complaint in db.session.scalars(
        select(Complaint).where(Complaint.id.in_(numbers)).order_by(Complaint.id)
        .options(selectinload(Complaint.reporter)))
        if complaint.national_tracking_id != numbers[complaint.id]]
    if not complaints:
        return
    for complaint in complaints:
        complaint.national_tracking_id, complaint.updated_at = numbers[complaint.id], now
    _bulk_events(complaints, "national_tracking_id", now=now,
                 data=lambda complaint: {"national_tracking_id": complaint.national_tracking_id})
    outbox.enqueue_many(_reporter_emails(
        complaints, lambda code: _l("Nomor pelacakan SP4N-LAPOR! untuk pengaduan %(code)s", code=code),
        "complaint_national_tracking_id",
        each=lambda complaint: {"national_tracking_id": complaint.national_tracking_id}), now=now)


def _bulk_events(complaints, kind, *, now, data):
    """One public SYSTEM event of this kind on each complaint, in one INSERT; {complaint id: event id}.

    What _event writes, for a batch. The accompanying organisations' members hear of it (one
    query for the batch; the notices only for the complaints that are accompanied).
    """
    event_ids = dict(db.session.execute(
        insert(ComplaintEvent).returning(ComplaintEvent.complaint_id, ComplaintEvent.id),
        [{"complaint_id": c.id, "created_at": now, "kind": kind, "public": True, "actor_id": None,
          "actor_role": "system", "message": None, "data": data(c)} for c in complaints]).all())
    accompanied = set(db.session.scalars(select(Accompaniment.complaint_id).where(
        Accompaniment.complaint_id.in_(event_ids), Accompaniment.status == ACC_ACTIVE)))
    for complaint in complaints:
        if complaint.id in accompanied:
            event = db.session.get(ComplaintEvent, event_ids[complaint.id])
            accompaniment_notices.tell_members_of_event(complaint, event, actor_id=None, now=now)
    return event_ids


# --- handling: progress, more information, resolution, notes ---------------------------------

def start_progress(actor, complaint, *, now=None):
    permissions.require(actor, "complaint.handle", complaint)
    _require_status(complaint, (VERIFIED,), _("Hanya pengaduan yang sudah diverifikasi yang dapat mulai diproses."))
    now = now or clock.now()
    complaint.status = IN_PROGRESS
    _event(complaint, actor, "in_progress", now=now)
    _notify_reporter(complaint, _l("Pengaduan %(code)s sedang diproses", code=complaint.tracking_code),
                     "complaint_status", step=_("mulai diproses oleh unit"))
    db.session.commit()


def request_info(actor, complaint, *, message, now=None):
    """Ask the reporter for more; the SLA clock stops until they answer."""
    permissions.require(actor, "complaint.handle", complaint)
    _require_status(complaint, OPEN_STATUSES, _("Informasi tambahan hanya dapat diminta untuk pengaduan yang terbuka."))
    if not (message or "").strip():
        raise DomainError(_("Tuliskan informasi apa yang dibutuhkan."), field="message")
    now = now or clock.now()
    complaint.status_before_pause, complaint.status, complaint.paused_at = complaint.status, AWAITING_REPORTER, now
    _event(complaint, actor, "info_requested", now=now, message=message.strip())
    _notify_reporter(complaint, _l("Pengaduan %(code)s: informasi tambahan diperlukan", code=complaint.tracking_code),
                     "complaint_info_requested", question=message.strip())
    db.session.commit()


def _resume(complaint, now):
    """End a pause: the deadlines move by the working days spent waiting."""
    spent = calendar.working_days_spent(complaint.paused_at, now)
    complaint.due_at = calendar.extend_by_working_days(complaint.due_at, spent)
    if complaint.status_before_pause == RECEIVED:
        complaint.verify_due_at = calendar.extend_by_working_days(complaint.verify_due_at, spent)
    if spent:
        complaint.remind_at, complaint.reminder_sent_at = calendar.reminder_time(complaint.due_at), None
    complaint.status = complaint.status_before_pause or IN_PROGRESS
    complaint.paused_at = complaint.status_before_pause = None
    return spent


def resolve(actor, complaint, *, response, now=None):
    """The unit answers: what was done. The reporter may accept or dispute it."""
    permissions.require(actor, "complaint.handle", complaint)
    _require_status(complaint, (VERIFIED, IN_PROGRESS), _("Hanya pengaduan yang sedang ditangani yang dapat diselesaikan."))
    if not (response or "").strip():
        raise DomainError(_("Tuliskan tanggapan penyelesaian untuk pelapor."), field="response")
    now = now or clock.now()
    complaint.status, complaint.resolved_at, complaint.public_response = RESOLVED, now, response.strip()
    complaint.autoclose_at = calendar.due_after(now, current_app.config["COMPLAINT_AUTOCLOSE_WORKING_DAYS"])
    _event(complaint, actor, "resolved", now=now, message=response.strip())
    _notify_reporter(complaint, _l("Pengaduan %(code)s selesai ditangani", code=complaint.tracking_code),
                     "complaint_resolved", response=response.strip(),
                     days=current_app.config["COMPLAINT_AUTOCLOSE_WORKING_DAYS"])
    db.session.commit()


def add_note(actor, complaint, *, text, now=None):
    """An internal note for staff; never shown to the reporter or the public."""
    permissions.require(actor, "complaint.handle", complaint)
    if not (text or "").strip():
        raise DomainError(_("Catatan tidak boleh kosong."), field="text")
    _event(complaint, actor, "note", now=now or clock.now(), message=text.strip(), public=False)
    db.session.commit()


# --- the reporter: reply, accept, dispute, rate -----------------------------------------------

def reporter_reply(actor, complaint, *, message, attachments=(), now=None):
    """The reporter answers, with files if they like (the intake's limits); an answer to a request
    for information restarts the clock."""
    permissions.require(actor, "complaint.reporter", complaint)
    if complaint.status in (CLOSED, REJECTED):
        raise DomainError(_("Pengaduan ini sudah ditutup."))
    if not (message or "").strip():
        raise DomainError(_("Tuliskan tanggapan Anda."), field="message")
    cleaned = _checked_attachments(attachments)
    now = now or clock.now()
    event = _event(complaint, actor, "reporter_replied", now=now, message=message.strip(),
                   attachments=len(cleaned) or None)
    if cleaned:
        db.session.flush()  # the event's id, for its files
        _attach(complaint, cleaned, now=now, event=event)
    if complaint.status == AWAITING_REPORTER:
        spent = _resume(complaint, now)
        _event(complaint, permissions.SYSTEM, "resumed", now=now, working_days_paused=spent)
    _notify_staff(complaint, responsible_staff(complaint),
                  _l("Pelapor menanggapi pengaduan %(code)s", code=complaint.tracking_code), "complaint_reporter_replied",
                  reply=message.strip())
    db.session.commit()


def accept(actor, complaint, *, now=None):
    permissions.require(actor, "complaint.reporter", complaint)
    _require_status(complaint, (RESOLVED,), _("Hanya penyelesaian yang dapat diterima."))
    now = now or clock.now()
    complaint.status, complaint.closed_at, complaint.autoclose_at = CLOSED, now, None
    _event(complaint, actor, "accepted", now=now)
    db.session.commit()


def dispute(actor, complaint, *, reason, now=None):
    """The reporter is not satisfied: the complaint reopens with a new deadline."""
    permissions.require(actor, "complaint.reporter", complaint)
    _require_status(complaint, (RESOLVED,), _("Hanya penyelesaian yang dapat disanggah."))
    if not (reason or "").strip():
        raise DomainError(_("Jelaskan mengapa penyelesaian belum sesuai."), field="reason")
    now = now or clock.now()
    complaint.status, complaint.autoclose_at, complaint.resolved_at = IN_PROGRESS, None, None
    complaint.due_at = calendar.due_after(now, sla_days())
    complaint.remind_at, complaint.reminder_sent_at = calendar.reminder_time(complaint.due_at), None
    _event(complaint, actor, "disputed", now=now, message=reason.strip(), due_at=complaint.due_at.isoformat())
    _notify_staff(complaint, responsible_staff(complaint),
                  _l("Penyelesaian pengaduan %(code)s disanggah", code=complaint.tracking_code),
                  "complaint_reporter_replied", reply=reason.strip())
    db.session.commit()


def rate(actor, complaint, *, rating, comment=None, now=None):
    permissions.require(actor, "complaint.reporter", complaint)
    _require_status(complaint, (RESOLVED, CLOSED), _("Penilaian diberikan setelah pengaduan diselesaikan."))
    if complaint.rating is not None:
        raise DomainError(_("Anda sudah memberi penilaian untuk pengaduan ini."))
    if rating not in (1, 2, 3, 4, 5):
        raise DomainError(_("Pilih nilai 1 sampai 5."), field="rating")
    complaint.rating, complaint.rating_comment = rating, (comment or "").strip() or None
    _event(complaint, actor, "rated", now=now or clock.now(), rating=rating)
    db.session.commit()


# --- system steps (the sweeps call these) -------------------------------------------------------

def move_deadlines_for_calendar_change(day, *, is_working_day, now):
    """A date changed sides in the working-day calendar: open deadlines counting across it move.

    A deadline is the Nth working day after its start (receipt, or the reporter's dispute). When
    `day` lies in (start, deadline] and stops being a working day, the deadline moves one working
    day later; when it becomes one, one working day earlier. So an open complaint ends up where a
    complaint filed now with the same start would. Each move is a public timeline event. The
    caller (the calendar change) commits. Returns how many complaints moved.
    """
    day_starts = calendar.start_of_day(day)
    open_statuses = OPEN_STATUSES + (AWAITING_REPORTER,)
    candidates = db.session.scalars(
        select(Complaint).where(Complaint.status.in_(open_statuses), Complaint.received_at < day_starts,
                                (Complaint.due_at >= day_starts) | (Complaint.verify_due_at >= day_starts))
        .order_by(Complaint.id)).all()
    if not candidates:
        return 0
    # A dispute restarted the count: a date before it is not in the span of the new deadline.
    restarted = dict(db.session.execute(
        select(ComplaintEvent.complaint_id, func.max(ComplaintEvent.created_at))
        .where(ComplaintEvent.kind == "disputed", ComplaintEvent.complaint_id.in_([c.id for c in candidates]))
        .group_by(ComplaintEvent.complaint_id)).all())
    working = calendar.WorkingCalendar.around(day)

    def moved(deadline):
        deadline_day = clock.to_local(deadline).date()
        if is_working_day:
            return calendar.end_of_day(working.previous_working_day(deadline_day))
        return calendar.end_of_day(working.add_working_days(deadline_day, 1))

    count = 0
    for complaint in candidates:
        previous_due, previous_verify_due = complaint.due_at, complaint.verify_due_at
        counts_from = restarted.get(complaint.id)
        if complaint.due_at >= day_starts and not (counts_from and counts_from >= day_starts):
            complaint.due_at = moved(complaint.due_at)
        if complaint.status == RECEIVED and complaint.verify_due_at >= day_starts:
            complaint.verify_due_at = moved(complaint.verify_due_at)
        if complaint.verify_due_at != previous_verify_due:
            count += complaint.due_at == previous_due  # only the verification deadline moved
        if complaint.due_at == previous_due:
            continue
        complaint.remind_at, complaint.reminder_sent_at = calendar.reminder_time(complaint.due_at), None
        _event(complaint, permissions.SYSTEM, "deadline_moved", now=now, day=day.isoformat(),
               previous_due_at=previous_due.isoformat(), due_at=complaint.due_at.isoformat(),
               working_day=is_working_day)
        count += 1
    return count


def auto_close(complaint, *, now):
    complaint.status, complaint.closed_at, complaint.autoclose_at = CLOSED, now, None
    _event(complaint, permissions.SYSTEM, "auto_closed", now=now)


def retention_months():
    return current_app.config["COMPLAINT_IDENTITY_RETENTION_MONTHS"]


def erase_reporter_identity(complaint, *, now):
    """Forget who filed a finished complaint: its reporter's name, e-mail, phone and link.

    The retention sweep calls it COMPLAINT_IDENTITY_RETENTION_MONTHS after the complaint was
    closed or rejected (see /privasi). The case, its timeline and its statistics stay; the
    idempotency rows (which keep the reporter link's secret) and the delivered e-mails and
    forwards that carried the reporter's address or identity go. Returns False when already done.
    The caller commits.
    """
    if complaint.identity_erased_at is not None:
        return False
    if complaint.status not in (CLOSED, REJECTED):
        raise DomainError(_("Identitas pelapor hanya dihapus dari pengaduan yang sudah selesai."))
    complaint.reporter_name = complaint.reporter_email = complaint.reporter_phone = None
    complaint.reporter_key_hash = None
    complaint.identity_erased_at = now
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.complaint_id == complaint.id))
    messages = db.session.scalars(select(outbox.OutboxMessage).where(
        outbox.OutboxMessage.subject_type == "complaint", outbox.OutboxMessage.subject_id == complaint.id,
        outbox.OutboxMessage.status.in_((outbox.SENT, outbox.FAILED)))).all()
    for message in messages:
        if encryption.SEALED in message.payload or "to_encrypted" in message.payload:
            db.session.delete(message)
    # Without personal data: only what was erased and under which setting.
    months = retention_months()
    _event(complaint, permissions.SYSTEM, "identity_erased", now=now, public=False, retention_months=months)
    audit.record(permissions.SYSTEM, "complaint.identity_erased", complaint, now=now, code=complaint.tracking_code,
                 retention_months=months)
    return True

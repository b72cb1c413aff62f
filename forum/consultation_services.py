"""Consultations and their participants: every state change, one function each.

Each function checks the permission and the rule, writes the change and its audit event, and
commits once (except `move_to_follow_up` and `complete_if_done`, which run inside the caller's
transaction). A rule that forbids the change raises DomainError/NotAllowed with a sentence for the
person; nothing is written then.
"""
import re
import secrets
import unicodedata

from flask import current_app
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from accounts.models import Unit
from core import audit, calendar, clock, permissions, uploads, worker
from core.errors import DomainError, NotAllowed, NotFound
from core.extensions import db
from core.i18n import gettext as _

from .models import (CLOSED, COMPLETED, DRAFT, FINISHED_ACTION_STATUSES, FOLLOW_UP, FORMATS, OPEN,
                     STAKEHOLDER_CATEGORIES, TOPIC_TYPES, Consultation, ConsultationDocument, FollowUpAction,
                     Participant)

__all__ = ["DomainError", "NotAllowed", "NotFound"]

EDITABLE_STAGES = (DRAFT, OPEN)
PAST_STAGES = (CLOSED, FOLLOW_UP, COMPLETED)
SLUG_MAX = 80
SWEEP_BATCH = 200

# List tabs: open now, upcoming (published, window not yet open), past.
TAB_NOW, TAB_UPCOMING, TAB_PAST, TAB_DRAFTS = "sekarang", "mendatang", "selesai", "draf"
TABS = (TAB_NOW, TAB_UPCOMING, TAB_PAST, TAB_DRAFTS)


# --- lookups and small helpers --------------------------------------------------------------------

def slugify(text):
    """Lowercase ASCII words joined by hyphens ("Standar Pelayanan KTP-el" → "standar-pelayanan-ktp-el")."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-") or "konsultasi"


def _unique_slug(title):
    base = slugify(title)
    slug = base
    while db.session.scalar(select(Consultation.id).where(Consultation.slug == slug)) is not None:
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def get_by_slug(slug):
    # Every page of a consultation names its unit, and its page lists its few documents: one query.
    consultation = db.session.execute(
        select(Consultation).options(joinedload(Consultation.unit), joinedload(Consultation.documents))
        .where(Consultation.slug == slug)).unique().scalar_one_or_none()
    if consultation is None:
        raise NotFound(_("Konsultasi tidak ditemukan."))
    return consultation


def get_visible(slug, user):
    """The consultation, or NotFound when it does not exist or is a draft this user may not see."""
    consultation = get_by_slug(slug)
    if not permissions.can(user, "consultation.view", consultation):
        raise NotFound(_("Konsultasi tidak ditemukan."))  # do not reveal drafts
    return consultation


def input_open(consultation, now):
    """Input may be posted: the consultation is open and now is inside its input window."""
    return consultation.stage == OPEN and consultation.opens_at <= now < consultation.closes_at


def meeting_passed(consultation, now):
    return consultation.meeting_at is not None and now >= consultation.meeting_at


def response_days():
    return current_app.config["FORUM_RESPONSE_WORKING_DAYS"]


def participant_of(consultation, user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Participant).where(Participant.consultation_id == consultation.id,
                                                       Participant.user_id == user.id))


def _meeting_ahead(now):
    """Input has closed (or its window passed) and the meeting has not started yet."""
    return and_(or_(Consultation.stage == CLOSED, and_(Consultation.stage == OPEN, Consultation.closes_at <= now)),
                Consultation.meeting_at.is_not(None), Consultation.meeting_at > now)


def listing_query(*, tab=TAB_NOW, unit_id=None, topic_type=None, stage=None, now, user=None):
    """The consultations of one list tab, filtered; drafts only in the drafts tab, for those who manage them."""
    query = select(Consultation).options(selectinload(Consultation.unit))
    if tab == TAB_DRAFTS:
        query = query.where(Consultation.stage == DRAFT)
        if not permissions.is_staff(user):
            unit = getattr(user, "unit_id", None)
            if not permissions.can(user, "consultation.create") or unit is None:
                query = query.where(False)
            else:
                query = query.where(Consultation.unit_id == unit)
        order = (Consultation.updated_at.desc(), Consultation.id.desc())
    elif tab == TAB_UPCOMING:
        # Upcoming: the input window has not opened yet, or it has closed and the meeting is still ahead.
        query = query.where(or_(and_(Consultation.stage == OPEN, Consultation.opens_at > now),
                                _meeting_ahead(now)))
        order = (Consultation.opens_at, Consultation.id)
    elif tab == TAB_PAST:
        # An open consultation whose window passed counts as past even before the sweep closes it,
        # but not while its meeting is still ahead.
        query = query.where(or_(Consultation.stage.in_(PAST_STAGES),
                                and_(Consultation.stage == OPEN, Consultation.closes_at <= now)),
                            ~_meeting_ahead(now))
        order = (Consultation.closes_at.desc(), Consultation.id.desc())
    else:
        query = query.where(Consultation.stage == OPEN, Consultation.opens_at <= now, Consultation.closes_at > now)
        order = (Consultation.closes_at, Consultation.id)
    if unit_id:
        query = query.where(Consultation.unit_id == unit_id)
    if topic_type:
        query = query.where(Consultation.topic_type == topic_type)
    if stage:
        query = query.where(Consultation.stage == stage)
    return query.order_by(*order)


def hosting_units(actor):
    """The units this person may host a consultation for."""
    query = select(Unit).where(Unit.is_active.is_(True)).order_by(Unit.name)
    if not permissions.is_staff(actor):
        query = query.where(Unit.id == getattr(actor, "unit_id", None))
    return db.session.scalars(query).all()


# --- checks shared by create and update -------------------------------------------------------------

def _clean(text):
    return (text or "").strip() or None


def _check(actor, *, title, unit_id, topic_type, description, format, opens_at, closes_at, meeting_at, place,
           online_link):
    if not _clean(title):
        raise DomainError(_("Judul wajib diisi."), field="title")
    if not _clean(description):
        raise DomainError(_("Uraian wajib diisi."), field="description")
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None or not unit.is_active:
        raise DomainError(_("Pilih unit penyelenggara yang masih aktif."), field="unit_id")
    if not permissions.can(actor, "unit.act_for", unit):
        raise DomainError(_("Anda hanya dapat menyelenggarakan konsultasi untuk unit Anda sendiri."), field="unit_id")
    if topic_type not in TOPIC_TYPES:
        raise DomainError(_("Pilih jenis topik."), field="topic_type")
    if format not in FORMATS:
        raise DomainError(_("Pilih bentuk pelaksanaan."), field="format")
    if opens_at is None:
        raise DomainError(_("Isi waktu masukan dibuka."), field="opens_at")
    if closes_at is None:
        raise DomainError(_("Isi waktu masukan ditutup."), field="closes_at")
    if closes_at <= opens_at:
        raise DomainError(_("Masukan harus ditutup sesudah dibuka."), field="closes_at")
    if meeting_at is None:
        raise DomainError(_("Isi waktu pertemuan."), field="meeting_at")
    if meeting_at < opens_at:
        raise DomainError(_("Pertemuan tidak dapat diadakan sebelum masukan dibuka."), field="meeting_at")
    _check_meeting_place(format, place, online_link)
    return unit


def _apply(consultation, *, title, unit_id, topic_type, description, format, opens_at, closes_at, meeting_at,
           place, online_link, allow_citizen_input):
    consultation.title = title.strip()
    consultation.unit_id = unit_id
    consultation.topic_type = topic_type
    consultation.description = description.strip()
    consultation.format = format
    consultation.opens_at = opens_at
    consultation.closes_at = closes_at
    consultation.meeting_at = meeting_at
    # Only what the format uses is kept, so a daring meeting never shows a stale place.
    consultation.place = _clean(place) if format in ("tatap_muka", "hybrid") else None
    consultation.online_link = _clean(online_link) if format in ("daring", "hybrid") else None
    consultation.allow_citizen_input = bool(allow_citizen_input)


# --- consultations ------------------------------------------------------------------------------------

def create_consultation(actor, *, title, unit_id, topic_type, description, format, opens_at, closes_at,
                        meeting_at, place, online_link, allow_citizen_input=False, now=None):
    """Moderators, and confirmed ASN for their own unit, create a consultation as a draft."""
    permissions.require(actor, "consultation.create")
    values = dict(title=title, unit_id=unit_id, topic_type=topic_type, description=description, format=format,
                  opens_at=opens_at, closes_at=closes_at, meeting_at=meeting_at, place=place,
                  online_link=online_link)
    _check(actor, **values)
    now = now or clock.now()
    consultation = Consultation(slug=_unique_slug(title), stage=DRAFT, created_by_id=actor.id, created_at=now,
                                updated_at=now)
    _apply(consultation, allow_citizen_input=allow_citizen_input, **values)
    db.session.add(consultation)
    audit.record(actor, "consultation.created", consultation, now=now, title=consultation.title)
    db.session.commit()
    return consultation


def update_consultation(actor, consultation, *, title, unit_id, topic_type, description, format, opens_at,
                        closes_at, meeting_at, place, online_link, allow_citizen_input=False, now=None):
    """The host or a moderator edits a consultation while it is a draft or open."""
    permissions.require(actor, "consultation.manage", consultation)
    if consultation.stage not in EDITABLE_STAGES:
        raise DomainError(_("Konsultasi yang masukannya sudah ditutup tidak dapat diubah lagi."))
    values = dict(title=title, unit_id=unit_id, topic_type=topic_type, description=description, format=format,
                  opens_at=opens_at, closes_at=closes_at, meeting_at=meeting_at, place=place,
                  online_link=online_link)
    _check(actor, **values)
    now = now or clock.now()
    meeting_before = (consultation.meeting_at, consultation.place, consultation.online_link)
    _apply(consultation, allow_citizen_input=allow_citizen_input, **values)
    consultation.updated_at = now
    audit.record(actor, "consultation.updated", consultation, now=now)
    if consultation.stage == OPEN and meeting_before != (consultation.meeting_at, consultation.place,
                                                         consultation.online_link):
        from . import notice_services
        notice_services.notify_meeting_changed(consultation, now=now)
    db.session.commit()
    return consultation


def _check_meeting_place(format, place, online_link):
    if format in ("tatap_muka", "hybrid") and not _clean(place):
        raise DomainError(_("Isi tempat pertemuan untuk pertemuan tatap muka atau hybrid."), field="place")
    if format in ("daring", "hybrid"):
        link = _clean(online_link)
        if not link:
            raise DomainError(_("Isi tautan pertemuan daring untuk pertemuan daring atau hybrid."),
                              field="online_link")
        if not re.match(r"^https?://[^\s/]+", link):
            raise DomainError(_("Tautan harus diawali http:// atau https://."), field="online_link")


def reschedule_meeting(actor, consultation, *, meeting_at, place=None, online_link=None, now=None):
    """The host or a moderator moves the meeting after input closed, until the berita acara is published;
    each registered participant is told the new date by e-mail."""
    from . import notice_services  # notices import the search, which knows this module's pages
    permissions.require(actor, "consultation.manage", consultation)
    now = now or clock.now()
    minutes = consultation.minutes
    if consultation.stage not in (OPEN, CLOSED) or (minutes is not None and minutes.published_at is not None):
        raise DomainError(_("Jadwal pertemuan tidak dapat diubah lagi setelah berita acara diterbitkan."))
    if meeting_at is None:
        raise DomainError(_("Isi waktu pertemuan."), field="meeting_at")
    if meeting_at <= now:
        raise DomainError(_("Waktu pertemuan yang baru harus di masa depan."), field="meeting_at")
    if meeting_at < consultation.opens_at:
        raise DomainError(_("Pertemuan tidak dapat diadakan sebelum masukan dibuka."), field="meeting_at")
    _check_meeting_place(consultation.format, place, online_link)
    previous = consultation.meeting_at
    consultation.meeting_at = meeting_at
    consultation.place = _clean(place) if consultation.format in ("tatap_muka", "hybrid") else None
    consultation.online_link = _clean(online_link) if consultation.format in ("daring", "hybrid") else None
    consultation.updated_at = now
    audit.record(actor, "consultation.meeting_rescheduled", consultation, now=now,
                 previous=previous.isoformat() if previous else None, meeting_at=meeting_at.isoformat())
    notice_services.notify_meeting_changed(consultation, now=now)
    db.session.commit()
    return consultation


def publish(actor, consultation, now=None):
    """draft → open: the consultation becomes public (input is accepted once its window opens)."""
    permissions.require(actor, "consultation.manage", consultation)
    now = now or clock.now()
    if consultation.stage != DRAFT:
        raise DomainError(_("Hanya konsultasi berstatus draf yang dapat diterbitkan."))
    if consultation.closes_at <= now:
        raise DomainError(_("Waktu penutupan masukan sudah lewat. Ubah jadwal sebelum menerbitkan."),
                          field="closes_at")
    consultation.stage = OPEN
    consultation.published_at = now
    consultation.updated_at = now
    audit.record(actor, "consultation.published", consultation, now=now)
    db.session.commit()
    return consultation


def _close(consultation, moment):
    consultation.stage = CLOSED
    consultation.response_due_at = calendar.due_after(moment, response_days())
    consultation.updated_at = moment


def close_input(actor, consultation, now=None):
    """open → closed, earlier than planned, by the host or a moderator; official responses fall due."""
    permissions.require(actor, "consultation.manage", consultation)
    now = now or clock.now()
    if consultation.stage != OPEN:
        raise DomainError(_("Hanya konsultasi yang sedang dibuka yang dapat ditutup."))
    if consultation.closes_at > now:
        consultation.closes_at = now
    if consultation.opens_at > now:
        consultation.opens_at = now
    _close(consultation, now)
    audit.record(actor, "consultation.closed", consultation, now=now, early=True)
    db.session.commit()
    return consultation


@worker.sweep(order=20)
def close_due(now=None):
    """Sweep: close every open consultation whose input window has passed. Returns how many it closed.

    Safe to run from several workers at once (rows locked with SKIP LOCKED on PostgreSQL).
    """
    now = now or clock.now()
    closed = 0
    while True:
        batch = db.session.scalars(
            select(Consultation).where(Consultation.stage == OPEN, Consultation.closes_at <= now)
            .order_by(Consultation.closes_at, Consultation.id).limit(SWEEP_BATCH)
            .with_for_update(skip_locked=True)).all()
        if not batch:
            break
        for consultation in batch:
            _close(consultation, consultation.closes_at)
            audit.record(permissions.SYSTEM, "consultation.closed", consultation, now=now, automatic=True)
        db.session.commit()
        closed += len(batch)
        if len(batch) < SWEEP_BATCH:
            break
    return closed


def move_to_follow_up(consultation, *, actor, now):
    """Called when the berita acara is published: closed → follow_up (no commit; the caller commits).

    Also from open when the input window has already passed (the sweep had not run yet).
    """
    permissions.require(actor, "consultation.manage", consultation)
    if consultation.stage == OPEN and consultation.closes_at <= now:
        consultation.response_due_at = calendar.due_after(consultation.closes_at, response_days())
    elif consultation.stage != CLOSED:
        raise DomainError(_("Tindak lanjut baru dapat dimulai setelah masa masukan ditutup."))
    consultation.stage = FOLLOW_UP
    consultation.updated_at = now
    audit.record(actor, "consultation.follow_up", consultation, now=now)
    return consultation


def complete_if_done(consultation, *, now):
    """Called after a follow-up action finishes: all actions finished → completed (no commit).

    Returns True when the consultation was completed now.
    """
    if consultation.stage != FOLLOW_UP:
        return False
    total, unfinished = db.session.execute(
        select(func.count(FollowUpAction.id),
               func.coalesce(func.sum(case((FollowUpAction.status.in_(FINISHED_ACTION_STATUSES), 0), else_=1)), 0))
        .where(FollowUpAction.consultation_id == consultation.id)).one()
    if total == 0 or unfinished:
        return False
    consultation.stage = COMPLETED
    consultation.completed_at = now
    consultation.updated_at = now
    audit.record(permissions.SYSTEM, "consultation.completed", consultation, now=now)
    return True


# --- documents ------------------------------------------------------------------------------------

def add_document(actor, consultation, *, filename, data, now=None):
    """The host or a moderator attaches a PDF (checked by its content, stored under a random name)."""
    permissions.require(actor, "consultation.manage", consultation)
    name = uploads.clean_name(filename)
    if data and uploads.sniff(data) != uploads.PDF:
        raise DomainError(_("Berkas %(name)s bukan PDF. Dokumen konsultasi harus berformat PDF.", name=name),
                          field="document")
    try:
        _type, clean = uploads.check_and_clean(name, data, allowed=(uploads.PDF,))
    except DomainError as e:
        raise DomainError(e.message, field="document") from None
    now = now or clock.now()
    stored = uploads.store(clean, uploads.PDF)
    try:
        document = ConsultationDocument(consultation=consultation, stored_name=stored,
                                        original_name=uploads.display_name(name, uploads.PDF),
                                        size=len(clean), uploaded_by_id=actor.id, created_at=now)
        db.session.add(document)
        audit.record(actor, "consultation.document_added", consultation, now=now, document=name)
        db.session.commit()
    except Exception:
        db.session.rollback()
        uploads.delete(stored)  # an operation completes or leaves nothing behind
        raise
    return document


def get_document(consultation, document_id):
    document = db.session.get(ConsultationDocument, document_id)
    if document is None or document.consultation_id != consultation.id:
        raise NotFound(_("Dokumen tidak ditemukan."))
    return document


def remove_document(actor, document, now=None):
    """The host or a moderator removes a document (the file goes once the row is gone)."""
    consultation = document.consultation
    permissions.require(actor, "consultation.manage", consultation)
    now = now or clock.now()
    stored, name = document.stored_name, document.original_name
    db.session.delete(document)
    audit.record(actor, "consultation.document_removed", consultation, now=now, document=name)
    db.session.commit()
    uploads.delete(stored)


# --- participants -----------------------------------------------------------------------------------

def register(actor, consultation, *, stakeholder_category, vulnerable_group=False, organisation_id=None,
             now=None):
    """A verified person registers once, while the consultation is open or closed and before the meeting."""
    permissions.require(actor, "consultation.register", consultation)
    now = now or clock.now()
    if meeting_passed(consultation, now):
        raise DomainError(_("Pendaftaran sudah ditutup karena pertemuan sudah dimulai."))
    if stakeholder_category not in STAKEHOLDER_CATEGORIES:
        raise DomainError(_("Pilih kategori pemangku kepentingan."), field="stakeholder_category")
    if organisation_id:
        if not any(org.id == organisation_id and org.status == "verified"
                   for org in getattr(actor, "approved_organisations", [])):
            raise DomainError(_("Anda hanya dapat mewakili organisasi terverifikasi tempat Anda menjadi anggota."),
                              field="organisation_id")
    if participant_of(consultation, actor) is not None:
        raise DomainError(_("Anda sudah terdaftar pada konsultasi ini."))
    participant = Participant(consultation=consultation, user_id=actor.id, organisation_id=organisation_id or None,
                              stakeholder_category=stakeholder_category, vulnerable_group=bool(vulnerable_group),
                              registered_at=now)
    db.session.add(participant)
    try:
        audit.record(actor, "consultation.registered", consultation, now=now, category=stakeholder_category)
        db.session.commit()
    except IntegrityError:  # a double submit raced past the check above
        db.session.rollback()
        raise DomainError(_("Anda sudah terdaftar pada konsultasi ini.")) from None
    return participant


def cancel_registration(actor, consultation, now=None):
    """A registrant withdraws, until the meeting starts."""
    permissions.require(actor, "account.use")
    now = now or clock.now()
    participant = participant_of(consultation, actor)
    if participant is None:
        raise DomainError(_("Anda tidak terdaftar pada konsultasi ini."))
    if meeting_passed(consultation, now):
        raise DomainError(_("Pendaftaran tidak dapat dibatalkan setelah pertemuan dimulai."))
    db.session.delete(participant)
    audit.record(actor, "consultation.registration_cancelled", consultation, now=now)
    db.session.commit()


def get_participant(consultation, participant_id):
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.consultation_id != consultation.id:
        raise NotFound(_("Peserta tidak ditemukan."))
    return participant


def mark_attendance(actor, participant, attended, now=None):
    """The host or a moderator records who attended, once the meeting time has come."""
    consultation = participant.consultation
    permissions.require(actor, "consultation.manage", consultation)
    now = now or clock.now()
    if consultation.stage == DRAFT or consultation.meeting_at is None or now < consultation.meeting_at:
        raise DomainError(_("Kehadiran baru dapat dicatat setelah pertemuan dimulai."))
    participant.attended = bool(attended)
    participant.attendance_marked_at = now
    audit.record(actor, "consultation.attendance", consultation, now=now, participant=participant.id,
                 attended=bool(attended))
    db.session.commit()
    return participant


def participants(consultation):
    """Registrants with their user and organisation, in registration order (one query each)."""
    return db.session.scalars(
        select(Participant).options(selectinload(Participant.user), selectinload(Participant.organisation))
        .where(Participant.consultation_id == consultation.id)
        .order_by(Participant.registered_at, Participant.id)).all()


def composition(consultation):
    """Who registered and who attended, by stakeholder category, in one query.

    Returns {"rows": [{"category", "label", "registered", "attended", "vulnerable_registered",
    "vulnerable_attended"}] for every category, "registered", "attended", "vulnerable_registered",
    "vulnerable_attended" (totals), "missing": [categories with nobody registered],
    "missing_labels", "max": the largest registered count (at least 1, for bar charts)}.
    """
    attended = case((Participant.attended.is_(True), 1), else_=0)
    vulnerable = case((Participant.vulnerable_group.is_(True), 1), else_=0)
    both = case((and_(Participant.attended.is_(True), Participant.vulnerable_group.is_(True)), 1), else_=0)
    counts = {row[0]: row[1:] for row in db.session.execute(
        select(Participant.stakeholder_category, func.count(Participant.id), func.sum(attended),
               func.sum(vulnerable), func.sum(both))
        .where(Participant.consultation_id == consultation.id)
        .group_by(Participant.stakeholder_category))}
    rows = []
    for code, label in STAKEHOLDER_CATEGORIES.items():
        registered, came, vulnerable_n, vulnerable_came = (int(v or 0) for v in counts.get(code, (0, 0, 0, 0)))
        rows.append({"category": code, "label": label, "registered": registered, "attended": came,
                     "vulnerable_registered": vulnerable_n, "vulnerable_attended": vulnerable_came})
    missing = [r["category"] for r in rows if r["registered"] == 0]
    return {
        "rows": rows,
        "registered": sum(r["registered"] for r in rows),
        "attended": sum(r["attended"] for r in rows),
        "vulnerable_registered": sum(r["vulnerable_registered"] for r in rows),
        "vulnerable_attended": sum(r["vulnerable_attended"] for r in rows),
        "missing": missing,
        "missing_labels": [STAKEHOLDER_CATEGORIES[c] for c in missing],
        "max": max([1] + [r["registered"] for r in rows]),
    }

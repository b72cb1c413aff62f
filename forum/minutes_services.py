"""Berita acara (the minutes of a held FKP meeting) and the follow-up actions its agreements become.

Every state change is one function that checks the permission and the rule, writes the change and
its audit event, and commits once; a rule that forbids it raises DomainError / NotAllowed with a
sentence for the person, and nothing is written then. Reading helpers (the tracker page, an
input's trail, the PDF) change nothing.
"""
from datetime import date

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from accounts.models import Unit, User
from core import audit, clock, permissions, uploads
from core.errors import DomainError, NotAllowed, NotFound
from core.extensions import db
from core.i18n import format_day
from core.i18n import gettext as _

from . import consultation_services, minutes_pdf, notice_services
from .models import (ACTION_STATUS_LABELS, CANCELLED, COMPLETED, DONE, DRAFT, FINISHED_ACTION_STATUSES, FOLLOW_UP,
                     IN_PROGRESS, PLANNED, ActionProgress, Agreement, Minutes, Consultation, FollowUpAction,
                     ForumInput, Participant)

__all__ = ["DomainError", "NotAllowed", "NotFound"]

MAX_AGREEMENTS = 50
MAX_SIGNATORIES = 20
# Forward only: a finished action (selesai, dibatalkan) never changes again.
STATUS_ORDER = {PLANNED: 0, IN_PROGRESS: 1, DONE: 2}
PLAN_CREATED, PLAN_UPDATED = "berita_acara.created", "berita_acara.updated"


# --- lookups ------------------------------------------------------------------------------------

def get_minutes(consultation):
    return db.session.scalar(select(Minutes).options(selectinload(Minutes.agreements)
                                                     .selectinload(Agreement.action))
                             .where(Minutes.consultation_id == consultation.id))


def get_action(action_id):
    action = db.session.scalar(select(FollowUpAction).options(
        joinedload(FollowUpAction.unit), joinedload(FollowUpAction.consultation).joinedload(Consultation.unit),
        joinedload(FollowUpAction.agreement).joinedload(Agreement.input),
        selectinload(FollowUpAction.progress)).where(FollowUpAction.id == action_id))
    if action is None:
        raise NotFound(_("Tindak lanjut tidak ditemukan."))
    return action


def is_published(minutes):
    return minutes is not None and minutes.published_at is not None


def attendees(consultation):
    """Registered participants marked present, by name, with their user and organisation loaded."""
    return db.session.scalars(
        select(Participant).join(Participant.user)
        .options(joinedload(Participant.user), joinedload(Participant.organisation))
        .where(Participant.consultation_id == consultation.id, Participant.attended.is_(True))
        .order_by(User.full_name, Participant.id)).all()


def other_attendee_lines(minutes):
    return [line.strip() for line in (minutes.other_attendees or "").splitlines() if line.strip()]


# --- writing the berita acara ---------------------------------------------------------------------

def _clean(value):
    return (value or "").strip()


def _check_agreements(consultation, agreements, held_date):
    rows = []
    input_ids = {i for i in db.session.scalars(select(ForumInput.id).where(
        ForumInput.consultation_id == consultation.id))}
    units = {}
    for position, row in enumerate(agreements, start=1):
        text = _clean(row.get("text"))
        if not text:
            continue  # empty rows of the form are ignored
        unit_id = row.get("unit_id")
        unit = units.get(unit_id) or (db.session.get(Unit, unit_id) if unit_id else None)
        if unit is None or not unit.is_active:
            raise DomainError(_("Kesepakatan baris %(n)s: pilih unit penanggung jawab yang masih aktif.", n=position))
        units[unit_id] = unit
        target = row.get("target_date")
        if not isinstance(target, date):
            raise DomainError(_("Kesepakatan baris %(n)s: isi tanggal target.", n=position))
        if target < held_date:
            raise DomainError(_("Kesepakatan baris %(n)s: tanggal target tidak boleh sebelum tanggal forum.",
                                n=position))
        input_id = row.get("input_id") or None
        if input_id is not None and input_id not in input_ids:
            raise DomainError(_("Kesepakatan baris %(n)s: masukan yang dipilih bukan dari konsultasi ini.",
                                n=position))
        rows.append({"text": text, "unit_id": unit.id, "target_date": target, "input_id": input_id})
    if len(rows) > MAX_AGREEMENTS:
        raise DomainError(_("Paling banyak %(n)s kesepakatan.", n=MAX_AGREEMENTS))
    return rows


def _check_signatories(signatories):
    rows = []
    for position, row in enumerate(signatories, start=1):
        name, job, org = _clean(row.get("name")), _clean(row.get("position")), _clean(row.get("organisation"))
        if not (name or job or org):
            continue
        if not name:
            raise DomainError(_("Penanda tangan baris %(n)s: isi nama.", n=position))
        rows.append({"name": name[:200], "position": job[:200], "organisation": org[:200]})
    if len(rows) > MAX_SIGNATORIES:
        raise DomainError(_("Paling banyak %(n)s penanda tangan.", n=MAX_SIGNATORIES))
    return rows


def save_minutes(actor, consultation, *, held_at, place, summary, signatories, other_attendees,
                 agreements, now=None):
    """Record (or correct, while unpublished) the minutes of a meeting that has taken place.

    Agreements are numbered 1..n in the order given; rows without text are skipped.
    """
    permissions.require(actor, "consultation.manage", consultation)
    now = now or clock.now()
    if consultation.stage == DRAFT:
        raise DomainError(_("Konsultasi ini belum diterbitkan."))
    minutes = get_minutes(consultation)
    if is_published(minutes):
        raise DomainError(_("Berita acara sudah diterbitkan dan tidak dapat diubah lagi."))
    if not consultation_services.meeting_passed(consultation, now):
        raise DomainError(_("Berita acara baru dapat dibuat setelah forum dilaksanakan."))
    if held_at is None:
        raise DomainError(_("Isi waktu pelaksanaan forum."), field="held_at")
    if held_at > now:
        raise DomainError(_("Waktu pelaksanaan tidak boleh di masa depan."), field="held_at")
    place, summary = _clean(place), _clean(summary)
    if not place:
        raise DomainError(_("Isi tempat pelaksanaan."), field="place")
    if not summary:
        raise DomainError(_("Isi ringkasan jalannya forum."), field="summary")
    rows = _check_agreements(consultation, agreements or [], clock.to_local(held_at).date())
    people = _check_signatories(signatories or [])

    created = minutes is None
    if created:
        minutes = Minutes(consultation=consultation, created_by_id=actor.id, created_at=now)
        db.session.add(minutes)
    minutes.held_at = held_at
    minutes.place = place[:300]
    minutes.summary = summary
    minutes.signatories = people
    minutes.other_attendees = _clean(other_attendees) or None
    minutes.updated_at = now
    # Reuse the existing rows by position, so the numbers never collide with the unique constraint.
    existing = list(minutes.agreements)
    for number, row in enumerate(rows, start=1):
        if number <= len(existing):
            agreement = existing[number - 1]
        else:
            agreement = Agreement(number=number)
            minutes.agreements.append(agreement)
        agreement.text, agreement.input_id = row["text"], row["input_id"]
        agreement.unit_id, agreement.target_date = row["unit_id"], row["target_date"]
        agreement.number = number
    for agreement in existing[len(rows):]:
        minutes.agreements.remove(agreement)
    # The audit event keeps each saved version of the plan, for the record.
    plan = [{"number": number, "unit_id": row["unit_id"], "target_date": row["target_date"].isoformat()}
            for number, row in enumerate(rows, start=1)]
    audit.record(actor, PLAN_CREATED if created else PLAN_UPDATED, minutes, now=now,
                 consultation=consultation.slug, signatories=len(people), plan=plan)
    db.session.commit()
    return minutes


def agreement_plan(minutes):
    """{agreement number: (unit_id, target_date)} as last saved."""
    if minutes is None:
        return {}
    return {a.number: (a.unit_id, a.target_date) for a in minutes.agreements if a.unit_id and a.target_date}


def upload_signed_scan(actor, minutes, filename, data, *, now=None):
    """Attach the scan of the signed berita acara (PDF only); after publishing, only if none is there yet."""
    permissions.require(actor, "consultation.manage", minutes.consultation)
    now = now or clock.now()
    if is_published(minutes) and minutes.signed_scan_stored_name:
        raise DomainError(_("Pindaian berita acara yang sudah diterbitkan tidak dapat diganti."), field="scan")
    if data and uploads.sniff(data) != uploads.PDF:
        raise DomainError(_("Pindaian harus berupa berkas PDF."), field="scan")
    try:
        _type, cleaned = uploads.check_and_clean(filename, data, allowed=(uploads.PDF,))
    except DomainError as e:
        raise DomainError(e.message, field="scan") from None
    old = minutes.signed_scan_stored_name
    stored = uploads.store(cleaned, uploads.PDF)
    minutes.signed_scan_stored_name = stored
    minutes.signed_scan_original_name = uploads.display_name(filename, uploads.PDF)
    minutes.updated_at = now
    audit.record(actor, "berita_acara.scan_uploaded", minutes, now=now,
                 name=minutes.signed_scan_original_name, size=len(cleaned), replaced=bool(old) or None)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        uploads.delete(stored)
        raise
    if old:
        uploads.delete(old)
    return minutes


def publish_minutes(actor, minutes, *, now=None):
    """Publish the minutes: each agreement becomes a planned follow-up action, the consultation
    moves to follow-up, and the berita acara can no longer be edited."""
    consultation = minutes.consultation
    permissions.require(actor, "consultation.manage", consultation)
    now = now or clock.now()
    # Two moderators pressing the button at once: the row lock serialises them (PostgreSQL).
    db.session.refresh(minutes, with_for_update=True)
    if is_published(minutes):
        raise DomainError(_("Berita acara sudah diterbitkan."))
    agreements = list(minutes.agreements)
    if not agreements:
        raise DomainError(_("Tulis paling sedikit satu kesepakatan sebelum menerbitkan."))
    if not minutes.signatories:
        raise DomainError(_("Tulis paling sedikit satu penanda tangan sebelum menerbitkan."))
    plan = agreement_plan(minutes)
    for agreement in agreements:
        if agreement.number not in plan:
            raise DomainError(_("Kesepakatan nomor %(n)s belum memiliki unit penanggung jawab dan tanggal target; "
                                "simpan ulang berita acara.", n=agreement.number))
        unit_id, target_date = plan[agreement.number]
        db.session.add(FollowUpAction(agreement=agreement, consultation_id=consultation.id, unit_id=unit_id,
                                      target_date=target_date, status=PLANNED, created_at=now, updated_at=now))
    minutes.published_at = now
    minutes.published_by_id = actor.id
    minutes.updated_at = now
    consultation_services.move_to_follow_up(consultation, actor=actor, now=now)
    audit.record(actor, "berita_acara.published", minutes, now=now, consultation=consultation.slug,
                 agreements=len(agreements))
    notice_services.notify_minutes(consultation)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DomainError(_("Berita acara sudah diterbitkan.")) from None
    return minutes


# --- follow-up actions ------------------------------------------------------------------------------

def update_action(actor, action, *, status=None, note, cancel_reason=None, now=None):
    """A dated progress note, optionally moving the status forward (direncanakan → berjalan → selesai)
    or cancelling with a reason; a finished action (selesai, dibatalkan) never changes again."""
    permissions.require(actor, "action.update", action)
    now = now or clock.now()
    note = _clean(note)
    if action.status in FINISHED_ACTION_STATUSES:
        raise DomainError(_("Tindak lanjut ini sudah %(status)s dan tidak dapat diubah lagi.",
                            status=str(action.status_label).lower()))
    if not note:
        raise DomainError(_("Tulis catatan perkembangan."), field="note")
    status = status or None
    if status == action.status:
        status = None
    if status is not None:
        if status not in ACTION_STATUS_LABELS:
            raise DomainError(_("Status tidak dikenal."), field="status")
        if status == CANCELLED:
            cancel_reason = _clean(cancel_reason)
            if not cancel_reason:
                raise DomainError(_("Tulis alasan pembatalan."), field="cancel_reason")
            action.cancel_reason = cancel_reason
        elif STATUS_ORDER[status] < STATUS_ORDER[action.status]:
            raise DomainError(_("Status tidak dapat dikembalikan ke %(status)s.",
                                status=str(ACTION_STATUS_LABELS[status]).lower()), field="status")
        action.status = status
        if status in FINISHED_ACTION_STATUSES:
            action.completed_at = now
    action.updated_at = now
    db.session.add(ActionProgress(action=action, note=note, status=status, author_id=actor.id, created_at=now))
    audit.record(actor, "follow_up_action.updated", action, now=now, status=status,
                 cancel_reason=cancel_reason if status == CANCELLED else None)
    if action.status in FINISHED_ACTION_STATUSES:
        db.session.flush()  # complete_if_done counts the finished actions in the database
        consultation_services.complete_if_done(action.consultation, now=now)
    notice_services.notify_action(action)
    db.session.commit()
    return action


def tracker_query(*, unit_id=None, status=None, overdue=False, today=None):
    """Actions of published minutes, across consultations, filtered; soonest target first."""
    query = (select(FollowUpAction)
             .options(joinedload(FollowUpAction.unit), joinedload(FollowUpAction.agreement),
                      joinedload(FollowUpAction.consultation))
             .order_by(FollowUpAction.target_date, FollowUpAction.id))
    if unit_id:
        query = query.where(FollowUpAction.unit_id == unit_id)
    if status in ACTION_STATUS_LABELS:
        query = query.where(FollowUpAction.status == status)
    if overdue:
        query = query.where(FollowUpAction.status.not_in(FINISHED_ACTION_STATUSES),
                            FollowUpAction.target_date < (today or clock.to_local(clock.now()).date()))
    return query


def tracker_page(unit_id=None, status=None, overdue=False, today=None, page=1, per_page=None):
    """One page of the public tracker: two queries (count and rows) whatever the number of actions."""
    return db.paginate(tracker_query(unit_id=unit_id, status=status, overdue=overdue, today=today),
                       page=page, per_page=per_page or current_app.config["PER_PAGE"], error_out=True)


def local_today(now=None):
    return clock.to_local(now or clock.now()).date()


# --- the input's trail ------------------------------------------------------------------------------

def _step(kind, at, label, text=None, url=None):
    return {"kind": kind, "at": at, "label": label, "text": text, "url": url}


def trail_for_input(forum_input):
    """The input's whole trail as a list of steps: input → response → agreement → action → done.

    Each step: {"kind": str, "at": datetime | date | None, "label": str, "text": str | None,
    "url": str | None}. Rendered by templates/forum/_trail.html. Only published minutes count.
    """
    if forum_input.is_hidden:
        # A hidden input's title and text reach nobody through its trail (nor the page cache).
        steps = [_step("input", forum_input.created_at, _("Masukan disampaikan (disembunyikan oleh moderator)"))]
    else:
        steps = [_step("input", forum_input.created_at, _("Masukan disampaikan"), forum_input.title)]
    response = forum_input.response
    if response is not None:
        steps.append(_step("response", response.created_at,
                           _("Tanggapan resmi: %(disposition)s", disposition=response.disposition_label),
                           response.reason))
    # Published minutes move their consultation to follow-up (and only from there to completed):
    # before that no agreement can name the input, and the page need not ask.
    if forum_input.consultation.stage not in (FOLLOW_UP, COMPLETED):
        return steps
    agreements = db.session.scalars(
        select(Agreement).join(Agreement.minutes)
        .options(joinedload(Agreement.minutes).joinedload(Minutes.consultation),
                 joinedload(Agreement.action).joinedload(FollowUpAction.unit),
                 joinedload(Agreement.action).selectinload(FollowUpAction.progress))
        .where(Agreement.input_id == forum_input.id, Minutes.published_at.is_not(None))
        .order_by(Agreement.berita_acara_id, Agreement.number)).unique().all()
    for agreement in agreements:
        minutes = agreement.minutes
        steps.append(_step("agreement", minutes.held_at,
                           _("Kesepakatan nomor %(n)s dalam berita acara", n=agreement.number), agreement.text,
                           url_for("forum.minutes_pdf", slug=minutes.consultation.slug)))
        action = agreement.action
        if action is None:
            continue
        action_url = url_for("forum.action", action_id=action.id)
        steps.append(_step("action", action.created_at,
                           _("Tindak lanjut oleh %(unit)s, target %(date)s", unit=action.unit.name,
                             date=format_day(action.target_date)), None, action_url))
        for progress in action.progress:
            if progress.status in FINISHED_ACTION_STATUSES:
                continue  # shown as the closing step below
            label = (_("Status menjadi %(status)s", status=ACTION_STATUS_LABELS[progress.status])
                     if progress.status else _("Catatan perkembangan"))
            steps.append(_step("progress", progress.created_at, label, progress.note, action_url))
        if action.status == DONE:
            last = next((p for p in reversed(action.progress) if p.status == DONE), None)
            steps.append(_step("done", action.completed_at, _("Selesai"), last.note if last else None, action_url))
        elif action.status == CANCELLED:
            steps.append(_step("cancelled", action.completed_at, _("Dibatalkan"), action.cancel_reason, action_url))
    return steps


# --- the PDF ----------------------------------------------------------------------------------------

def render_pdf(minutes):
    """The berita acara as an A4 PDF (bytes), always in Bahasa Indonesia: it is the official record.

    Gathers what it lists (who attended, each agreement's unit and target) and lets minutes_pdf draw it.
    """
    plan = agreement_plan(minutes)
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(
        {a.action.unit_id for a in minutes.agreements if a.action} | {p[0] for p in plan.values()})))}
    return minutes_pdf.draw(minutes, present=attendees(minutes.consultation),
                            others=other_attendee_lines(minutes), plan=plan, units=units)


def published_minutes(consultation):
    """The published berita acara with agreements, actions and their units (three queries), or None."""
    if consultation.stage not in (FOLLOW_UP, COMPLETED):
        return None  # publishing is what moves a consultation to follow-up: none before that
    return db.session.scalar(
        select(Minutes).options(selectinload(Minutes.agreements).joinedload(Agreement.action)
                                .joinedload(FollowUpAction.unit))
        .where(Minutes.consultation_id == consultation.id, Minutes.published_at.is_not(None)))

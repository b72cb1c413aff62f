"""Accompaniment (pengawalan): a reporter asks a verified organisation to accompany their complaint.

The life of one accompaniment, each step one function (permission, rule, the row's change made by
compare-and-set, its timeline event, its audit event, its notices in the outbox, one commit):

    request_accompaniment (reporter) → accept_request / decline_request (the organisation)
                                     → withdraw_request (reporter, while it waits)
    accept_request → add_note (the organisation) … → end_accompaniment (reporter or organisation)

Who acts for the organisation is accounts' rule (`organisation.act_for`), asked through
`accompaniment.respond` and `accompaniment.follow` (core/permissions.py). What the organisation
sees is complaints.visibility's ACCOMPANIER view. A complaint has at most one requested-or-active
accompaniment (a partial unique index): a new request never replaces one silently; the reporter
withdraws or ends the current one first.

`accompaniment_counts` is the read function the scorecard uses.
"""
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.exc import IntegrityError

from accounts.models import ORG_VERIFIED, Organisation
from core import audit, calendar, clock, permissions
from core.errors import DomainError, NotAllowed, NotFound
from core.extensions import db
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l

from . import services
from .accompaniment_notices import acting_members, tell_members
from .models import (ACC_ACTIVE, ACC_DECLINED, ACC_ENDED, ACC_REQUESTED, ACC_WITHDRAWN, AWAITING_REPORTER, CLOSED,
                     ENDED_BY_ORGANISATION, ENDED_BY_REPORTER, LIVE_ACCOMPANIMENT, OPEN_STATUSES, REJECTED, RESOLVED,
                     Accompaniment, Complaint)

__all__ = ["DomainError", "NotAllowed", "NotFound", "accompaniment_counts", "acting_members"]

NOTE_MAX_LENGTH = 3000  # a note is a remark on the case, not a document
REASON_MAX_LENGTH = 2000


# --- lookups ----------------------------------------------------------------------------------

def verified_organisations(q=None):
    """The organisations a reporter may ask (a select() to paginate): verified ones, by name."""
    query = select(Organisation).where(Organisation.status == ORG_VERIFIED)
    needle = (q or "").strip()[:100]
    if needle:
        query = query.where(func.lower(Organisation.name).contains(needle.lower(), autoescape=True))
    return query.order_by(func.lower(Organisation.name), Organisation.id)


def live_accompaniment(complaint):
    """The complaint's requested or active accompaniment, or None."""
    return db.session.scalar(select(Accompaniment).where(Accompaniment.complaint_id == complaint.id,
                                                         Accompaniment.status.in_(LIVE_ACCOMPANIMENT)))


def get_accompaniment(complaint, accompaniment_id):
    accompaniment = db.session.get(Accompaniment, accompaniment_id)
    if accompaniment is None or accompaniment.complaint_id != complaint.id:
        raise NotFound(_("Pengawalan tidak ditemukan."))
    return accompaniment


def organisations_acted_for(user):
    """The organisations `user` acts for (accounts' `organisation.act_for`)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [org for org in user.approved_organisations if permissions.can(user, "organisation.act_for", org)]


def accompaniments_of(organisation_ids):
    """The accompaniments of these organisations (a select() to paginate): requests waiting first,
    then active ones, then the rest, newest first."""
    order = case((Accompaniment.status == ACC_REQUESTED, 0), (Accompaniment.status == ACC_ACTIVE, 1), else_=2)
    return (select(Accompaniment).where(Accompaniment.organisation_id.in_(list(organisation_ids) or [-1]))
            .order_by(order, Accompaniment.requested_at.desc(), Accompaniment.id.desc()))


def active_by_complaint(complaint_ids):
    """{complaint id: organisation name} of those complaints accompanied now (one query)."""
    if not complaint_ids:
        return {}
    rows = db.session.execute(
        select(Accompaniment.complaint_id, Organisation.name).join(Organisation)
        .where(Accompaniment.complaint_id.in_(list(complaint_ids)), Accompaniment.status == ACC_ACTIVE))
    return dict(rows.all())


def is_accompanied():
    """SQL condition on Complaint: accompanied now (the queue's filter)."""
    return select(Accompaniment.id).where(Accompaniment.complaint_id == Complaint.id,
                                          Accompaniment.status == ACC_ACTIVE).exists()


# --- steps ------------------------------------------------------------------------------------

def _event(accompaniment, actor, kind, *, now, role, message=None, **data):
    return services._event(accompaniment.complaint, actor, kind, now=now, public=False, role=role, message=message,
                           accompaniment_id=accompaniment.id, organisation=accompaniment.organisation.name,
                           organisation_id=accompaniment.organisation_id, **data)


def _audit(actor, action, accompaniment, now, **data):
    audit.record(actor, action, accompaniment.complaint, now=now, code=accompaniment.complaint.tracking_code,
                 accompaniment_id=accompaniment.id, organisation_id=accompaniment.organisation_id, **data)


def _move(accompaniment, from_status, **values):
    """Compare-and-set: change the row only if it is still in `from_status`; of two racing
    answers (two members accepting at once, a withdrawal and an accept) one wins."""
    won = db.session.execute(
        update(Accompaniment).where(Accompaniment.id == accompaniment.id, Accompaniment.status == from_status)
        .values(**values).execution_options(synchronize_session=False)).rowcount == 1
    if not won:
        db.session.rollback()
        raise DomainError(_("Pengawalan ini sudah berubah (dijawab, ditarik, atau diakhiri). Muat ulang halaman."))
    db.session.refresh(accompaniment)


def _tell_reporter(accompaniment, subject, text):
    complaint = accompaniment.complaint
    services._notify_reporter(complaint, subject, "complaint_accompaniment_reporter", text=text,
                              organisation=accompaniment.organisation)


def request_accompaniment(actor, complaint, *, organisation_id, share_identity=False, now=None):
    """The reporter asks a verified organisation to accompany their open complaint; its members
    accept or decline. One request or accompaniment at a time per complaint."""
    permissions.require(actor, "complaint.reporter", complaint)
    if complaint.status in (CLOSED, REJECTED):
        raise DomainError(_("Pengaduan ini sudah ditutup."))
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None or organisation.status != ORG_VERIFIED:
        raise DomainError(_("Pilih organisasi yang sudah terverifikasi."), field="organisation_id")
    if live_accompaniment(complaint) is not None:
        raise DomainError(_("Pengaduan ini sudah punya permintaan atau pengawalan yang berjalan. Tarik atau akhiri "
                            "dahulu sebelum meminta organisasi lain."))
    now = now or clock.now()
    accompaniment = Accompaniment(complaint=complaint, organisation=organisation, status=ACC_REQUESTED,
                                  share_identity=bool(share_identity), requested_at=now,
                                  requested_by_id=actor.id if getattr(actor, "is_authenticated", False) else None)
    db.session.add(accompaniment)
    try:
        db.session.flush()  # the partial unique index settles two racing requests
    except IntegrityError:
        db.session.rollback()
        raise DomainError(_("Pengaduan ini sudah punya permintaan atau pengawalan yang berjalan. Tarik atau akhiri "
                            "dahulu sebelum meminta organisasi lain.")) from None
    _event(accompaniment, actor, "accompaniment_requested", now=now, role="reporter",
           share_identity=bool(share_identity))
    _audit(actor, "complaint.accompaniment_requested", accompaniment, now, share_identity=bool(share_identity))
    tell_members(accompaniment, subject=_l("Permintaan pengawalan pengaduan %(code)s", code=complaint.tracking_code),
                 line=_l("Seorang pelapor meminta %(org)s mengawal pengaduan %(code)s. Terima atau tolak.",
                         org=organisation.name, code=complaint.tracking_code),
                 key=f"accompaniment-requested:{accompaniment.id}", now=now, to_list=True)
    try:
        db.session.commit()
    except IntegrityError:  # PostgreSQL may report the racing twin only at commit
        db.session.rollback()
        raise DomainError(_("Pengaduan ini sudah punya permintaan atau pengawalan yang berjalan. Tarik atau akhiri "
                            "dahulu sebelum meminta organisasi lain.")) from None
    return accompaniment


def withdraw_request(actor, accompaniment, *, now=None):
    """The reporter takes back a request the organisation has not answered yet."""
    permissions.require(actor, "complaint.reporter", accompaniment.complaint)
    if accompaniment.status != ACC_REQUESTED:
        raise DomainError(_("Hanya permintaan yang belum dijawab yang dapat ditarik."))
    now = now or clock.now()
    _move(accompaniment, ACC_REQUESTED, status=ACC_WITHDRAWN, decided_at=now)
    _event(accompaniment, actor, "accompaniment_withdrawn", now=now, role="reporter")
    _audit(actor, "complaint.accompaniment_withdrawn", accompaniment, now)
    complaint = accompaniment.complaint
    tell_members(accompaniment, subject=_l("Permintaan pengawalan %(code)s ditarik", code=complaint.tracking_code),
                 line=_l("Pelapor menarik permintaan pengawalan pengaduan %(code)s.", code=complaint.tracking_code),
                 key=f"accompaniment-withdrawn:{accompaniment.id}", now=now, to_list=True)
    db.session.commit()


def accept_request(actor, accompaniment, *, now=None):
    """A member accepts for the organisation: from now its members see the complaint and hear of it."""
    permissions.require(actor, "accompaniment.respond", accompaniment)
    complaint = accompaniment.complaint
    if complaint.status in (CLOSED, REJECTED):
        raise DomainError(_("Pengaduan ini sudah ditutup."))
    now = now or clock.now()
    _move(accompaniment, ACC_REQUESTED, status=ACC_ACTIVE, decided_at=now, decided_by_id=actor.id)
    _event(accompaniment, actor, "accompaniment_accepted", now=now, role="organisation")
    _audit(actor, "complaint.accompaniment_accepted", accompaniment, now)
    _tell_reporter(accompaniment, _l("%(org)s mengawal pengaduan %(code)s", org=accompaniment.organisation.name,
                                     code=complaint.tracking_code),
                   _l("%(org)s menerima permintaan Anda dan kini mengawal pengaduan ini.",
                      org=accompaniment.organisation.name))
    tell_members(accompaniment, subject=_l("Pengaduan yang Anda kawal: %(code)s", code=complaint.tracking_code),
                 line=_l("%(org)s kini mengawal pengaduan %(code)s.", org=accompaniment.organisation.name,
                         code=complaint.tracking_code),
                 key=f"accompaniment-accepted:{accompaniment.id}", now=now, skip=actor.id)
    db.session.commit()


def decline_request(actor, accompaniment, *, reason=None, now=None):
    """A member declines for the organisation: an organisation is never attached against its will."""
    permissions.require(actor, "accompaniment.respond", accompaniment)
    reason = (reason or "").strip() or None
    if reason and len(reason) > REASON_MAX_LENGTH:
        raise DomainError(_("Paling banyak %(n)s karakter.", n=REASON_MAX_LENGTH), field="reason")
    now = now or clock.now()
    _move(accompaniment, ACC_REQUESTED, status=ACC_DECLINED, decided_at=now, decided_by_id=actor.id, reason=reason)
    _event(accompaniment, actor, "accompaniment_declined", now=now, role="organisation", message=reason)
    _audit(actor, "complaint.accompaniment_declined", accompaniment, now)
    _tell_reporter(accompaniment, _l("Permintaan pengawalan pengaduan %(code)s ditolak",
                                     code=accompaniment.complaint.tracking_code),
                   _l("%(org)s tidak dapat mengawal pengaduan ini. Anda dapat meminta organisasi lain.",
                      org=accompaniment.organisation.name))
    db.session.commit()


def end_accompaniment(actor, accompaniment, *, reason=None, now=None):
    """The reporter ends it at any time; the organisation ends it with a reason. Past notes stay
    on the timeline for the reporter and the unit; the organisation's access and notices stop."""
    complaint = accompaniment.complaint
    if permissions.can(actor, "complaint.reporter", complaint):
        side = ENDED_BY_REPORTER
    elif permissions.can(actor, "accompaniment.follow", accompaniment):
        side = ENDED_BY_ORGANISATION
    else:
        raise NotAllowed(_("Anda tidak memiliki izin untuk tindakan ini."))
    if accompaniment.status != ACC_ACTIVE:
        raise DomainError(_("Hanya pengawalan yang sedang berjalan yang dapat diakhiri."))
    reason = (reason or "").strip() or None
    if side == ENDED_BY_ORGANISATION and not reason:
        raise DomainError(_("Tuliskan alasan mengakhiri pengawalan; pelapor akan membacanya."), field="reason")
    if reason and len(reason) > REASON_MAX_LENGTH:
        raise DomainError(_("Paling banyak %(n)s karakter.", n=REASON_MAX_LENGTH), field="reason")
    now = now or clock.now()
    actor_id = actor.id if getattr(actor, "is_authenticated", False) else None
    _move(accompaniment, ACC_ACTIVE, status=ACC_ENDED, ended_at=now, ended_by=side, ended_by_id=actor_id,
          reason=reason)
    _event(accompaniment, actor, "accompaniment_ended", now=now, role=side, message=reason, ended_by=side)
    _audit(actor, "complaint.accompaniment_ended", accompaniment, now, ended_by=side)
    org_name = accompaniment.organisation.name
    if side == ENDED_BY_ORGANISATION:
        _tell_reporter(accompaniment, _l("Pengawalan pengaduan %(code)s berakhir", code=complaint.tracking_code),
                       _l("%(org)s mengakhiri pengawalan pengaduan ini.", org=org_name))
    tell_members(accompaniment, subject=_l("Pengawalan pengaduan %(code)s berakhir", code=complaint.tracking_code),
                 line=_l("Pengawalan pengaduan %(code)s oleh %(org)s berakhir.", code=complaint.tracking_code,
                         org=org_name),
                 key=f"accompaniment-ended:{accompaniment.id}", now=now, skip=actor_id, to_list=True)
    db.session.commit()


def add_note(actor, accompaniment, *, text, now=None):
    """A member writes a note (Markdown) on the accompanied complaint: the reporter and the unit's
    handlers read it, the public never (a timeline event that is not public)."""
    permissions.require(actor, "accompaniment.follow", accompaniment)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Catatan tidak boleh kosong."), field="text")
    if len(text) > NOTE_MAX_LENGTH:
        raise DomainError(_("Paling banyak %(n)s karakter.", n=NOTE_MAX_LENGTH), field="text")
    now = now or clock.now()
    complaint = accompaniment.complaint
    org_name = accompaniment.organisation.name
    _event(accompaniment, actor, "accompaniment_note", now=now, role="organisation", message=text)
    _audit(actor, "complaint.accompaniment_note", accompaniment, now)
    _tell_reporter(accompaniment, _l("Catatan dari %(org)s untuk pengaduan %(code)s", org=org_name,
                                     code=complaint.tracking_code),
                   _l("%(org)s, yang mengawal pengaduan Anda, menambahkan catatan.", org=org_name))
    services._notify_staff(complaint, services.responsible_staff(complaint),
                           _l("Catatan organisasi pengawal pada pengaduan %(code)s", code=complaint.tracking_code),
                           "complaint_accompaniment_staff", organisation=accompaniment.organisation)
    tell_members(accompaniment, subject=_l("Catatan baru pada pengaduan %(code)s", code=complaint.tracking_code),
                 line=_l("Catatan baru dari %(org)s pada pengaduan %(code)s.", org=org_name,
                         code=complaint.tracking_code),
                 key=f"accompaniment-note:{accompaniment.id}:{now.isoformat()}", now=now, skip=actor.id)
    db.session.commit()


# --- the scorecard's read ------------------------------------------------------------------------

def _moment(value, *, end):
    """A datetime as given (aware); a date as the city's day: its start, or for `end` the start of
    the next day (so an end date is included)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime; pass an aware datetime")
        return value
    if isinstance(value, date):
        return calendar.start_of_day(value + timedelta(days=1) if end else value)
    raise TypeError("start and end are dates or aware datetimes")


def accompaniment_counts(unit_ids, start, end):
    """Accompanied complaints per unit, and how they ended, for the scorecard.

    A complaint counts for the period when an organisation accepted to accompany it within
    [start, end) (`start`/`end` aware datetimes; or dates, read as the city's days with `end`
    included), whatever became of the accompaniment later (still active, or ended by either side);
    a complaint accompanied twice in the period counts once. It counts for the unit it is routed to
    now (one not routed to any unit counts nowhere). `unit_ids`: the units to answer for (each gets a row, zeros included); None: every unit
    with an accompanied complaint in the period.

    Returns {unit_id: {"accompanied", "resolved", "resolved_within_sla", "forwarded", "rejected",
    "open"}} where, of the accompanied complaints, as they stand now:
    - resolved: resolved or closed after resolution (status resolved or closed);
    - resolved_within_sla: of those, resolved at or before their deadline (due_at);
    - forwarded: forwarded to SP4N-LAPOR! (by the sweep or a moderator), whatever their status;
    - rejected: rejected by a moderator;
    - open: still open (received, verified, in progress, awaiting the reporter).
    resolved + rejected + open == accompanied; forwarded overlaps them. One query. Rahasia and
    anonim complaints count like any other: only numbers leave this function.
    """
    start_at, end_at = _moment(start, end=False), _moment(end, end=True)
    # Driven from the accompaniments (few) into the complaints by primary key: a correlated EXISTS
    # would visit every complaint of the city on each scorecard page.
    accepted = Complaint.id.in_(select(Accompaniment.complaint_id).where(
        Accompaniment.decided_at >= start_at, Accompaniment.decided_at < end_at,
        Accompaniment.status.in_((ACC_ACTIVE, ACC_ENDED))))
    resolved = Complaint.status.in_((RESOLVED, CLOSED))

    def total(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    query = (select(Complaint.unit_id, func.count(Complaint.id), total(resolved),
                    total(and_(resolved, Complaint.resolved_at.is_not(None), Complaint.resolved_at <= Complaint.due_at)),
                    total(Complaint.forwarded_at.is_not(None)), total(Complaint.status == REJECTED),
                    total(Complaint.status.in_(OPEN_STATUSES + (AWAITING_REPORTER,))))
             .where(accepted, Complaint.unit_id.is_not(None)).group_by(Complaint.unit_id))
    if unit_ids is not None:
        unit_ids = list(unit_ids)
        query = query.where(Complaint.unit_id.in_(unit_ids or [-1]))
    keys = ("accompanied", "resolved", "resolved_within_sla", "forwarded", "rejected", "open")
    counts = {unit_id: dict.fromkeys(keys, 0) for unit_id in (unit_ids or ())}
    for unit_id, *numbers in db.session.execute(query).all():
        counts[unit_id] = dict(zip(keys, (int(n) for n in numbers)))
    return counts


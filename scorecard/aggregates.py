"""Refreshing the scorecard's figures from the other pillars' records (read only).

Three kinds of figures (models.py):

- **Daily figures**, per unit, local day and key, each source anchored to one date so that a
  change to a record only ever changes the days of its own anchor:
  complaints ("c.") to the day they were received (a cohort: "of the complaints received in the
  period, how many were resolved, on time, ..."); consultations ("f.") to the day they were
  published, with their inputs, responses and participants; follow-up actions ("fa.") to their
  target date. The working days to resolution are stored as a distribution ("c.days:N": how many
  complaints took N working days), so a median over any period comes from summed counts.
- **Monthly figures**: the daily ones summed per calendar month, kept in step with them; a
  period reads whole months from here and only its partial first and last months from the days.
- **Snapshot figures**: what is true now (open and overdue complaints, consultations in the last
  12 months and the forum's idle flag, certificate coverage, certificates expiring soon). Taken
  whole at each refresh with a few grouped queries: they are small (one row per unit and key).

Incremental refresh: the refresh state keeps a watermark. A refresh finds the anchor days of the
records changed after it (their updated_at, an event or audit entry, a deadline or target date
that has passed since) and recomputes those days whole, for every unit: delete the days' rows,
insert them anew. Recomputing a day is idempotent, so doing it twice (an overlap, a retry, two
workers one after the other) never counts anything twice. The new watermark is the refresh's
start minus SCORECARD_WATERMARK_OVERLAP_SECONDS, so a transaction that committed a little after
its own timestamp is still seen. What leaves no timestamp at all (a working-day calendar
correction changing past durations, a transaction open longer than the overlap) is caught by the
full rebuild the worker runs every SCORECARD_FULL_REBUILD_HOURS, and by `flask scorecard rebuild`.

Two workers at once: each refresh first locks the one refresh-state row (PostgreSQL: FOR UPDATE,
the worker's sweep with SKIP LOCKED so the second one simply skips its turn; SQLite: an UPDATE,
which takes the database's write lock), so refreshes take turns and each starts from the
watermark the previous one committed.
"""
from collections import defaultdict
from datetime import timedelta

from flask import current_app
from sqlalchemy import Date, and_, case, delete, func, literal, or_, select, update

from accounts.models import Unit
from complaints.models import (FORWARD_SLA, OPEN_STATUSES, REJECTED, AWAITING_REPORTER, Complaint,
                               ComplaintEvent)
from core import audit, calendar, clock, worker
from core.extensions import db

from .measures import DAY_BUCKETS
from .models import NO_UNIT, DailyFigure, MonthlyFigure, RefreshState, SnapshotFigure

STATE_ID = 1
CHUNK = 500
SOURCES = ("c.", "f.", "fa.")


# --- days and months ---------------------------------------------------------------------------

def local_day(moment):
    return clock.to_local(moment).date()


def month_of(day):
    return day.replace(day=1)


def next_month(day):
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _ranges(days):
    """Sorted days grouped into contiguous (first, last) ranges: one query per range."""
    ranges = []
    for day in sorted(days):
        if ranges and day == ranges[-1][1] + timedelta(days=1):
            ranges[-1][1] = day
        else:
            ranges.append([day, day])
    return [tuple(r) for r in ranges]


def _moment_ranges(column, days):
    """A condition: column's local day is one of `days` (as UTC ranges, index-friendly)."""
    return or_(*[and_(column >= calendar.start_of_day(first), column < calendar.start_of_day(last + timedelta(days=1)))
                 for first, last in _ranges(days)])


def _chunks(items, size=CHUNK):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


class WorkingDayIndex:
    """Working days between two local dates by subtraction: ordinal[d] counts working days up to d."""

    def __init__(self, first, last):
        cal = calendar.WorkingCalendar(first, last)
        self.first, self.last, self.ordinal, count = first, last, {}, 0
        day = first
        while day <= last:
            if cal.is_working_day(day):
                count += 1
            self.ordinal[day] = count
            day += timedelta(days=1)

    def between(self, first, last):
        """Working days in (first, last]; 0 when last is not after first."""
        if last <= first:
            return 0
        return self.ordinal[last] - self.ordinal[first]


# --- complaints: anchored to the day received ----------------------------------------------------

def complaint_days_touched(since, now):
    """Days received of complaints changed after `since`, or whose deadline passed since then."""
    rows = db.session.scalars(select(Complaint.received_at).where(or_(
        Complaint.updated_at > since,
        and_(Complaint.status.in_(OPEN_STATUSES), Complaint.due_at > since, Complaint.due_at <= now))))
    return {local_day(moment) for moment in rows}


def compute_complaints(days, now):
    """{(unit, day, key): value} for complaints received on `days` (None: every day)."""
    columns = (Complaint.id, Complaint.unit_id, Complaint.received_at, Complaint.classification, Complaint.category,
               Complaint.confidential, Complaint.status, Complaint.resolved_at, Complaint.due_at,
               Complaint.verified_at, Complaint.verify_due_at, Complaint.forwarded_at, Complaint.forward_reason,
               Complaint.rating)
    query = select(*columns)
    if days is not None:
        if not days:
            return {}
        query = query.where(_moment_ranges(Complaint.received_at, days))
    complaints = db.session.execute(query).all()
    if not complaints:
        return {}
    disputed, paused = _complaint_events([c.id for c in complaints], every=days is None)
    # The zone is looked up once: this loop runs over every complaint in a full rebuild.
    zone = clock.local_zone()
    received_days = [c.received_at.astimezone(zone).date() for c in complaints]
    resolved_days = [c.resolved_at.astimezone(zone).date() if c.resolved_at else None for c in complaints]
    first = min(received_days)
    index = WorkingDayIndex(first, max([d for d in resolved_days if d] + [first]))
    figures = defaultdict(int)
    for c, day, resolved_day in zip(complaints, received_days, resolved_days):
        unit = c.unit_id or NO_UNIT
        keys = ["c.received", f"c.received.class:{c.classification}", f"c.received.cat:{c.category}"]
        if c.confidential:
            keys.append("c.confidential")
        if c.status == REJECTED:
            keys.append("c.rejected")
        if resolved_day is not None:
            keys.append("c.resolved")
            if c.resolved_at <= c.due_at:
                keys.append("c.resolved_on_time")
            spent = max(0, index.between(day, resolved_day) - paused.get(c.id, 0))
            keys.append(f"c.days:{min(spent, DAY_BUCKETS)}")
        elif c.status in OPEN_STATUSES and c.due_at < now:
            keys.append("c.open_past_due")
        if c.verified_at is not None:
            keys.append("c.verified")
            if c.verified_at <= c.verify_due_at:
                keys.append("c.verified_on_time")
        if c.forwarded_at is not None:
            keys.append("c.forwarded_auto" if c.forward_reason == FORWARD_SLA else "c.forwarded_manual")
        if c.rating:
            keys.append(f"c.rating:{c.rating}")
        if c.id in disputed:
            keys.append("c.disputed")
        for key in keys:
            figures[unit, day, key] += 1
    return figures


def _complaint_events(ids, every=False):
    """(ids disputed at least once, {id: working days paused waiting for the reporter})."""
    disputed, paused = set(), defaultdict(int)
    query = select(ComplaintEvent.complaint_id, ComplaintEvent.kind, ComplaintEvent.data).where(
        ComplaintEvent.kind.in_(("disputed", "resumed")))
    batches = [None] if every else list(_chunks(ids))
    for batch in batches:
        rows = db.session.execute(query if batch is None else query.where(ComplaintEvent.complaint_id.in_(batch)))
        for complaint_id, kind, data in rows:
            if kind == "disputed":
                disputed.add(complaint_id)
            else:
                paused[complaint_id] += int((data or {}).get("working_days_paused") or 0)
    return disputed, paused


# --- forum: consultations anchored to the day published; actions to their target date -------------

def consultation_days_touched(since, now):
    from forum.models import Consultation, ForumInput, OfficialResponse, Participant
    ids = set(db.session.scalars(select(Consultation.id).where(or_(
        Consultation.updated_at > since, and_(Consultation.response_due_at > since, Consultation.response_due_at <= now)))))
    ids |= set(db.session.scalars(select(ForumInput.consultation_id).where(
        or_(ForumInput.created_at > since, ForumInput.hidden_at > since))))
    ids |= set(db.session.scalars(select(ForumInput.consultation_id).join(OfficialResponse).where(
        OfficialResponse.updated_at > since)))
    ids |= set(db.session.scalars(select(Participant.consultation_id).where(
        or_(Participant.registered_at > since, Participant.attendance_marked_at > since))))
    # What leaves only an audit entry: a registration cancelled (the row is gone), an input shown again.
    touched_inputs = set()
    for object_type, object_id in db.session.execute(select(audit.AuditEvent.object_type, audit.AuditEvent.object_id).where(
            audit.AuditEvent.created_at > since, audit.AuditEvent.object_type.in_(("consultation", "foruminput")))):
        (ids if object_type == "consultation" else touched_inputs).add(object_id)
    if touched_inputs:
        ids |= set(db.session.scalars(select(ForumInput.consultation_id).where(ForumInput.id.in_(touched_inputs))))
    if not ids:
        return set()
    days = set()
    for batch in _chunks(ids):
        days |= {local_day(m) for m in db.session.scalars(select(Consultation.published_at).where(
            Consultation.id.in_(batch), Consultation.published_at.is_not(None)))}
    return days


def compute_consultations(days, now):
    from forum.models import Consultation, ForumInput, OfficialResponse, Participant
    query = select(Consultation.id, Consultation.unit_id, Consultation.published_at, Consultation.response_due_at).where(
        Consultation.published_at.is_not(None))
    if days is not None:
        if not days:
            return {}
        query = query.where(_moment_ranges(Consultation.published_at, days))
    consultations = {row.id: row for row in db.session.execute(query)}
    figures = defaultdict(int)
    for row in consultations.values():
        figures[row.unit_id, local_day(row.published_at), "f.consultations"] += 1
    every = days is None
    for batch in ([None] if every else list(_chunks(consultations))):
        def within(column):
            return True if batch is None else column.in_(batch)
        for consultation_id, responded_at, disposition in db.session.execute(
                select(ForumInput.consultation_id, OfficialResponse.created_at, OfficialResponse.disposition)
                .outerjoin(OfficialResponse, OfficialResponse.input_id == ForumInput.id)
                .where(within(ForumInput.consultation_id), ForumInput.hidden_at.is_(None))):
            c = consultations.get(consultation_id)
            if c is None:
                continue
            key = (c.unit_id, local_day(c.published_at))
            figures[key + ("f.inputs",)] += 1
            due = c.response_due_at
            if responded_at is not None:
                figures[key + ("f.responses_due",)] += 1
                figures[key + (f"f.disposition:{disposition}",)] += 1
                if due is None or responded_at <= due:
                    figures[key + ("f.responses_on_time",)] += 1
            elif due is not None and due < now:
                figures[key + ("f.responses_due",)] += 1
        for consultation_id, vulnerable in db.session.execute(
                select(Participant.consultation_id, Participant.vulnerable_group).where(within(Participant.consultation_id))):
            c = consultations.get(consultation_id)
            if c is None:
                continue
            key = (c.unit_id, local_day(c.published_at))
            figures[key + ("f.participants",)] += 1
            if vulnerable:
                figures[key + ("f.participants_vulnerable",)] += 1
    return figures


def action_days_touched(since, now):
    from forum.models import FollowUpAction
    since_day, today = local_day(since), local_day(now)
    return set(db.session.scalars(select(FollowUpAction.target_date).where(or_(
        FollowUpAction.updated_at > since,
        # Actions whose target date passed since: they may have become overdue without a change.
        and_(FollowUpAction.target_date >= since_day - timedelta(days=1), FollowUpAction.target_date < today)))))


def compute_actions(days, now):
    from forum.models import DONE, FINISHED_ACTION_STATUSES, FollowUpAction
    query = select(FollowUpAction.unit_id, FollowUpAction.target_date, FollowUpAction.status, FollowUpAction.completed_at)
    if days is not None:
        if not days:
            return {}
        query = query.where(or_(*[FollowUpAction.target_date.between(first, last) for first, last in _ranges(days)]))
    today = local_day(now)
    figures = defaultdict(int)
    for unit_id, target, status, completed_at in db.session.execute(query):
        if status == DONE:
            figures[unit_id, target, "fa.done"] += 1
            if completed_at is not None and local_day(completed_at) <= target:
                figures[unit_id, target, "fa.done_on_time"] += 1
        elif status not in FINISHED_ACTION_STATUSES and target < today:
            figures[unit_id, target, "fa.overdue"] += 1
    return figures


# (key prefix, days touched since, compute for days)
DAILY_SOURCES = (
    ("c.", complaint_days_touched, compute_complaints),
    ("f.", consultation_days_touched, compute_consultations),
    ("fa.", action_days_touched, compute_actions),
)


# --- snapshot -------------------------------------------------------------------------------------

def compute_snapshot(now):
    """{(unit, key): value} of what is true at `now`; a handful of grouped queries."""
    from forum import notice_services
    from forum.models import Consultation
    from training import report_services
    from training.models import Certificate
    from accounts.models import User
    figures = defaultdict(float)
    for unit_id, open_count, overdue in db.session.execute(
            select(Complaint.unit_id, func.count(Complaint.id),
                   func.sum(case((and_(Complaint.status.in_(OPEN_STATUSES), Complaint.due_at < now), 1), else_=0)))
            .where(Complaint.status.in_(OPEN_STATUSES + (AWAITING_REPORTER,)))
            .group_by(Complaint.unit_id)):
        unit = unit_id or NO_UNIT
        figures[unit, "c.open_now"] = open_count
        figures[unit, "c.overdue_now"] = overdue or 0
    for unit_id, count in db.session.execute(
            select(Consultation.unit_id, func.count(Consultation.id))
            .where(Consultation.published_at >= notice_services.idle_cutoff(now), Consultation.published_at <= now)
            .group_by(Consultation.unit_id)):
        figures[unit_id, "f.consultations_12m"] = count
    # The forum's own idle-unit check, as moderators see it.
    for unit in db.session.scalars(notice_services.idle_units_query(now)):
        figures[unit.id, "f.idle"] = 1
    units = db.session.scalars(select(Unit).where(Unit.is_active.is_(True))).all()
    modules = report_services.mandatory_modules()
    if units and modules:
        for row in report_services.completion(units, modules, now=now):
            figures[row["unit"].id, "t.asn"] = row["asn"]
            figures[row["unit"].id, f"t.module:{row['module'].id}"] = row["completed"]
        for unit_id, count in db.session.execute(
                select(User.unit_id, func.count(Certificate.id)).join(User, User.id == Certificate.user_id)
                .where(User.confirmed_asn(), Certificate.module_id.in_([m.id for m in modules]),
                       Certificate.revoked_at.is_(None), Certificate.expires_at > now,
                       Certificate.expires_at <= now + timedelta(days=30))
                .group_by(User.unit_id)):
            figures[unit_id, "t.expiring_30d"] = count
    return figures


# --- writing ----------------------------------------------------------------------------------------

def _replace_days(prefix, days, figures):
    """Delete the source's rows of these days (None: all) and insert the new figures."""
    condition = DailyFigure.measure_key.like(prefix.replace("_", r"\_") + "%", escape="\\")
    if days is None:
        db.session.execute(delete(DailyFigure).where(condition))
    else:
        for batch in _chunks(sorted(days)):
            db.session.execute(delete(DailyFigure).where(condition, DailyFigure.day.in_(batch)))
    rows = [{"unit_id": unit, "day": day, "measure_key": key, "value": value}
            for (unit, day, key), value in figures.items() if value]
    for batch in _chunks(rows, 5000):
        db.session.execute(DailyFigure.__table__.insert(), batch)


def _rebuild_months(months):
    """Recompute the monthly sums of these months from the daily rows (one delete + insert each)."""
    for month in sorted(months):
        end = next_month(month) - timedelta(days=1)
        db.session.execute(delete(MonthlyFigure).where(MonthlyFigure.month == month))
        db.session.execute(MonthlyFigure.__table__.insert().from_select(
            ["unit_id", "month", "measure_key", "value"],
            select(DailyFigure.unit_id, literal(month, Date), DailyFigure.measure_key, func.sum(DailyFigure.value))
            .where(DailyFigure.day >= month, DailyFigure.day <= end)
            .group_by(DailyFigure.unit_id, DailyFigure.measure_key)))


def _replace_snapshot(figures):
    db.session.execute(delete(SnapshotFigure))
    rows = [{"unit_id": unit, "measure_key": key, "value": float(value)} for (unit, key), value in figures.items()]
    for batch in _chunks(rows, 5000):
        db.session.execute(SnapshotFigure.__table__.insert(), batch)


def _lock_state(wait):
    """The refresh-state row, locked for this transaction; None when another refresh holds it (and not wait)."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(RefreshState).values(id=STATE_ID, days_recomputed=0).on_conflict_do_nothing())
    if dialect == "postgresql":
        db.session.commit()  # the row exists for everyone; now take turns on it
        return db.session.scalar(select(RefreshState).where(RefreshState.id == STATE_ID)
                                 .with_for_update(skip_locked=not wait).execution_options(populate_existing=True))
    # SQLite: an UPDATE takes the database's write lock now, before anything is read.
    db.session.execute(update(RefreshState).where(RefreshState.id == STATE_ID).values(days_recomputed=RefreshState.days_recomputed))
    return db.session.scalar(select(RefreshState).where(RefreshState.id == STATE_ID).execution_options(populate_existing=True))


def refresh(*, now=None, full=False, wait=True):
    """Bring the figures up to `now`: the touched days (or everything, `full`), the months, the snapshot.

    Returns {"days": days recomputed, "full": bool} or None when another refresh held the lock (wait=False).
    """
    now = now or clock.now()
    state = _lock_state(wait)
    if state is None:
        db.session.rollback()
        return None
    since = state.watermark
    full = full or since is None
    recomputed, months = 0, set()
    for prefix, touched, compute in DAILY_SOURCES:
        if full:
            figures = compute(None, now)
            _replace_days(prefix, None, figures)
            recomputed += len({day for _unit, day, _key in figures})
        else:
            days = touched(since, now)
            if not days:
                continue
            _replace_days(prefix, days, compute(days, now))
            recomputed += len(days)
            months |= {month_of(day) for day in days}
    if full:
        db.session.execute(delete(MonthlyFigure))
        months = {month_of(day) for day in db.session.scalars(select(DailyFigure.day).distinct())}
    _rebuild_months(months)
    _replace_snapshot(compute_snapshot(now))
    overlap = timedelta(seconds=current_app.config["SCORECARD_WATERMARK_OVERLAP_SECONDS"])
    state.watermark = now - overlap
    state.refreshed_at = now
    state.days_recomputed = recomputed
    if full:
        state.full_rebuild_at = now
    db.session.commit()
    return {"days": recomputed, "full": full}


@worker.sweep(order=80)  # after the complaint and forum sweeps, so their changes are in the figures
def refresh_sweep(now=None):
    """The worker's step: an incremental refresh at most every SCORECARD_REFRESH_SECONDS, and a full
    rebuild every SCORECARD_FULL_REBUILD_HOURS; skipped while another worker is refreshing."""
    now = now or clock.now()
    config = current_app.config
    state = db.session.get(RefreshState, STATE_ID)
    db.session.rollback()  # read without holding anything
    if state is not None and state.refreshed_at is not None and \
            now - state.refreshed_at < timedelta(seconds=config["SCORECARD_REFRESH_SECONDS"]):
        return {"skipped": "fresh"}
    full = state is None or state.full_rebuild_at is None or \
        now - state.full_rebuild_at >= timedelta(hours=config["SCORECARD_FULL_REBUILD_HOURS"])
    result = refresh(now=now, full=full, wait=False)
    return result if result is not None else {"skipped": "busy"}


def state():
    """The refresh state (when the figures were last brought up to date), or None before the first."""
    return db.session.get(RefreshState, STATE_ID)


def first_day():
    """The earliest day with a figure (for the period form's bounds)."""
    return db.session.scalar(select(func.min(DailyFigure.day)))


"""The public list of a unit's complaints, as FixMyStreet lists reports: what is listed, and how a
row reads. The pages (public_list_views.py) and the JSON API (api.py) both ask it.

Listed: a complaint a moderator verified (routed to a unit), not rejected, not rahasia, and not
kept off the list by a moderator (public_list_services.py). Never listed: one still waiting for
verification, a rejected one (not the city's authority, duplicate, invalid), a rahasia one (the
scorecard counts it; its content is never public), one a moderator hid. A row shows only what
complaints.visibility gives the PUBLIC viewer; it never carries the reporter's identity, anonim or
not (the public view has none).
"""
from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from core import calendar, clock
from core.extensions import db

from . import visibility
from .models import (AWAITING_REPORTER, CLOSED, IN_PROGRESS, OPEN_STATUSES, REJECTED, RESOLVED, STATUS_LABELS, VERIFIED,
                     Complaint)

# The statuses a listed complaint can have (it was verified and not rejected).
LISTED_STATUSES = (VERIFIED, IN_PROGRESS, AWAITING_REPORTER, RESOLVED, CLOSED)
LISTED_STATUS_LABELS = {status: STATUS_LABELS[status] for status in LISTED_STATUSES}
SORT_NEWEST, SORT_DEADLINE = "newest", "deadline"
SUMMARY_LENGTH = 200  # characters of the description a row shows; the tracking page has the rest

# The scorecard's unit page links to a unit's list by this endpoint (url_for(UNIT_LIST_ENDPOINT, unit_id=...)).
UNIT_LIST_ENDPOINT = "complaints.public_unit_list"
CITY_LIST_ENDPOINT = "complaints.public_list"


def unit_list_url(unit_id, **kwargs):
    """The public list of one unit's complaints (what the scorecard links to)."""
    return url_for(UNIT_LIST_ENDPOINT, unit_id=unit_id, **kwargs)


def listed():
    """The SQL condition of a listed complaint (its Python twin: is_listed)."""
    return (Complaint.verified_at.is_not(None) & Complaint.status.in_(LISTED_STATUSES)
            & Complaint.confidential.is_(False) & Complaint.public_list_hidden_at.is_(None))


def is_listed(complaint):
    """Whether this complaint is on its unit's public list (the SQL twin: listed())."""
    return (complaint.verified_at is not None and complaint.status in LISTED_STATUSES
            and not complaint.confidential and complaint.public_list_hidden_at is None)


LISTED, HIDDEN, CONFIDENTIAL, REJECTED_STATE, UNVERIFIED = "listed", "hidden", "confidential", "rejected", "unverified"


def listing_state(complaint):
    """Why this complaint is or is not on the public list (the case page says it in words)."""
    if is_listed(complaint):
        return LISTED
    if complaint.confidential:
        return CONFIDENTIAL
    if complaint.status == REJECTED:
        return REJECTED_STATE
    if complaint.public_list_hidden_at is not None:
        return HIDDEN
    return UNVERIFIED


def overdue_condition(now):
    """Overdue as Complaint.is_overdue says: the clock runs (not paused, not finished) and the deadline passed."""
    return Complaint.status.in_(OPEN_STATUSES) & (Complaint.due_at < now)


def list_query(*, now, unit_id=None, status=None, category=None, classification=None, overdue=None,
               sort=SORT_NEWEST):
    """The listed complaints matching the filters, newest first (or nearest deadline first).

    `overdue`: True only overdue ones, False only those not overdue, None both.
    """
    query = select(Complaint).options(selectinload(Complaint.unit)).where(listed())
    if unit_id is not None:
        query = query.where(Complaint.unit_id == unit_id)
    if status:
        query = query.where(Complaint.status == status)
    if category:
        query = query.where(Complaint.category == category)
    if classification:
        query = query.where(Complaint.classification == classification)
    if overdue is True:
        query = query.where(overdue_condition(now))
    elif overdue is False:
        query = query.where(~overdue_condition(now))
    if sort == SORT_DEADLINE:
        return query.order_by(Complaint.due_at, Complaint.id)
    return query.order_by(Complaint.received_at.desc(), Complaint.id.desc())


def working_days_overdue(due_at, now, working_calendar=None):
    """Working days since the deadline passed: those in (the deadline's local day, today]. The first
    working day after the deadline's day counts 1; a weekend right after a Friday deadline counts 0."""
    first, last = clock.to_local(due_at).date(), clock.to_local(now).date()
    if last <= first:
        return 0
    working_calendar = working_calendar or calendar.WorkingCalendar(first, last)
    return working_calendar.working_days_between(first, last)


@dataclass(frozen=True)
class PublicRow:
    """One listed complaint as the public reads it (never the reporter's identity)."""

    tracking_code: str
    title: str
    summary: str
    category: str
    category_label: str
    classification: str
    classification_label: str
    status: str
    status_label: str
    unit_id: int | None
    unit_name: str | None
    unit_short_name: str | None
    received_at: datetime
    due_at: datetime
    paused: bool
    overdue: bool
    overdue_working_days: int | None
    forwarded_at: datetime | None

    @property
    def forwarded(self):
        return self.forwarded_at is not None


def _summary(text):
    text = " ".join((text or "").split())
    return text if len(text) <= SUMMARY_LENGTH else text[:SUMMARY_LENGTH - 1].rstrip() + "…"


def rows(complaints, *, now):
    """The public rows of these listed complaints, with their overdue working days from one
    calendar read (however many rows)."""
    overdue = [c for c in complaints if c.is_overdue(now)]
    working_calendar = None
    if overdue:
        first = min(clock.to_local(c.due_at).date() for c in overdue)
        working_calendar = calendar.WorkingCalendar(first, clock.to_local(now).date())
    result = []
    for complaint in complaints:
        if not is_listed(complaint):  # a caller's mistake must not publish what the list keeps back
            raise ValueError(f"{complaint!r} is not on the public list")
        content = visibility.view_for(complaint, visibility.PUBLIC).content
        is_overdue = complaint.is_overdue(now)
        result.append(PublicRow(
            tracking_code=complaint.tracking_code, title=content["title"], summary=_summary(content["description"]),
            category=complaint.category, category_label=str(complaint.category_label),
            classification=complaint.classification, classification_label=str(complaint.classification_label),
            status=complaint.status, status_label=str(complaint.status_label),
            unit_id=complaint.unit_id, unit_name=complaint.unit.name if complaint.unit else None,
            unit_short_name=complaint.unit.short_name if complaint.unit else None,
            received_at=complaint.received_at, due_at=complaint.due_at,
            paused=complaint.status == AWAITING_REPORTER, overdue=is_overdue,
            overdue_working_days=working_days_overdue(complaint.due_at, now, working_calendar) if is_overdue else None,
            forwarded_at=complaint.forwarded_at))
    return result


def listed_count(unit_id=None):
    """How many complaints are on the public list (of a unit, or the city's)."""
    query = select(func.count(Complaint.id)).where(listed())
    if unit_id is not None:
        query = query.where(Complaint.unit_id == unit_id)
    return db.session.scalar(query)

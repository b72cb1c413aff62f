"""Who hears of an accompanied complaint: the members of the accompanying organisation.

Kept apart from accompaniment_services so that services._event (every timeline step) can call it
without an import cycle.
"""
from flask import url_for
from sqlalchemy import select

from accounts.models import MEMBER_APPROVED, OrganisationMembership, User
from core import notices, permissions
from core.extensions import db
from core.i18n import lazy_gettext as _l
from core.web import links_context

from .models import ACC_ACTIVE, ACCOMPANIMENT_EVENTS, Accompaniment
from .visibility import ACCOMPANIER, ComplaintView


def acting_members(organisation):
    """The people who act for the organisation: accounts' own rule (`organisation.act_for`: an
    approved member of a verified organisation, with an active account), asked of each member."""
    people = db.session.scalars(
        select(User).join(OrganisationMembership, OrganisationMembership.user_id == User.id)
        .where(OrganisationMembership.organisation_id == organisation.id,
               OrganisationMembership.status == MEMBER_APPROVED, User.active.is_(True))
        .order_by(User.id)).all()
    return [person for person in people if permissions.can(person, "organisation.act_for", organisation)]


def active_accompaniment(complaint):
    """The complaint's active accompaniment, or None (never flushes the caller's pending changes)."""
    if complaint.id is None:
        return None
    with db.session.no_autoflush:
        return db.session.scalar(select(Accompaniment).where(Accompaniment.complaint_id == complaint.id,
                                                             Accompaniment.status == ACC_ACTIVE))


def tell_members(accompaniment, *, subject, line, key, now, skip=None, to_list=False):
    """One notice to each member of the organisation (at once or in their daily digest, as each
    chose on their profile), linking to the complaint's page (`to_list`: to the organisation's list
    of accompaniments, where a request is answered). It says no more than `line`: no content, no
    identity. No commit: the caller commits."""
    complaint = accompaniment.complaint
    with links_context():
        url = (url_for("complaints.accompaniments", _external=True) if to_list
               else url_for("complaints.case", code=complaint.tracking_code, _external=True))
        for person in acting_members(accompaniment.organisation):
            if skip is not None and person.id == skip:
                continue
            notices.notify(person, subject=subject, template="complaint_accompaniment_notice",
                           key=f"{key}:{person.id}", line=line, url=url, now=now, text=line,
                           organisation=accompaniment.organisation)


def tell_members_of_event(complaint, event, *, actor_id, now):
    """A step on an accompanied complaint that the organisation may see: its members hear of it.

    The accompaniment's own steps (requests, notes, the end) send their own notices."""
    if event.kind in ACCOMPANIMENT_EVENTS:
        return
    accompaniment = active_accompaniment(complaint)
    if accompaniment is None:
        return
    if not ComplaintView(complaint, ACCOMPANIER, accompaniment=accompaniment).sees(event):
        return
    db.session.flush()  # the event's id, for the notices' keys
    tell_members(accompaniment, subject=_l("Pengaduan yang Anda kawal: %(code)s", code=complaint.tracking_code),
                 line=_l("Pengaduan %(code)s yang dikawal %(org)s: %(step)s", code=complaint.tracking_code,
                         org=accompaniment.organisation.name, step=event.label),
                 key=f"accompaniment-event:{event.id}", now=now, skip=actor_id)

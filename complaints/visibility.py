"""What a viewer may see of a complaint: the one answer the pages, the JSON API and the forward to
the national system ask, so no template, route or payload decides it again.

The viewers:
- PUBLIC: anyone holding the tracking code (the tracking page and the API), signed in or not;
- REPORTER: the person who filed it (their account, or a browser holding the reporter link);
- HANDLER: those who work on the case: moderators and admins, and the confirmed ASN of the unit
  it is routed to (`complaint.handle`);
- NATIONAL: SP4N-LAPOR!, which receives the forward: what the city may send on;
- ACCOMPANIER: those who act for (accounts' `organisation.act_for`) a verified organisation that
  the reporter asked to accompany (mengawal) the complaint and that accepted, while it lasts.

The two privacy options, as in SP4N-LAPOR!:
- anonim: no person (admins included) and not the national system sees the reporter's name,
  e-mail, phone or account; only the system reads them, to write to the reporter;
- rahasia: the public never reads the content (title, description, location), the public
  response or a message on the timeline; the national system gets the content and, like the
  public, not the response nor the resolution's words. The reporter and the handlers read all.

The accompanying organisation reads what the reporter reads (the content, the unit's response, the
public timeline with its messages) and the events of its own accompaniment (requests, notes, the
end), never the staff's internal notes nor the attachments (photos and documents often show who
sent them). It reads the reporter's name, e-mail and phone only when the reporter chose to share
them with it; that choice is the reporter's own and holds for anonim complaints too (the handlers
still do not see it). A rahasia complaint's content is shown to it as well: the reporter chose to
share the case with this organisation. Nothing of the accompaniment is public: its events are never
public, so the tracking page, the API and the national system never carry them.
"""
from sqlalchemy import select

from core import permissions
from core.extensions import db

from .models import ACC_ACTIVE, ACCOMPANIMENT_EVENTS, Accompaniment, ComplaintEvent

PUBLIC, REPORTER, HANDLER, NATIONAL = "public", "reporter", "handler", "national"
ACCOMPANIER = "organisation"

# The timeline messages that leave the city's hands when the complaint is not rahasia: the
# resolution (its public response) on the public pages; the rejection's reason too for SP4N-LAPOR!.
_SHARED_MESSAGES = {PUBLIC: ("resolved",), NATIONAL: ("resolved", "rejected")}


def view_for(complaint, viewer):
    """This viewer's view of this complaint. `viewer` is PUBLIC or NATIONAL, or a person (an
    account, a ReporterPass, an anonymous visitor): one who may handle the case gets the handler's
    view, its reporter the reporter's, a member of the organisation accompanying it the
    accompanier's, anyone else the public one."""
    if isinstance(viewer, str):
        if viewer not in (PUBLIC, NATIONAL):
            raise ValueError(f"no viewer named {viewer!r}")
        return ComplaintView(complaint, viewer)
    if permissions.can(viewer, "complaint.handle", complaint):
        return ComplaintView(complaint, HANDLER)
    if permissions.can(viewer, "complaint.reporter", complaint):
        return ComplaintView(complaint, REPORTER)
    accompaniment = accompaniment_followed_by(complaint, viewer)
    if accompaniment is not None:
        return ComplaintView(complaint, ACCOMPANIER, accompaniment=accompaniment)
    return ComplaintView(complaint, PUBLIC)


def accompaniment_followed_by(complaint, viewer):
    """The complaint's active accompaniment when `viewer` acts for its organisation, else None."""
    if not getattr(viewer, "is_authenticated", False):
        return None
    accompaniment = db.session.scalar(select(Accompaniment).where(Accompaniment.complaint_id == complaint.id,
                                                                  Accompaniment.status == ACC_ACTIVE))
    if accompaniment is not None and permissions.can(viewer, "accompaniment.follow", accompaniment):
        return accompaniment
    return None


def view_in_organisation_list(accompaniment, *, acts_for_organisation):
    """A row of an organisation's list of its accompaniments, for a person who acts for it
    (`acts_for_organisation`: accounts' `organisation.act_for`, asked once per organisation by the
    list): the accompanier's view while it is active; before it was accepted and after it ended,
    the public one (a rahasia complaint's title stays hidden until the organisation accepts)."""
    if acts_for_organisation and accompaniment.is_active:
        return ComplaintView(accompaniment.complaint, ACCOMPANIER, accompaniment=accompaniment)
    return ComplaintView(accompaniment.complaint, PUBLIC)


def reporter_contact(complaint):
    """The reporter's name, e-mail and phone as the system knows them, to write to the reporter.

    A person sees them only through a view's `identity`.
    """
    reporter = complaint.reporter
    return {"name": reporter.full_name if reporter else complaint.reporter_name,
            "email": reporter.email if reporter else complaint.reporter_email,
            "phone": complaint.reporter_phone}


class ComplaintView:
    """One viewer's view of one complaint (see the module's docstring). Each part is read when
    asked for: the public view never decrypts the reporter's contact."""

    def __init__(self, complaint, viewer, *, accompaniment=None):
        self.complaint = complaint
        self.viewer = viewer
        self.accompaniment = accompaniment  # ACCOMPANIER: the accompaniment it follows

    def __repr__(self):
        return f"<ComplaintView {self.complaint.tracking_code} for {self.viewer}>"

    @property
    def content(self):
        """{"title", "description", "location"}, or None when this viewer may not read them."""
        complaint = self.complaint
        if self.viewer == PUBLIC and complaint.confidential:
            return None
        return {"title": complaint.title, "description": complaint.description, "location": complaint.location}

    @property
    def response(self):
        """The public response, when one was written and this viewer may read it."""
        if self.viewer in (PUBLIC, NATIONAL) and self.complaint.confidential:
            return None
        return self.complaint.public_response

    @property
    def identity(self):
        """The reporter's name, e-mail and phone for the handlers and the national system (None for
        everyone when the complaint is anonim), and for an accompanying organisation the reporter
        chose to share them with; None for everyone else."""
        if self.viewer == ACCOMPANIER:
            return reporter_contact(self.complaint) if self.accompaniment.share_identity else None
        if self.viewer not in (HANDLER, NATIONAL) or self.complaint.anonymous:
            return None
        return reporter_contact(self.complaint)

    @property
    def attachments(self):
        """The files sent with the complaint and the reporter's replies: the handlers' and the
        reporter's only (the attachment route asks the same)."""
        return list(self.complaint.attachments) if self.viewer in (HANDLER, REPORTER) else []

    @property
    def internal_events(self):
        """Internal timeline events (notes, reminders) are the handlers' only."""
        return self.viewer == HANDLER

    def sees(self, event):
        if event.public or self.internal_events:
            return True
        if event.kind not in ACCOMPANIMENT_EVENTS:
            return False
        if self.viewer == REPORTER:
            return True
        return (self.viewer == ACCOMPANIER
                and (event.data or {}).get("accompaniment_id") == self.accompaniment.id)

    def message(self, event):
        """The words of a timeline event this viewer may read, or None."""
        if self.viewer in (HANDLER, REPORTER, ACCOMPANIER):
            return event.message if self.sees(event) else None
        if event.kind in _SHARED_MESSAGES[self.viewer] and not self.complaint.confidential:
            return event.message
        return None

    def timeline(self, *options, loaded=None):
        """The events this viewer sees, oldest first, in one query (loader `options` as for select()),
        or with none when the complaint's events were `loaded` with it (all of them)."""
        if loaded is not None:
            return [event for event in sorted(loaded, key=lambda e: (e.created_at, e.id)) if self.sees(event)]
        query = select(ComplaintEvent).options(*options).where(ComplaintEvent.complaint_id == self.complaint.id)
        if self.viewer in (REPORTER, ACCOMPANIER):
            query = query.where(ComplaintEvent.public.is_(True) | ComplaintEvent.kind.in_(ACCOMPANIMENT_EVENTS))
        elif not self.internal_events:
            query = query.where(ComplaintEvent.public.is_(True))
        events = db.session.scalars(query.order_by(ComplaintEvent.created_at, ComplaintEvent.id)).all()
        return [event for event in events if self.sees(event)]

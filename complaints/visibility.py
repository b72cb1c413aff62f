"""What a viewer may see of a complaint: the one answer the pages, the JSON API and the forward to
the national system ask, so no template, route or payload decides it again.

The viewers:
- PUBLIC: anyone holding the tracking code (the tracking page and the API), signed in or not;
- REPORTER: the person who filed it (their account, or a browser holding the reporter link);
- HANDLER: those who work on the case: moderators and admins, and the confirmed ASN of the unit
  it is routed to (`complaint.handle`);
- NATIONAL: SP4N-LAPOR!, which receives the forward: what the city may send on.

The two privacy options, as in SP4N-LAPOR!:
- anonim: no person (admins included) and not the national system sees the reporter's name,
  e-mail, phone or account; only the system reads them, to write to the reporter;
- rahasia: the public never reads the content (title, description, location), the public
  response or a message on the timeline; the national system gets the content and, like the
  public, not the response nor the resolution's words. The reporter and the handlers read all.
"""
from sqlalchemy import select

from core import permissions
from core.extensions import db

from .models import ComplaintEvent

PUBLIC, REPORTER, HANDLER, NATIONAL = "public", "reporter", "handler", "national"

# The timeline messages that leave the city's hands when the complaint is not rahasia: the
# resolution (its public response) on the public pages; the rejection's reason too for SP4N-LAPOR!.
_SHARED_MESSAGES = {PUBLIC: ("resolved",), NATIONAL: ("resolved", "rejected")}


def view_for(complaint, viewer):
    """This viewer's view of this complaint. `viewer` is PUBLIC or NATIONAL, or a person (an
    account, a ReporterPass, an anonymous visitor): one who may handle the case gets the handler's
    view, its reporter the reporter's, anyone else the public one."""
    if isinstance(viewer, str):
        if viewer not in (PUBLIC, NATIONAL):
            raise ValueError(f"no viewer named {viewer!r}")
        return ComplaintView(complaint, viewer)
    if permissions.can(viewer, "complaint.handle", complaint):
        return ComplaintView(complaint, HANDLER)
    if permissions.can(viewer, "complaint.reporter", complaint):
        return ComplaintView(complaint, REPORTER)
    return ComplaintView(complaint, PUBLIC)


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

    def __init__(self, complaint, viewer):
        self.complaint = complaint
        self.viewer = viewer

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
        """The reporter's name, e-mail and phone for the handlers and the national system; None
        for everyone else, and for everyone when the complaint is anonim."""
        if self.viewer not in (HANDLER, NATIONAL) or self.complaint.anonymous:
            return None
        return reporter_contact(self.complaint)

    @property
    def internal_events(self):
        """Internal timeline events (notes, reminders) are the handlers' only."""
        return self.viewer == HANDLER

    def sees(self, event):
        return event.public or self.internal_events

    def message(self, event):
        """The words of a timeline event this viewer may read, or None."""
        if self.viewer in (HANDLER, REPORTER):
            return event.message
        if event.kind in _SHARED_MESSAGES[self.viewer] and not self.complaint.confidential:
            return event.message
        return None

    def timeline(self, *options):
        """The events this viewer sees, oldest first, in one query (loader `options` as for select())."""
        query = select(ComplaintEvent).options(*options).where(ComplaintEvent.complaint_id == self.complaint.id)
        if not self.internal_events:
            query = query.where(ComplaintEvent.public.is_(True))
        return db.session.scalars(query.order_by(ComplaintEvent.created_at, ComplaintEvent.id)).all()

"""The forum's answer to a change of the working-day calendar: open response deadlines follow it."""
from sqlalchemy import select

from core import audit, calendar
from core.extensions import db

from .consultation_services import response_days
from .models import CLOSED, FOLLOW_UP, Consultation, ForumInput


@calendar.calendar_changed.connect
def move_response_deadlines(app, *, day, now, actor, **_ignored):
    """Official responses are due N working days after the input window closed; when a date in
    that span changes sides, the deadline of a consultation with inputs still unanswered is
    counted again (the caller commits), with a note in the audit log. Returns how many moved."""
    day_starts = calendar.start_of_day(day)
    unanswered = select(ForumInput.id).where(ForumInput.consultation_id == Consultation.id,
                                             ForumInput.response == None,  # noqa: E711 (NOT EXISTS)
                                             ForumInput.hidden_at.is_(None)).exists()
    consultations = db.session.scalars(select(Consultation).where(
        Consultation.stage.in_((CLOSED, FOLLOW_UP)), Consultation.closes_at < day_starts,
        Consultation.response_due_at >= day_starts, unanswered).order_by(Consultation.id)).all()
    for consultation in consultations:
        previous = consultation.response_due_at
        consultation.response_due_at = calendar.due_after(consultation.closes_at, response_days())
        if consultation.response_due_at != previous:
            audit.record(actor, "consultation.response_deadline_moved", consultation, now=now, day=day.isoformat(),
                         previous_due_at=previous.isoformat(), due_at=consultation.response_due_at.isoformat())
    return len(consultations)

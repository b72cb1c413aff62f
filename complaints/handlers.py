"""What complaints learn from the rest of the platform: the outbox's answers, the calendar's changes."""
from core import calendar, outbox
from core.web import links_context

from . import services


@outbox.after_delivery(outbox.FORWARD, outbox.FORWARD_UPDATE)
def keep_national_tracking_id(message, answer):
    """SP4N-LAPOR! answered a forward with its own tracking number: keep it and tell the reporter."""
    if message.subject_type != "complaint" or not isinstance(answer, dict) or not answer.get("tracking_id"):
        return
    with links_context():  # the worker has no request: the e-mail's links use EXTERNAL_URL
        services.record_national_tracking_id(message.subject_id, str(answer["tracking_id"]))


@calendar.calendar_changed.connect
def move_open_deadlines(app, *, day, is_working_day, now, **_ignored):
    """A holiday or working-day correction added or removed: open complaints' deadlines follow it."""
    with links_context():  # a forwarded complaint's update is queued for the national system
        services.move_deadlines_for_calendar_change(day, is_working_day=is_working_day, now=now)

"""What complaints learn from the rest of the platform: the outbox's answers, the calendar's changes."""
from core import calendar, outbox
from core.web import links_context

from . import services


@outbox.after_delivery_round(outbox.FORWARD, outbox.FORWARD_UPDATE)
def keep_national_tracking_ids(deliveries):
    """SP4N-LAPOR! answered forwards with its own tracking numbers: keep them and tell the reporters
    (a delivery round's answers together)."""
    answers = [(message.subject_id, str(answer["tracking_id"])) for message, answer in deliveries
               if message.subject_type == "complaint" and isinstance(answer, dict) and answer.get("tracking_id")]
    if answers:
        with links_context():  # the worker has no request: the e-mail's links use EXTERNAL_URL
            services.record_national_tracking_ids(answers)


@calendar.calendar_changed.connect
def move_open_deadlines(app, *, day, is_working_day, now, **_ignored):
    """A holiday or working-day correction added or removed: open complaints' deadlines follow it."""
    with links_context():  # a forwarded complaint's update is queued for the national system
        services.move_deadlines_for_calendar_change(day, is_working_day=is_working_day, now=now)

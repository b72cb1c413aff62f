"""What complaints learn from the rest of the platform: the outbox's answers, the calendar's changes."""
from core import outbox
from core.web import links_context

from . import services


@outbox.after_delivery(outbox.FORWARD, outbox.FORWARD_UPDATE)
def keep_national_tracking_id(message, answer):
    """SP4N-LAPOR! answered a forward with its own tracking number: keep it and tell the reporter."""
    if message.subject_type != "complaint" or not isinstance(answer, dict) or not answer.get("tracking_id"):
        return
    with links_context():  # the worker has no request: the e-mail's links use EXTERNAL_URL
        services.record_national_tracking_id(message.subject_id, str(answer["tracking_id"]))

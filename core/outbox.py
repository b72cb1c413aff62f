"""The outbox: messages to the outside world, written in the transaction of the change that causes them.

A service calls `enqueue()` before it commits, so the message exists exactly when the change does.
`deliver()` (run by `flask outbox deliver` and the worker) sends what is due: e-mail through
Flask-Mail, forwarding to the national system (SP4N-LAPOR!) as a signed HTTP POST (or by e-mail
when no URL is set). Failures retry with exponential backoff; hopeless ones are parked as failed
for an admin to see and retry. The unique `key` makes a message exist once however many
processes try to write it, and is sent as the Idempotency-Key so the receiver can drop repeats.
"""
import random
from datetime import datetime, timedelta

from flask import current_app, g, has_request_context
from sqlalchemy import JSON, Index, Integer, String, Text, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from . import clock
from .extensions import db
from .types import UTCDateTime

EMAIL, FORWARD, FORWARD_UPDATE = "email", "forward", "forward_update"
PENDING, SENT, FAILED = "pending", "sent", "failed"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(120), unique=True)
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # A worker that claims a message holds it until then; a crashed worker's claim expires.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the message is about (e.g. "complaint", 12), for the admin page and the complaint.
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None]

    __table_args__ = (
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        Index("ix_outbox_message_subject", "subject_type", "subject_id"),
    )


def enqueue(kind, *, key, payload, subject=None, now=None):
    """Add a message to the current transaction (the caller commits).

    Within a web request the messages are also handed to delivery right after the response is
    built, so a person waiting for a verification e-mail does not wait for the worker.
    """
    message = OutboxMessage(kind=kind, key=key, payload=payload, status=PENDING,
                            next_attempt_at=now or clock.now(), created_at=now or clock.now(),
                            subject_type=type(subject).__name__.lower() if subject is not None else None,
                            subject_id=getattr(subject, "id", None))
    db.session.add(message)
    if has_request_context():
        g.setdefault("outbox_keys", []).append(key)
    return message


def deliver_after_request(response):
    """Try to send this request's messages now; the worker retries whatever fails."""
    keys = g.pop("outbox_keys", None) if has_request_context() else None
    if keys and current_app.config.get("OUTBOX_DELIVER_IMMEDIATELY", True):
        try:
            deliver(keys=keys)
        except Exception:  # delivery problems must never break the page the person sees
            current_app.logger.exception("immediate outbox delivery failed; the worker will retry")
            db.session.rollback()
    return response


class RetryLater(Exception):
    """Delivery failed for now (timeout, connection refused, 408, 429, 5xx): try again later."""


class Undeliverable(Exception):
    """Delivery can never succeed as it is (another 4xx, a bad payload): park as failed."""


class NotConfigured(Exception):
    """No channel is configured for this kind of message: it waits, admins see a warning."""


def _transports():
    from .forwarding import forward  # the national system's HTTP or e-mail channel
    from .mailer import deliver_email
    return {EMAIL: deliver_email, FORWARD: forward, FORWARD_UPDATE: forward}


def _claim(keys, now, limit):
    """Take due messages for this worker: locked rows are skipped, so workers never share one."""
    query = (select(OutboxMessage)
             .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now,
                    or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now))
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
             .limit(limit)
             .with_for_update(skip_locked=True))
    if keys is not None:
        query = query.where(OutboxMessage.key.in_(keys))
    messages = db.session.scalars(query).all()
    until = now + timedelta(seconds=current_app.config["OUTBOX_CLAIM_SECONDS"])
    for message in messages:
        message.locked_until = until
    ids = [m.id for m in messages]
    db.session.commit()
    return ids


def backoff(attempts):
    """Seconds before the next try: exponential, capped, with jitter so retries spread out."""
    base = current_app.config["OUTBOX_BACKOFF_SECONDS"]
    cap = current_app.config["OUTBOX_BACKOFF_MAX_SECONDS"]
    delay = min(cap, base * (2 ** max(0, attempts - 1)))
    return delay * random.uniform(0.5, 1.0)


def deliver(*, keys=None, now=None, limit=100):
    """Send the messages that are due (or only those with `keys`). Returns how many were sent."""
    now = now or clock.now()
    transports = _transports()
    sent = 0
    for message_id in _claim(keys, now, limit):
        message = db.session.get(OutboxMessage, message_id)
        if message is None or message.status != PENDING:
            continue
        message.attempts += 1
        try:
            result = transports[message.kind](message.payload) if message.kind in transports else None
            if message.kind not in transports:
                raise Undeliverable(f"unknown message kind {message.kind!r}")
        except NotConfigured as e:
            message.attempts -= 1  # waiting for a setting is not a failed try
            message.last_error = str(e)
            message.next_attempt_at = now + timedelta(seconds=current_app.config["OUTBOX_BACKOFF_SECONDS"])
        except Undeliverable as e:
            message.status, message.last_error = FAILED, str(e)[:2000]
        except Exception as e:  # RetryLater, and anything unexpected from a transport
            message.last_error = f"{type(e).__name__}: {e}"[:2000]
            if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
                message.status = FAILED
            else:
                message.next_attempt_at = now + timedelta(seconds=backoff(message.attempts))
        else:
            message.status, message.sent_at, message.last_error = SENT, clock.now(), None
            _after_sent(message, result)
            sent += 1
        message.locked_until = None
        db.session.commit()
    return sent


def _after_sent(message, result):
    """Let the subject learn from the answer (the national tracking id of a forwarded complaint)."""
    if message.kind in (FORWARD, FORWARD_UPDATE) and isinstance(result, dict) and result.get("tracking_id"):
        from complaints.services import record_national_tracking_id
        record_national_tracking_id(message.subject_id, str(result["tracking_id"]))


def retry(actor, message, *, now=None):
    """An admin sends a failed message again, with a fresh count of attempts."""
    from . import audit, permissions
    permissions.require(actor, "outbox.manage")
    message.status, message.attempts, message.next_attempt_at = PENDING, 0, now or clock.now()
    message.locked_until = None
    audit.record(actor, "outbox.retried", message, now=now, key=message.key)
    db.session.commit()

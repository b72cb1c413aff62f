"""The outbox: messages to the outside world, written in the transaction of the change that causes them.

A service calls `enqueue()` before it commits, so the message exists exactly when the change does.
`deliver()` (run by `flask outbox deliver` and the worker) sends what is due: e-mail through
Flask-Mail, forwarding to the national system (SP4N-LAPOR!) as a signed HTTP POST (or by e-mail
when no URL is set). Failures retry with exponential backoff; hopeless ones are parked as failed
for an admin to see and retry. The unique `key` makes a message exist once however many
processes try to write it, and is sent as the Idempotency-Key so the receiver can drop repeats.
"""
import random
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from functools import partial

from flask import current_app, g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import JSON, Index, Integer, String, Text, func, insert, inspect, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from . import clock
from .errors import DomainError
from .extensions import db
from .types import UTCDateTime, stored_type_name

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

    Within a web request e-mails are also sent right after the response has gone, so a person
    waiting for a verification e-mail does not wait for the worker (deliver_after_request).
    """
    # Due when written, in real time: a `--now` ahead of the clock (a CLI replaying a deadline)
    # must not hold the message back until that moment comes; one behind it (tests) stays due.
    real_now = clock.now()
    due = min(now, real_now) if now is not None else real_now
    message = OutboxMessage(kind=kind, key=key, payload=payload, status=PENDING,
                            next_attempt_at=due, created_at=now or real_now,
                            subject_type=stored_type_name(subject) if subject is not None else None,
                            subject_id=getattr(subject, "id", None))
    db.session.add(message)
    if has_request_context() and kind == EMAIL:
        # Forwards wait for the worker: a moderator should not wait on the national system.
        g.setdefault("outbox_keys", []).append(key)
    return message


def enqueue_many(messages, *, now=None):
    """Add many messages to the current transaction in one INSERT (the caller commits); what
    enqueue() does for one, for a sweep that queues a batch. `messages`: dicts with kind, key,
    payload and optionally subject. Returns how many were queued."""
    real_now = clock.now()
    due = min(now, real_now) if now is not None else real_now  # as enqueue(): due when written
    rows = [{"kind": m["kind"], "key": m["key"], "payload": m["payload"], "status": PENDING, "attempts": 0,
             "next_attempt_at": due, "created_at": now or real_now,
             "subject_type": stored_type_name(m["subject"]) if m.get("subject") is not None else None,
             "subject_id": getattr(m.get("subject"), "id", None)} for m in messages]
    if not rows:
        return 0
    db.session.execute(insert(OutboxMessage), rows)
    if has_request_context():
        g.setdefault("outbox_keys", []).extend(row["key"] for row in rows if row["kind"] == EMAIL)
    return len(rows)


def deliver_after_request(response):
    """Send this request's e-mails once the response has gone; the worker retries whatever fails.

    Registered with after_request, which runs before the response is sent: the sending itself is
    left to the response's close, which the WSGI server calls after the last byte went out, so
    the person never waits on the mail server (a hung one costs this process at most
    MAIL_TIMEOUT, and only once: the first failure leaves the rest to the worker).
    """
    keys = g.pop("outbox_keys", None) if has_request_context() else None
    if keys and current_app.config.get("OUTBOX_DELIVER_IMMEDIATELY", True):
        response.call_on_close(partial(_deliver_now, current_app._get_current_object(), keys))
    return response


class _FirstFailure:
    """A `stop` for deliver(): ends the pass as soon as one message was not sent."""

    def __init__(self, stats):
        self.stats = stats

    def is_set(self):
        return any(self.stats.get(outcome) for outcome in ("retry", "failed", "waiting"))


def _deliver_now(app, keys):
    # The request's app context is gone by now: this one has its own, and its own session.
    with app.app_context():
        try:
            stats = {}
            # One at a time: the first failure ends the pass before the next send starts.
            deliver(keys=keys, stats=stats, stop=_FirstFailure(stats), concurrency=1)
        except Exception:  # whatever happens here, the messages stay for the worker
            app.logger.exception("immediate outbox delivery failed; the worker will retry")
            db.session.rollback()


class RetryLater(Exception):
    """Delivery failed for now (timeout, connection refused, 408, 429, 5xx): try again later.

    `after` (seconds) is the receiver's own Retry-After, honoured when longer than our backoff.
    """

    def __init__(self, message="", *, after=None):
        super().__init__(message)
        self.after = after


class Undeliverable(Exception):
    """Delivery can never succeed as it is (another 4xx, a bad payload): park as failed."""


class NotConfigured(Exception):
    """No channel is configured for this kind of message: it waits, admins see a warning."""


def _transports():
    from .forwarding import forward  # the national system's HTTP or e-mail channel
    from .mailer import deliver_email
    return {EMAIL: deliver_email, FORWARD: forward, FORWARD_UPDATE: forward}


# How many messages a pass claims first (a round: claimed together, sent OUTBOX_DELIVERY_CONCURRENCY
# at a time, their outcomes recorded together): few, so that two workers starting together on a
# short queue both get some of it. Each next round claims twice as many, up to ROUND_WAVES times
# the concurrency: a round then sends in at most that many waves, each bounded by the transport's
# timeout, well within OUTBOX_CLAIM_SECONDS.
CLAIM_SIZE = 4
ROUND_WAVES = 8


def _claim(keys, kinds, now, skip, size):
    """Take up to `size` due messages for this worker; returns their ids ([] when nothing is due).

    Each with a lease (`locked_until`) that has to cover one send: the messages of a round are
    sent at the same time, right after they were claimed. On PostgreSQL FOR UPDATE SKIP LOCKED lets
    concurrent workers pass each other without waiting; the conditional UPDATE ... RETURNING is
    what makes the claim safe everywhere (SQLite ignores FOR UPDATE but serialises writers).
    Claiming counts as an attempt, so a message that crashes its worker still runs out of
    attempts. `skip`: ids this pass must not take again (another worker's, or retried by this pass).
    """
    due = (OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now,
           or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now))
    lease = now + timedelta(seconds=current_app.config["OUTBOX_CLAIM_SECONDS"])
    while True:
        query = (select(OutboxMessage.id).where(*due)
                 .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                 .limit(size)
                 .with_for_update(skip_locked=True))
        if keys is not None:
            query = query.where(OutboxMessage.key.in_(keys))
        if kinds is not None:
            query = query.where(OutboxMessage.kind.in_(kinds))
        if skip:
            query = query.where(OutboxMessage.id.not_in(skip))
        ids = db.session.scalars(query).all()
        if not ids:
            db.session.commit()
            return []
        taken = db.session.scalars(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids), *due)
            .values(locked_until=lease, attempts=OutboxMessage.attempts + 1)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)).all()
        db.session.commit()
        if taken:
            return sorted(taken)
        skip.update(ids)  # another worker took them between our SELECT and UPDATE (SQLite)


def backoff(attempts):
    """Seconds before the next try: exponential, capped, with jitter so retries spread out."""
    base = current_app.config["OUTBOX_BACKOFF_SECONDS"]
    cap = current_app.config["OUTBOX_BACKOFF_MAX_SECONDS"]
    delay = min(cap, base * (2 ** max(0, attempts - 1)))
    return delay * random.uniform(0.5, 1.0)


OUTCOMES = ("sent", "retry", "failed", "waiting")


def deliver(*, keys=None, now=None, limit=100, stats=None, stop=None, kinds=None, concurrency=None):
    """Send the messages that are due (or only those with `keys`, or of `kinds`). Returns how many were sent.

    In rounds: this thread claims a few messages (a short transaction; see CLAIM_SIZE), a thread
    pool sends them, OUTBOX_DELIVERY_CONCURRENCY at a time (the sends wait on the network, not on
    Python), then this thread records every outcome of the round, and what the answers tell their
    subjects (after_delivery), in one transaction. Keys, timeouts, leases, attempts and backoff
    are those of one message, as before.

    `stats`, when a dict is given, counts what happened this pass: sent, retry (will be tried
    again), failed (parked for an admin), waiting (no channel configured). `stop`, an Event,
    ends the pass between two rounds (the worker shutting down).
    """
    transports = _transports()
    config = current_app.config
    concurrency = max(1, int(concurrency or config["OUTBOX_DELIVERY_CONCURRENCY"]))
    stats = stats if stats is not None else {}
    for outcome in OUTCOMES:
        stats.setdefault(outcome, 0)
    handled, skip = 0, set()  # skip: what this pass must not take again (see _record_round)
    held = {}  # lanes in which a message stays pending this pass: {lane: when it is due again}
    # One at a time, one message is a round: the pass can stop between any two sends, as it always could.
    claim_size = CLAIM_SIZE if concurrency > 1 else 1
    in_flight = None  # the round being sent: (its messages, their sends, their lanes)
    with _Senders(concurrency) as senders:
        while True:
            round_ = None
            more = handled < limit and not (stop is not None and stop.is_set())
            if in_flight is not None and more:
                # The next round goes out while this thread records the last one, unless the last
                # one failed somewhere: then its outcome decides first (a stop after the first
                # failure must not send more, and a hung receiver is waited for once).
                results = in_flight[1].results()
                if any(isinstance(result, Exception) for result in results):
                    _record_round(in_flight[0], results, stats, skip, in_flight[2], held)
                    in_flight = None
                    more = not (stop is not None and stop.is_set())
            if more:
                at = now or clock.now()  # read per claim: a lease must start when its sends start
                ids = _claim(keys, kinds, at, skip, min(claim_size, limit - handled))
                if ids:
                    handled += len(ids)
                    # Small first, then larger while there is more: two workers starting together on a
                    # short queue both get some of it, and a long queue costs few claims. A round is at
                    # most ROUND_WAVES waves of sends, so its last lease is not spent waiting for the first.
                    claim_size = min(claim_size * 2, ROUND_WAVES * concurrency) if concurrency > 1 else 1
                    # The round in flight has been sent by now, and failed nowhere: it holds back nothing.
                    settled = {inspect(m).identity[0] for m, _at, _send in in_flight[0]} if in_flight else set()
                    messages, lanes = _prepared(ids, at, transports, config, settled, held)
                    round_ = (messages, senders.start([send for _message, _at, send in messages], lanes, stop), lanes)
            if in_flight is not None:
                _record_round(in_flight[0], in_flight[1].results(), stats, skip, in_flight[2], held)
            if round_ is None:
                break
            in_flight = round_
    return stats["sent"]


def _prepared(ids, at, transports, config, settled, held):
    """The claimed messages as (message, send time, what to call or the exception that stops it),
    and each one's lane (see _lane). `settled`: messages sent already whose outcome is not written
    yet; `held`: lanes in which a message stays pending this pass (see deliver)."""
    round_, lanes = [], []
    for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                      .order_by(OutboxMessage.id)):
        transport = transports.get(message.kind)
        lanes.append(_lane(message))
        if lanes.count(lanes[-1]) > ROUND_WAVES:
            # A lane is sent one message after another: a longer one would outlast the round's lease.
            send = Deferred()
        elif transport is None:
            send = Undeliverable(f"unknown message kind {message.kind!r}")
        elif message.attempts > config["OUTBOX_MAX_ATTEMPTS"]:
            # Claimed more often than allowed without an outcome: it kills its workers.
            send = Undeliverable(f"claimed {message.attempts - 1} times by workers that stopped while sending it")
        else:
            send = partial(transport, message.payload, key=message.key)
        round_.append((message, at, send))
    waiting = _earlier_in_lanes(round_, lanes, settled)
    for index, (message, at_, send) in enumerate(round_):
        if isinstance(send, Exception):
            continue
        earlier = waiting.get(lanes[index])
        if earlier is not None and earlier[0] < message.id:
            round_[index] = (message, at_, HeldBack(until=earlier[1]))
        elif lanes[index] in held:
            round_[index] = (message, at_, HeldBack(until=held[lanes[index]]))
    return round_, lanes


def _earlier_in_lanes(round_, lanes, settled):
    """For the round's lanes: the earliest message of each that is still pending outside the round
    (waiting for a retry, or being sent by another worker), as {lane: (its id, when it is due)}.

    Looked for among the pending messages about the same subjects (a complaint's forward and its
    updates; the e-mails about one complaint, of which those to the same address share a lane):
    one query, none when no message of the round has a subject. An e-mail without a subject
    (an account's, a digest) is not held back by another pass's retry."""
    ids = [message.id for message, _at, _send in round_]
    subjects = {(m.subject_type, m.subject_id) for m, _at, _send in round_ if m.subject_type is not None}
    if not subjects:
        return {}
    wanted, earliest = set(lanes), {}
    for message in db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == PENDING,
                   OutboxMessage.subject_type.in_({t for t, _id in subjects}),
                   OutboxMessage.subject_id.in_({i for _t, i in subjects}),
                   OutboxMessage.id < max(ids), OutboxMessage.id.not_in([*ids, *settled]))
            .order_by(OutboxMessage.id)):
        if (message.subject_type, message.subject_id) in subjects:
            lane = _lane(message)
            if lane in wanted:
                earliest.setdefault(lane, (message.id, message.next_attempt_at))
    return earliest


def _lane(message):
    """What must arrive in the order it was queued: e-mails to one address (a reporter reads
    "received" before "rejected"), and a complaint's forward and its updates to the national
    system. Anything else may overtake."""
    if message.kind == EMAIL:
        from .mailer import recipient
        try:
            return ("to", recipient(message.payload).strip().lower())
        except Exception:  # no readable address: the send itself will say why
            return ("message", message.id)
    if message.subject_type is not None:
        return ("subject", message.subject_type, message.subject_id)
    return ("message", message.id)


class _Senders:
    """Runs a round's sends, each in the application's context, up to `size` at once in threads.

    The threads only send: they touch no database session of this thread (a transport that
    reads the database gets its own session through its own app context, removed afterwards).
    With a size of 1 there is no thread: each send runs in this thread when its result is asked.
    """

    def __init__(self, size):
        self.size = size
        self.pool = None

    def __enter__(self):
        if self.size > 1:
            self.pool = ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="outbox-send")
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(wait=True)

    def start(self, sends, lanes, stop=None):
        """Start the sends; the handle's results() gives each answer or exception, in this order.

        Sends in one lane (see _lane) go one after another, in the order given; lanes go side by
        side. A send that has not begun when `stop` is set does not begin (NotSent): a worker
        shutting down waits for the sends under way, not for the rest of the round."""
        if stop is not None:
            sends = [partial(_unless_stopped, stop, send) for send in sends]
        if self.pool is None:
            return _Later(sends, lanes)
        app = current_app._get_current_object()
        by_lane = {}
        for index, lane in enumerate(lanes):
            by_lane.setdefault(lane, []).append(index)
        return _Running(len(sends), [(indexes, self.pool.submit(_send_in_context, app, [sends[i] for i in indexes],
                                                                [lanes[i] for i in indexes]))
                                     for indexes in by_lane.values()])


class _Later:
    def __init__(self, sends, lanes):
        self.sends, self.lanes, self.answers = sends, lanes, None

    def results(self):
        if self.answers is None:
            self.answers = _outcomes_in_order(self.sends, self.lanes)
        return self.answers


class _Running:
    def __init__(self, size, lanes):
        self.size, self.lanes = size, lanes  # lanes: (the sends' indexes, the future of their outcomes)

    def results(self):
        answers = [None] * self.size
        for indexes, future in self.lanes:
            for index, answer in zip(indexes, future.result()):
                answers[index] = answer
        return answers


class NotSent(Exception):
    """The pass stopped before this message's send began: it goes back as it was."""


class Deferred(NotSent):
    """Its lane had enough for one round: it goes back as it was, for a later round."""


class HeldBack(NotSent):
    """An earlier message of its lane has not gone yet (it failed in this round, waits for a retry
    or is being sent elsewhere): this one waits for it, due when it is (`until`, when known)."""

    NOTE = "held back: an earlier message of its lane (same recipient, or same complaint) has not gone yet"

    def __init__(self, until=None):
        super().__init__()
        self.until = until


def _unless_stopped(stop, send):
    if stop.is_set():
        raise NotSent()
    return send() if callable(send) else _raise(send)


def _raise(error):
    raise error


def _send_in_context(app, sends, lanes):
    with app.app_context():
        try:
            return _outcomes_in_order(sends, lanes)
        finally:
            db.session.remove()


def _outcomes_in_order(sends, lanes):
    """Each send's answer or exception, one after another; once a send of a lane was not sent, the
    later ones of that lane are held back rather than overtake it."""
    stopped, outcomes = set(), []
    for send, lane in zip(sends, lanes):
        outcome = HeldBack() if lane in stopped and callable(send) else _outcome_of(send)
        if isinstance(outcome, Exception) and not isinstance(outcome, Deferred):
            stopped.add(lane)  # a Deferred message goes back as it was, for the next round: nothing waits on it
        outcomes.append(outcome)
    return outcomes


def _outcome_of(send):
    if isinstance(send, Exception):
        return send
    try:
        return send()
    except Exception as e:  # sorted out by _record_round, in the delivering thread
        return e


def _record_round(round_, results, stats, skip, lanes, held):
    """Write what happened to each message of a round, and what the answers tell, in one transaction.

    A message that stays pending (retry, waiting) joins `skip`: this pass does not send it again,
    however short its backoff; sent and failed ones are no longer due anyway. Its lane joins `held`,
    so the rest of the lane waits for it this pass; a held-back message becomes due when it is."""
    config = current_app.config
    sent = []
    # One query loads them again (the last round's commit expired them), not one per message.
    ids = [inspect(message).identity[0] for message, _at, _send in round_]  # reading .id would load each
    db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))).all()
    for (message, at, _send), result, lane in zip(round_, results, lanes):
        if isinstance(result, HeldBack):
            message.attempts -= 1  # never tried, as NotSent
            message.locked_until = None
            due = result.until or held.get(lane)
            if due is not None and due > message.next_attempt_at:
                message.next_attempt_at = due
            message.last_error = HeldBack.NOTE  # for the admin page (a sent message has none)
            skip.add(message.id)
            held.setdefault(lane, message.next_attempt_at)
            continue
        if not isinstance(result, Exception):
            outcome = "sent"
            message.status, message.sent_at, message.last_error, message.locked_until = SENT, at, None, None
            sent.append((message, result))
        elif isinstance(result, NotSent):
            message.attempts -= 1  # never tried: the claim's attempt is given back, with the lease
            message.locked_until = None
            if not isinstance(result, Deferred):
                skip.add(message.id)
            continue
        elif isinstance(result, NotConfigured):
            message.attempts -= 1  # waiting for a setting is not a failed try
            message.last_error = str(result)[:2000]
            message.next_attempt_at = at + timedelta(seconds=config["OUTBOX_BACKOFF_SECONDS"])
            outcome = "waiting"
        elif isinstance(result, Undeliverable):
            message.status, message.last_error = FAILED, str(result)[:2000]
            outcome = "failed"
        else:  # RetryLater, and anything unexpected from a transport
            message.last_error = f"{type(result).__name__}: {result}"[:2000]
            if message.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
                message.status, outcome = FAILED, "failed"
            else:
                delay = backoff(message.attempts)
                if getattr(result, "after", None):
                    delay = min(max(delay, result.after), config["OUTBOX_BACKOFF_MAX_SECONDS"])
                message.next_attempt_at = at + timedelta(seconds=delay)
                outcome = "retry"
        if outcome != "sent":
            message.locked_until = None
        if outcome in ("retry", "waiting"):
            skip.add(message.id)
            held.setdefault(lane, message.next_attempt_at)
        if outcome == "failed":
            current_app.logger.warning("outbox message %s (%s) parked as failed: %s",
                                       message.key, message.kind, message.last_error)
        elif outcome == "retry":
            current_app.logger.info("outbox message %s will be retried at %s: %s",
                                    message.key, message.next_attempt_at, message.last_error)
        stats[outcome] += 1
    if sent:
        _record_answers(sent)
    db.session.commit()


def _record_answers(sent):
    """Let the subjects learn from the answers (the national tracking ids of forwarded complaints).

    The receivers already have the messages, so even when an answer cannot be recorded its
    message stays sent (sending it again would not help); the log and `last_error` keep the
    answer. The round's answers are recorded together; when that fails, each on its own, so one
    bad answer does not lose the others.
    """
    try:
        with db.session.begin_nested():
            _after_round(sent)
            for message, result in sent:
                _after_sent(message, result)
        return
    except Exception:
        if len(sent) == 1:
            _answer_not_recorded(*sent[0])
            return
    for message, result in sent:
        try:
            with db.session.begin_nested():
                _after_round([(message, result)])
                _after_sent(message, result)
        except Exception:
            _answer_not_recorded(message, result)


def _answer_not_recorded(message, result):
    e = sys.exc_info()[1]
    current_app.logger.exception("outbox message %s was sent but its answer %r could not be recorded",
                                 message.key, result)
    message.status, message.locked_until = SENT, None
    message.last_error = f"sent; recording the answer {result!r} failed: {type(e).__name__}: {e}"[:2000]


# kind -> handlers(message, answer) run once a message of that kind was delivered; and kind ->
# handlers([(message, answer), ...]) run once per delivery round with that round's messages of
# the kind. Core knows no pillar: the pillar registers what it wants to learn (complaints: the
# national tracking id).
_after_delivery = {}
_after_delivery_round = {}


def after_delivery(*kinds):
    """Register what runs once a message of one of these kinds was delivered, in its transaction."""
    def register(handler):
        for kind in kinds:
            _after_delivery.setdefault(kind, []).append(handler)
        return handler
    return register


def after_delivery_round(*kinds):
    """Register what runs once per delivery round with its delivered messages of these kinds and
    their answers, [(message, answer), ...], in the round's transaction: one query for the round
    where after_delivery would make one per message."""
    def register(handler):
        for kind in kinds:
            _after_delivery_round.setdefault(kind, []).append(handler)
        return handler
    return register


def _after_round(sent):
    handlers = {}
    for message, result in sent:
        for handler in _after_delivery_round.get(message.kind, ()):
            handlers.setdefault(handler, []).append((message, result))
    for handler, deliveries in handlers.items():
        handler(deliveries)


def _after_sent(message, result):
    """Let the subject learn from the answer (the national tracking id of a forwarded complaint)."""
    for handler in _after_delivery.get(message.kind, ()):
        handler(message, result)


def retry(actor, message, *, now=None):
    """An admin sends a failed message again, with a fresh count of attempts.

    Only failed messages: one that is sent must never go out twice, and a pending one is already
    on its way.
    """
    from . import audit, permissions
    permissions.require(actor, "outbox.manage")
    if message.status != FAILED:
        raise DomainError(_("Hanya pesan yang gagal terkirim yang dapat dikirim ulang."))
    message.status, message.attempts, message.next_attempt_at = PENDING, 0, now or clock.now()
    message.locked_until = None
    audit.record(actor, "outbox.retried", message, now=now, key=message.key)
    db.session.commit()


def summary():
    """What the admin page shows first: messages per status, and whether forwarding can leave."""
    from . import forwarding
    counts = dict.fromkeys((PENDING, FAILED, SENT), 0)
    counts.update(db.session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(OutboxMessage.status)).all())
    channel, problem = forwarding.readiness()
    return {"counts": counts, "forward_channel": channel, "forward_problem": problem,
            "forward_configured": problem is None}

"""Delivery sends OUTBOX_DELIVERY_CONCURRENCY messages at once; each keeps its own outcome and retries."""
import re
import threading
import time
from datetime import timedelta

from sqlalchemy import select

from complaints.models import Complaint
from core import audit, clock, outbox
from core.audit import AuditEvent
from core.extensions import db
from core.outbox import EMAIL, FORWARD, FORWARD_UPDATE, PENDING, SENT, OutboxMessage, RetryLater
from core.permissions import ADMIN, SYSTEM
from tests.conftest import count_queries
from tests.core.receiver import Receiver


def queue(n, kind=EMAIL):
    for i in range(n):
        outbox.enqueue(kind, key=f"{kind}:{i}", payload={"n": i})
    db.session.commit()


class InFlight:
    """A transport that takes a while and notes how many sends were under way at once."""

    def __init__(self, fail=()):
        self.lock, self.now, self.most, self.keys, self.fail = threading.Lock(), 0, 0, [], set(fail)

    def __call__(self, payload, key=None):
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
            self.keys.append(key)
        time.sleep(0.05)
        with self.lock:
            self.now -= 1
        if key in self.fail:
            raise RetryLater("HTTP 503: sibuk")
        return {}


def test_with_a_concurrency_of_one_a_single_message_is_in_flight(settings, monkeypatch):
    settings(OUTBOX_DELIVERY_CONCURRENCY=1)
    transport = InFlight()
    monkeypatch.setattr(outbox, "_transports", lambda: {EMAIL: transport})
    queue(6)
    assert outbox.deliver() == 6
    assert transport.most == 1


def test_up_to_the_concurrency_setting_are_in_flight_at_once(settings, monkeypatch):
    settings(OUTBOX_DELIVERY_CONCURRENCY=4)
    transport = InFlight()
    monkeypatch.setattr(outbox, "_transports", lambda: {EMAIL: transport})
    queue(24)
    started = time.monotonic()
    assert outbox.deliver() == 24
    assert transport.most == 4
    assert time.monotonic() - started < 24 * 0.05  # not one after another
    assert sorted(transport.keys) == sorted(f"email:{i}" for i in range(24))  # each once


def test_a_failed_send_keeps_its_retry_and_loses_none_of_the_others(settings, monkeypatch):
    settings(OUTBOX_DELIVERY_CONCURRENCY=8, OUTBOX_BACKOFF_SECONDS=30)
    transport = InFlight(fail={"email:3"})
    monkeypatch.setattr(outbox, "_transports", lambda: {EMAIL: transport})
    queue(8)
    now = clock.now()
    stats = {}
    assert outbox.deliver(now=now, stats=stats) == 7
    assert stats == {"sent": 7, "retry": 1, "failed": 0, "waiting": 0}
    messages = {m.key: m for m in db.session.scalars(select(OutboxMessage))}
    failed = messages.pop("email:3")
    assert {m.status for m in messages.values()} == {SENT}
    # As before: one attempt counted, backed off 15-30 s, the lease given back, tried once this pass.
    assert (failed.status, failed.attempts, failed.locked_until) == (PENDING, 1, None)
    assert now + timedelta(seconds=15) <= failed.next_attempt_at <= now + timedelta(seconds=30)
    assert "HTTP 503" in failed.last_error
    assert transport.keys.count("email:3") == 1


def test_the_last_attempt_still_parks_a_message_as_failed(settings, monkeypatch):
    settings(OUTBOX_DELIVERY_CONCURRENCY=8, OUTBOX_MAX_ATTEMPTS=2)
    transport = InFlight(fail={"email:0"})
    monkeypatch.setattr(outbox, "_transports", lambda: {EMAIL: transport})
    queue(3)
    now = clock.now()
    outbox.deliver(now=now)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.key == "email:0"))
    outbox.deliver(now=message.next_attempt_at + timedelta(seconds=1))
    assert (message.status, message.attempts) == ("failed", 2)


def test_an_answer_that_cannot_be_recorded_loses_none_of_the_others(settings, monkeypatch):
    settings(OUTBOX_DELIVERY_CONCURRENCY=4)
    monkeypatch.setattr(outbox, "_transports", lambda: {EMAIL: lambda payload, key=None: {"number": key}})

    def keep(message, answer):
        if answer["number"] == "email:2":
            raise RuntimeError("tidak tersimpan")
        audit.record(SYSTEM, "test.answer", message, number=answer["number"])
    monkeypatch.setitem(outbox._after_delivery, EMAIL, [keep])
    queue(4)
    assert outbox.deliver() == 4
    assert set(db.session.scalars(select(OutboxMessage.status))) == {SENT}
    recorded = db.session.scalars(select(AuditEvent.data).where(AuditEvent.action == "test.answer")).all()
    assert sorted(data["number"] for data in recorded) == ["email:0", "email:1", "email:3"]
    broken = db.session.scalar(select(OutboxMessage).where(OutboxMessage.key == "email:2"))
    assert "tidak tersimpan" in broken.last_error


def test_the_national_tracking_ids_of_a_round_are_recorded_together(forward_to, settings):
    settings(OUTBOX_DELIVERY_CONCURRENCY=8)
    now = clock.now()
    complaints = [Complaint(tracking_code=f"ADU-2026-QWERTYUPA{i}", title="Jalan berlubang", description="Di pasar",
                            classification="pengaduan", category="infrastruktur", verify_due_at=now, due_at=now)
                  for i in range(8)]
    db.session.add_all(complaints)
    db.session.commit()
    with Receiver([(201, {"tracking_id": "LAPOR-77"})]) as receiver:
        forward_to(receiver.url)
        for complaint in complaints:
            outbox.enqueue(FORWARD, key=f"forward:{complaint.id}", subject=complaint,
                           payload={"tracking_code": complaint.tracking_code, "event": "forwarded"})
        db.session.commit()
        with count_queries() as statements:
            assert outbox.deliver() == 8
    assert len(receiver.requests) == 8
    assert set(db.session.scalars(select(Complaint.national_tracking_id))) == {"LAPOR-77"}
    # Two rounds (4, then the 4 left): the complaints are read once a round, not once a message.
    reads = [s for s in statements if s.lstrip().startswith("SELECT") and re.search(r"FROM complaint\b(?!_)", s)]
    assert 1 <= len(reads) <= 2


def test_a_stopping_worker_waits_for_the_sends_under_way_not_for_the_rest_of_the_round(settings, monkeypatch):
    settings(OUTBOX_DELIVERY_CONCURRENCY=2)
    stop, both_under_way = threading.Event(), threading.Barrier(2, timeout=5)

    def stop_then_send(payload, key=None):
        both_under_way.wait()
        stop.set()  # SIGTERM arrives while the first two sends are under way
        return {}
    monkeypatch.setattr(outbox, "_transports", lambda: {EMAIL: stop_then_send})
    queue(4)  # one round of 4, sent 2 at a time
    assert outbox.deliver(stop=stop) == 2
    left = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == PENDING)).all()
    assert len(left) == 2
    assert {(m.attempts, m.locked_until) for m in left} == {(0, None)}  # as if never claimed


class Arrivals:
    """A transport whose first sends take longest, so that sends side by side arrive out of order."""

    def __init__(self):
        self.lock, self.order = threading.Lock(), []

    def __call__(self, payload, key=None):
        time.sleep(0.02 * (4 - payload["n"] % 4))
        with self.lock:
            self.order.append((payload["to"], payload["n"]))
        return {}


def queue_to(addresses):
    for n, to in enumerate(addresses):
        outbox.enqueue(EMAIL, key=f"email:{n}", payload={"to": to, "n": n})
    db.session.commit()


def test_e_mails_to_one_address_arrive_in_the_order_they_were_queued(settings, monkeypatch):
    settings(OUTBOX_DELIVERY_CONCURRENCY=8)
    transport = Arrivals()
    monkeypatch.setattr(outbox, "_transports", lambda: {EMAIL: transport})
    # "Received", then "rejected", to one reporter (written once in capitals), among others' e-mails.
    queue_to(["warga@example.com", "lain@example.com", "WARGA@example.com ", "ketiga@example.com"])
    assert outbox.deliver() == 4
    to_the_reporter = [n for to, n in transport.order if to.strip().lower() == "warga@example.com"]
    assert to_the_reporter == [0, 2]
    # The others did not wait for the reporter's: the last one queued, the quickest, came first.
    assert transport.order[0] == ("ketiga@example.com", 3)


def test_a_forward_and_its_update_reach_the_national_system_in_order(settings, monkeypatch):
    settings(OUTBOX_DELIVERY_CONCURRENCY=8)
    now = clock.now()
    complaint = Complaint(tracking_code="ADU-2026-QWERTYUPAZ", title="Jalan berlubang", description="Di pasar",
                          classification="pengaduan", category="infrastruktur", verify_due_at=now, due_at=now)
    db.session.add(complaint)
    db.session.commit()
    arrived = []

    def national_system(payload, key=None):
        if payload["event"] == "forwarded":
            time.sleep(0.1)  # answered slowly: the update, queued after it, must not get there first
        arrived.append(payload["event"])
        return {}
    monkeypatch.setattr(outbox, "_transports", lambda: {FORWARD: national_system, FORWARD_UPDATE: national_system})
    outbox.enqueue(FORWARD, key=f"forward:{complaint.id}", subject=complaint,
                   payload={"tracking_code": complaint.tracking_code, "event": "forwarded"})
    outbox.enqueue(FORWARD_UPDATE, key=f"forward-update:{complaint.id}:1", subject=complaint,
                   payload={"tracking_code": complaint.tracking_code, "event": "update"})
    db.session.commit()
    assert outbox.deliver() == 2
    assert arrived == ["forwarded", "update"]


def test_a_long_lane_is_sent_over_several_rounds_each_message_once(settings, monkeypatch):
    settings(OUTBOX_DELIVERY_CONCURRENCY=2)
    monkeypatch.setattr(outbox, "ROUND_WAVES", 2)  # rounds of up to 4, at most 2 of one lane
    transport = Arrivals()
    monkeypatch.setattr(outbox, "_transports", lambda: {EMAIL: transport})
    sent_per_round, record_round = [], outbox._record_round

    def count_then_record(round_, results, *args):
        sent_per_round.append(sum(not isinstance(result, outbox.NotSent) for result in results))
        return record_round(round_, results, *args)
    monkeypatch.setattr(outbox, "_record_round", count_then_record)
    queue_to(["warga@example.com"] * 7)
    stats = {}
    assert outbox.deliver(stats=stats) == 7
    assert [n for _to, n in transport.order] == list(range(7))
    # One after another, a round's lease covers ROUND_WAVES sends of a lane: never more in one round.
    assert max(sent_per_round) == 2
    assert stats == {"sent": 7, "retry": 0, "failed": 0, "waiting": 0}
    # A message held back for a later round was not counted as a try.
    assert set(db.session.scalars(select(OutboxMessage.attempts))) == {1}


# --- a message that waits for a retry holds back the rest of its lane ----------------------------

def a_complaint(code="ADU-2026-QWERTYUPAZ"):
    now = clock.now()
    complaint = Complaint(tracking_code=code, title="Jalan berlubang", description="Di pasar",
                          classification="pengaduan", category="infrastruktur", verify_due_at=now, due_at=now)
    db.session.add(complaint)
    db.session.commit()
    return complaint


class Flaky:
    """A transport that answers 503 to the keys in `busy` (until they are removed) and notes what arrived."""

    def __init__(self, busy=(), refuse=()):
        self.busy, self.refuse, self.arrived = set(busy), set(refuse), []

    def __call__(self, payload, key=None):
        if key in self.busy:
            raise RetryLater("HTTP 503: sibuk")
        if key in self.refuse:
            raise outbox.Undeliverable("HTTP 422: tidak dikenal")
        self.arrived.append(key)
        return {}


def forward_then_update(complaint, *, update_later=False):
    outbox.enqueue(FORWARD, key="forward", subject=complaint, payload={"event": "forwarded"})
    if not update_later:
        outbox.enqueue(FORWARD_UPDATE, key="update", subject=complaint, payload={"event": "update"})
    db.session.commit()


def message(key):
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))


def test_an_update_waits_in_its_round_for_a_forward_that_must_be_retried(settings, monkeypatch):
    settings(OUTBOX_DELIVERY_CONCURRENCY=8)
    national_system = Flaky(busy={"forward"})
    monkeypatch.setattr(outbox, "_transports", lambda: {FORWARD: national_system, FORWARD_UPDATE: national_system})
    forward_then_update(a_complaint())
    assert outbox.deliver() == 0
    forward, update = message("forward"), message("update")
    assert national_system.arrived == []
    assert (forward.status, update.status, update.attempts) == (PENDING, PENDING, 0)
    assert update.next_attempt_at == forward.next_attempt_at > clock.now()
    assert update.last_error == outbox.HeldBack.NOTE

    national_system.busy.clear()
    assert outbox.deliver(now=forward.next_attempt_at + timedelta(seconds=1)) == 2
    assert national_system.arrived == ["forward", "update"]


def test_an_update_queued_later_waits_for_its_forward_s_retry(settings, monkeypatch):
    settings(OUTBOX_DELIVERY_CONCURRENCY=8)
    national_system = Flaky(busy={"forward"})
    monkeypatch.setattr(outbox, "_transports", lambda: {FORWARD: national_system, FORWARD_UPDATE: national_system})
    complaint = a_complaint()
    forward_then_update(complaint, update_later=True)
    assert outbox.deliver() == 0
    outbox.enqueue(FORWARD_UPDATE, key="update", subject=complaint, payload={"event": "update"})
    db.session.commit()
    national_system.busy.clear()

    assert outbox.deliver() == 0  # the forward is not due yet; the update waits for it
    forward, update = message("forward"), message("update")
    assert (update.status, update.attempts, update.next_attempt_at) == (PENDING, 0, forward.next_attempt_at)
    assert outbox.deliver(now=forward.next_attempt_at + timedelta(seconds=1)) == 2
    assert national_system.arrived == ["forward", "update"]


def test_a_forward_parked_as_failed_holds_back_nothing(settings, monkeypatch):
    national_system = Flaky(refuse={"forward"})
    monkeypatch.setattr(outbox, "_transports", lambda: {FORWARD: national_system, FORWARD_UPDATE: national_system})
    complaint = a_complaint()
    forward_then_update(complaint, update_later=True)
    assert outbox.deliver() == 0
    assert message("forward").status == outbox.FAILED
    outbox.enqueue(FORWARD_UPDATE, key="update", subject=complaint, payload={"event": "update"})
    db.session.commit()
    assert outbox.deliver() == 1  # an admin decides about the forward; the update does not wait forever
    assert national_system.arrived == ["update"]


def test_an_e_mail_about_a_complaint_waits_for_the_earlier_one_to_the_same_address(settings, monkeypatch):
    settings(OUTBOX_DELIVERY_CONCURRENCY=8)
    mail = Flaky(busy={"received"})
    monkeypatch.setattr(outbox, "_transports", lambda: {EMAIL: mail})
    complaint = a_complaint()
    outbox.enqueue(EMAIL, key="received", subject=complaint, payload={"to": "warga@example.com"})
    db.session.commit()
    assert outbox.deliver() == 0
    mail.busy.clear()
    outbox.enqueue(EMAIL, key="rejected", subject=complaint, payload={"to": " Warga@Example.com"})
    outbox.enqueue(EMAIL, key="to-the-unit", subject=complaint, payload={"to": "unit@example.go.id"})
    db.session.commit()

    assert outbox.deliver() == 1  # another address about the same complaint does not wait
    assert mail.arrived == ["to-the-unit"]
    received = message("received")
    assert outbox.deliver(now=received.next_attempt_at + timedelta(seconds=1)) == 2
    assert mail.arrived == ["to-the-unit", "received", "rejected"]


def test_one_at_a_time_a_failed_e_mail_holds_back_the_next_to_that_address_for_the_pass(settings, monkeypatch):
    settings(OUTBOX_DELIVERY_CONCURRENCY=1)  # every message is a round of its own
    mail = Flaky(busy={"email:0"})
    monkeypatch.setattr(outbox, "_transports", lambda: {EMAIL: mail})
    for n, to in enumerate(["warga@example.com", "lain@example.com", "warga@example.com"]):
        outbox.enqueue(EMAIL, key=f"email:{n}", payload={"to": to})
    db.session.commit()
    assert outbox.deliver() == 1
    assert mail.arrived == ["email:1"]
    assert message("email:2").next_attempt_at == message("email:0").next_attempt_at


def test_an_update_in_the_round_after_its_sent_forward_goes_in_the_same_pass(settings, monkeypatch):
    settings(OUTBOX_DELIVERY_CONCURRENCY=2)
    national_system = Flaky()
    monkeypatch.setattr(outbox, "_transports", lambda: {FORWARD: national_system, FORWARD_UPDATE: national_system,
                                                        EMAIL: national_system})
    complaint = a_complaint()
    forward_then_update(complaint, update_later=True)
    for n in range(outbox.CLAIM_SIZE - 1):  # the first round is full without the update
        outbox.enqueue(EMAIL, key=f"email:{n}", payload={"to": f"warga{n}@example.com"})
    outbox.enqueue(FORWARD_UPDATE, key="update", subject=complaint, payload={"event": "update"})
    db.session.commit()
    # The second round is claimed while the first one's outcomes are not yet written: the forward,
    # sent already, must not hold its update back to the next pass.
    assert outbox.deliver() == outbox.CLAIM_SIZE + 1
    assert national_system.arrived.index("forward") < national_system.arrived.index("update")


def test_the_outbox_page_says_why_a_held_back_message_waits(settings, monkeypatch, client, login, make_user):
    national_system = Flaky(busy={"forward"})
    monkeypatch.setattr(outbox, "_transports", lambda: {FORWARD: national_system, FORWARD_UPDATE: national_system})
    forward_then_update(a_complaint())
    outbox.deliver()
    login(make_user(ADMIN))
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "Percobaan terakhir gagal; pesan akan dicoba lagi." in page  # the forward
    assert "Menunggu pesan sebelumnya untuk penerima atau pengaduan yang sama terkirim lebih dulu." in page

"""The outbox: e-mail leaves after the change that caused it, once; claims, backoff, retry, admin page."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from accounts import services as account_services
from core import clock, outbox
from core.audit import AuditEvent
from core.errors import DomainError, NotAllowed
from core.extensions import db
from core.mailer import send_email
from core.outbox import EMAIL, FAILED, FORWARD, PENDING, SENT, OutboxMessage
from core.permissions import ADMIN, ASN, MODERATOR
from tests.conftest import count_queries
from tests.core.receiver import Receiver


def email(key, to="warga@example.com"):
    message = send_email(to, "Uji", "_signature", key=key)
    db.session.commit()
    return message


def parked(key, error="HTTP 422: ditolak"):
    message = outbox.enqueue(FORWARD, key=key, payload={"tracking_code": f"ADU-{key}", "event": "forwarded"})
    message.status, message.attempts, message.last_error = FAILED, 3, error
    db.session.commit()
    return message


# --- e-mail through the outbox ----------------------------------------------------------------

def test_an_email_enqueued_in_a_request_is_sent_after_the_response(client, sent_mail):
    response = client.post("/akun/daftar", data={
        "full_name": "Rudi", "email": "rudi@example.com", "password": "kopi-pagi-di-teras",
        "password_confirm": "kopi-pagi-di-teras", "account_type": "citizen", "agree": "y"})
    assert response.status_code == 302
    [mail] = sent_mail
    assert mail.recipients == ["rudi@example.com"]
    message = db.session.scalar(select(OutboxMessage))
    assert (message.kind, message.status, message.attempts) == (EMAIL, SENT, 1)


def test_an_email_enqueued_by_a_service_waits_for_the_delivery_pass_and_goes_once(
        make_user, make_unit, sent_mail, deliver_outbox):
    asn = make_user(ASN, unit=make_unit(), confirmed=False, nip="198503122010011003")
    account_services.confirm_asn(make_user(MODERATOR), asn)
    assert sent_mail == []
    assert db.session.scalar(select(OutboxMessage.status)) == PENDING

    assert deliver_outbox() == 1
    assert deliver_outbox() == 0
    [mail] = sent_mail
    assert mail.recipients == [asn.email]
    assert db.session.scalar(select(OutboxMessage.status)) == SENT


def test_a_message_kind_nobody_knows_is_parked_not_retried_forever():
    message = outbox.enqueue("fax", key="fax:1", payload={})
    db.session.commit()
    assert outbox.deliver() == 0
    assert (message.status, message.last_error) == (FAILED, "unknown message kind 'fax'")


def test_delivery_counts_what_happened_to_each_message(settings, sent_mail):
    settings(NATIONAL_FORWARD_URL="", NATIONAL_FORWARD_EMAIL="")
    email("email:a")
    outbox.enqueue(FORWARD, key="forward:9", payload={"tracking_code": "ADU-9", "event": "forwarded"})
    db.session.commit()
    stats = {}
    assert outbox.deliver(stats=stats) == 1
    assert stats == {"sent": 1, "retry": 0, "failed": 0, "waiting": 1}


# --- claims: a message belongs to one worker at a time ---------------------------------------

def test_a_message_another_worker_holds_is_left_alone_until_its_lease_runs_out(sent_mail):
    message = email("email:held")
    now = clock.now()
    message.locked_until = now + timedelta(minutes=5)  # a worker took it and is sending it
    db.session.commit()
    assert outbox.deliver(now=now) == 0
    assert sent_mail == []
    # That worker died: once the lease has passed, the message is someone else's to send.
    assert outbox.deliver(now=now + timedelta(minutes=6)) == 1
    assert (message.status, message.locked_until) == (SENT, None)
    assert len(sent_mail) == 1


def test_a_message_is_leased_and_counted_before_it_is_sent(monkeypatch, settings):
    settings(OUTBOX_CLAIM_SECONDS=300)
    message = email("email:1")
    seen = {}

    def spy(payload, key=None):
        with db.engine.connect() as other_worker:  # what any other worker sees during the send
            seen.update(other_worker.execute(select(OutboxMessage.attempts, OutboxMessage.locked_until)
                                             .where(OutboxMessage.key == key)).one()._asdict())
    monkeypatch.setattr(outbox, "_transports", lambda: {EMAIL: spy})
    now = clock.now()
    assert outbox.deliver(now=now) == 1
    assert seen == {"attempts": 1, "locked_until": now + timedelta(seconds=300)}
    assert (message.status, message.locked_until) == (SENT, None)


def test_a_message_whose_workers_keep_dying_is_parked_without_another_send(settings, sent_mail):
    settings(OUTBOX_MAX_ATTEMPTS=3)
    message = email("email:poison")
    now = clock.now()
    message.attempts, message.locked_until = 3, now - timedelta(minutes=1)  # its last claim ran out
    db.session.commit()
    assert outbox.deliver(now=now) == 0
    assert (message.status, sent_mail) == (FAILED, [])
    assert "workers that stopped" in message.last_error


def test_a_delivery_pass_can_be_limited_to_some_keys(sent_mail):
    email("email:mine")
    email("email:other")
    assert outbox.deliver(keys=["email:mine"]) == 1
    assert db.session.scalar(select(OutboxMessage.status).where(OutboxMessage.key == "email:other")) == PENDING


def test_a_row_locked_by_another_worker_is_skipped_without_waiting(app, sent_mail):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks (FOR UPDATE SKIP LOCKED) exist on PostgreSQL only; SQLite serialises writers")
    locked, free = email("email:locked"), email("email:free")
    locked_id = locked.id
    other_worker = db.engine.connect()
    transaction = other_worker.begin()
    other_worker.execute(select(OutboxMessage.id).where(OutboxMessage.id == locked_id).with_for_update())
    result = {}

    def deliver():
        with app.app_context():
            try:
                result["sent"] = outbox.deliver()
            finally:
                db.session.remove()
    try:
        thread = threading.Thread(target=deliver, daemon=True)
        thread.start()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the pass waited for the locked row instead of skipping it"
    finally:
        transaction.rollback()
        other_worker.close()
    thread.join(timeout=10)
    assert result["sent"] == 1
    assert [m.recipients for m in sent_mail] == [["warga@example.com"]]
    assert (db.session.get(OutboxMessage, locked_id).status, free.status) == (PENDING, SENT)


def test_two_delivery_passes_at_once_send_each_message_once(app, forward_to):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent workers need row locks (FOR UPDATE SKIP LOCKED): PostgreSQL only")
    with Receiver([(200, {})], delay=0.15) as receiver:  # slow, so the two passes overlap
        forward_to(receiver.url)
        for i in range(8):
            outbox.enqueue(FORWARD, key=f"forward:{i}", payload={"tracking_code": f"ADU-{i}", "event": "forwarded"})
        db.session.commit()
        start, sent, errors = threading.Barrier(2, timeout=10), [], []

        def one_pass():
            with app.app_context():
                try:
                    start.wait()
                    sent.append(outbox.deliver())
                except Exception as e:  # reported below; a thread's exception would be lost
                    errors.append(e)
                finally:
                    db.session.remove()
        threads = [threading.Thread(target=one_pass, daemon=True) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert errors == []
    keys = sorted(r.headers["Idempotency-Key"] for r in receiver.requests)
    assert keys == sorted(f"forward:{i}" for i in range(8))  # every message, none twice
    assert sum(sent) == 8 and min(sent) > 0  # both passes worked, side by side
    assert set(db.session.scalars(select(OutboxMessage.status))) == {SENT}


def test_a_message_is_marked_sent_even_when_its_answer_cannot_be_recorded(forward_to, monkeypatch):
    def broken(message, result):
        raise RuntimeError("complaint table unavailable")
    monkeypatch.setattr(outbox, "_after_sent", broken)
    with Receiver([(200, {"tracking_id": "LAPOR-9"})]) as receiver:
        forward_to(receiver.url)
        message = outbox.enqueue(FORWARD, key="forward:5", payload={"tracking_code": "ADU-5", "event": "forwarded"})
        db.session.commit()
        assert outbox.deliver() == 1
        assert outbox.deliver(now=clock.now() + timedelta(days=1)) == 0
    assert message.status == SENT
    assert "LAPOR-9" in message.last_error
    assert len(receiver.requests) == 1


# --- backoff -----------------------------------------------------------------------------------

def test_backoff_doubles_with_each_attempt_up_to_a_cap_and_is_jittered(settings):
    settings(OUTBOX_BACKOFF_SECONDS=30, OUTBOX_BACKOFF_MAX_SECONDS=600)
    # Each attempt waits between half and all of its full delay: 15-30 s, 30-60 s, ... capped.
    for attempts, full in [(1, 30), (2, 60), (3, 120), (4, 240), (5, 480), (6, 600), (20, 600)]:
        delays = [outbox.backoff(attempts) for _ in range(200)]
        assert all(full / 2 <= delay <= full for delay in delays), attempts
        assert len(set(delays)) > 100  # spread out, so failed workers do not retry in step
    assert min(outbox.backoff(4) for _ in range(50)) > max(outbox.backoff(2) for _ in range(50))


# --- retry by an admin ------------------------------------------------------------------------

def test_an_admin_retry_gives_a_failed_message_fresh_attempts_and_is_audited(make_user):
    admin, message = make_user(ADMIN), parked("forward:1")
    outbox.retry(admin, message)
    assert (message.status, message.attempts, message.locked_until) == (PENDING, 0, None)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outbox.retried"))
    assert (event.actor_id, event.object_id, event.data) == (admin.id, message.id, {"key": "forward:1"})


def test_only_failed_messages_can_be_retried_so_nothing_goes_twice(make_user, sent_mail):
    admin, message = make_user(ADMIN), email("email:done")
    outbox.deliver()
    with pytest.raises(DomainError):
        outbox.retry(admin, message)
    assert outbox.deliver(now=clock.now() + timedelta(days=1)) == 0
    assert (message.status, len(sent_mail)) == (SENT, 1)


def test_only_admins_retry(make_user):
    message = parked("forward:1")
    with pytest.raises(NotAllowed):
        outbox.retry(make_user(MODERATOR), message)
    assert message.status == FAILED


def test_summary_counts_messages_by_status(settings):
    settings(NATIONAL_FORWARD_URL="", NATIONAL_FORWARD_EMAIL="")
    parked("forward:1")
    email("email:1")
    summary = outbox.summary()
    assert summary["counts"] == {PENDING: 1, FAILED: 1, SENT: 0}
    assert (summary["forward_configured"], summary["forward_problem"]) == (False, "no_channel")


# --- the admin page -----------------------------------------------------------------------------

@pytest.mark.parametrize("role, status", [(ADMIN, 200), (MODERATOR, 403), (None, 302)])
def test_the_outbox_page_is_for_admins(client, login, make_user, role, status):
    if role:
        login(make_user(role))
    response = client.get("/admin/outbox")
    assert response.status_code == status
    if role is None:
        assert "/akun/masuk" in response.headers["Location"]


def test_the_outbox_page_lists_what_needs_attention_with_a_retry_for_failed_ones(client, login, make_user, sent_mail):
    login(make_user(ADMIN))
    failed = parked("forward:7", error="HTTP 422: kategori tidak dikenal")
    email("email:waiting", to="ani@example.com")
    delivered = email("email:delivered")
    outbox.deliver(keys=[delivered.key])
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "forward:7" in page and "HTTP 422: kategori tidak dikenal" in page
    assert f"/admin/outbox/{failed.id}/kirim-ulang" in page
    assert "email:waiting" in page and "ani@example.com" in page
    assert "email:delivered" not in page  # sent ones only under their own filter
    sent_page = client.get("/admin/outbox?status=sent").get_data(as_text=True)
    assert "email:delivered" in sent_page and "forward:7" not in sent_page
    assert "kirim-ulang" not in sent_page
    assert client.get("/admin/outbox?status=nonsense").status_code == 200


def test_a_retry_from_the_page_cannot_resend_a_sent_message(client, login, make_user, sent_mail):
    login(make_user(ADMIN))
    message = email("email:done")
    outbox.deliver()
    response = client.post(f"/admin/outbox/{message.id}/kirim-ulang")
    assert response.status_code == 302
    assert "Hanya pesan yang gagal" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert message.status == SENT


def test_the_retry_button_needs_the_csrf_token(client, login, make_user, csrf_enabled):
    login(make_user(ADMIN))
    message = parked("forward:1")
    assert client.post(f"/admin/outbox/{message.id}/kirim-ulang").status_code == 400
    assert message.status == FAILED


def test_moderators_cannot_retry(client, login, make_user):
    login(make_user(MODERATOR))
    message = parked("forward:1")
    assert client.post(f"/admin/outbox/{message.id}/kirim-ulang").status_code == 403
    assert message.status == FAILED


def test_the_outbox_page_does_not_grow_queries_with_rows(client, login, make_user):
    login(make_user(ADMIN))

    def add(n, start):
        for i in range(start, start + n):
            parked(f"forward:{i}")
            email(f"email:{i}")

    def queries():
        with count_queries() as statements:
            assert client.get("/admin/outbox").status_code == 200
        return len(statements)
    add(1, 0)
    few = queries()
    add(9, 1)
    many = queries()
    assert many == few
    assert many <= 6

"""Forwarding to the national system against a real HTTP receiver on 127.0.0.1.

The receiver is a ThreadingHTTPServer that answers from a script and records every request, so
the tests see what actually travelled: the bytes, the Idempotency-Key, the signature.
"""
import hashlib
import hmac
import json
from datetime import timedelta

from sqlalchemy import select

from complaints.models import Complaint
from core import clock, outbox
from core.extensions import db
from core.outbox import FAILED, PENDING, SENT
from core.permissions import ADMIN

from tests.core.receiver import DROP, SECRET, Receiver, free_port

PAYLOAD = {"tracking_code": "ADU-2026-ABCDEFGHJK", "event": "forwarded", "title": "Lampu jalan padam",
           "description": "Sudah dua minggu.\nMohon segera diperbaiki.", "category": "infrastruktur",
           "reporter": {"name": "Sari", "email": "sari@example.com"}}


def forward_message(key="forward:1", payload=PAYLOAD, subject=None, kind=outbox.FORWARD):
    message = outbox.enqueue(kind, key=key, payload=payload, subject=subject)
    db.session.commit()
    return message


def signature(body):
    return "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def test_a_forward_waits_while_the_receiver_is_down_and_arrives_once_when_it_is_back(forward_to):
    port = free_port()
    forward_to(f"http://127.0.0.1:{port}/api/pengaduan")
    message = forward_message()
    start = clock.now()

    assert outbox.deliver(now=start) == 0
    assert (message.status, message.attempts) == (PENDING, 1)
    assert message.next_attempt_at > start
    assert "connection failed" in message.last_error

    with Receiver([(201, {"status": "diterima"})], port=port) as receiver:
        assert outbox.deliver(now=start + timedelta(seconds=1)) == 0  # not due yet: no early retry
        assert receiver.requests == []
        later = message.next_attempt_at + timedelta(seconds=1)
        assert outbox.deliver(now=later) == 1
        assert outbox.deliver(now=later + timedelta(days=1)) == 0  # sent is sent

    [request] = receiver.requests
    assert (message.status, message.attempts, message.last_error) == (SENT, 2, None)
    assert request.headers["Idempotency-Key"] == message.key == "forward:1"
    assert request.headers["Content-Type"] == "application/json"
    assert hmac.compare_digest(request.headers["X-Signature"], signature(request.body))
    assert json.loads(request.body) == PAYLOAD


def test_a_busy_receiver_gets_the_same_signed_bytes_again_later(forward_to):
    with Receiver([(503, b"sedang sibuk"), (200, {})]) as receiver:
        forward_to(receiver.url)
        message = forward_message()
        now = clock.now()
        assert outbox.deliver(now=now) == 0
        assert (message.status, message.attempts) == (PENDING, 1)
        assert "HTTP 503: sedang sibuk" in message.last_error
        assert outbox.deliver(now=message.next_attempt_at + timedelta(seconds=1)) == 1
    first, second = receiver.requests
    assert message.status == SENT
    assert first.body == second.body
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"] == message.key
    assert second.headers["X-Signature"] == signature(second.body)


def test_a_receiver_that_does_not_answer_in_time_is_tried_again(forward_to, settings):
    with Receiver([(200, {})], delay=1.0) as receiver:
        forward_to(receiver.url)
        settings(NATIONAL_FORWARD_TIMEOUT=0.2)
        message = forward_message()
        assert outbox.deliver() == 0
    assert (message.status, message.attempts) == (PENDING, 1)
    assert "no answer within 0.2s" in message.last_error


def test_forwards_in_a_row_share_one_kept_alive_connection(forward_to, settings):
    with Receiver([(200, {})], keep_alive=True) as receiver:
        forward_to(receiver.url)
        settings(OUTBOX_DELIVERY_CONCURRENCY=1)
        messages = [forward_message(key=f"forward:{n}") for n in (1, 2, 3)]
        assert outbox.deliver() == 3
    assert [json.loads(r.body) for r in receiver.requests] == [PAYLOAD] * 3
    assert {r.headers["Idempotency-Key"] for r in receiver.requests} == {m.key for m in messages}
    assert len({r.peer for r in receiver.requests}) == 1


def test_a_connection_idle_longer_than_the_setting_is_not_used_again(forward_to, settings):
    with Receiver([(200, {})], keep_alive=True) as receiver:
        forward_to(receiver.url)
        settings(OUTBOX_DELIVERY_CONCURRENCY=1, NATIONAL_FORWARD_KEEPALIVE_SECONDS=0)
        for n in (1, 2, 3):
            forward_message(key=f"forward:{n}")
        assert outbox.deliver() == 3
    assert len({r.peer for r in receiver.requests}) == 3


def test_a_kept_connection_the_receiver_drops_is_tried_once_more_on_a_fresh_one(forward_to, settings):
    with Receiver([(200, {}), (DROP,), (200, {"tracking_id": "LAPOR-2"})], keep_alive=True) as receiver:
        forward_to(receiver.url)
        settings(OUTBOX_DELIVERY_CONCURRENCY=1)
        first, second = forward_message(key="forward:1"), forward_message(key="forward:2")
        assert outbox.deliver() == 2
    assert (first.status, second.status, second.attempts) == (SENT, SENT, 1)
    sent, dropped, again = receiver.requests
    assert dropped.peer == sent.peer != again.peer
    assert (dropped.body, dropped.headers["Idempotency-Key"]) == (again.body, again.headers["Idempotency-Key"])
    assert again.headers["Idempotency-Key"] == "forward:2"


def test_a_receiver_that_drops_the_fresh_connection_too_is_tried_again_later(forward_to):
    with Receiver([(DROP,)], keep_alive=True) as receiver:
        forward_to(receiver.url)
        message = forward_message()
        assert outbox.deliver() == 0
    assert len(receiver.requests) == 2  # one more try within the pass, not a loop
    assert (message.status, message.attempts) == (PENDING, 1)
    assert "connection failed" in message.last_error


def test_forwards_go_through_the_proxy_the_environment_names(forward_to, monkeypatch):
    with Receiver([(200, {})]) as proxy:
        forward_to("http://lapor.example.go.id/api/pengaduan")
        monkeypatch.setenv("http_proxy", proxy.url.rsplit("/api/", 1)[0])
        for name in ("no_proxy", "NO_PROXY", "HTTP_PROXY"):
            monkeypatch.delenv(name, raising=False)
        message = forward_message()
        assert outbox.deliver() == 1
    [request] = proxy.requests
    assert request.path == "http://lapor.example.go.id/api/pengaduan"
    assert (request.headers["Idempotency-Key"], message.status) == (message.key, SENT)


def test_a_refused_payload_is_parked_at_once_and_an_admin_can_send_it_again(forward_to, make_user, client, login):
    with Receiver([(422, {"error": "kategori tidak dikenal"}), (200, {})]) as receiver:
        forward_to(receiver.url)
        message = forward_message()
        assert outbox.deliver() == 0
        assert (message.status, message.attempts) == (FAILED, 1)
        assert "HTTP 422" in message.last_error and "kategori tidak dikenal" in message.last_error
        assert outbox.deliver(now=clock.now() + timedelta(days=30)) == 0  # parked: no more tries

        login(make_user(ADMIN))
        response = client.post(f"/admin/outbox/{message.id}/kirim-ulang")
        assert response.status_code == 302
        assert (message.status, message.attempts) == (PENDING, 0)

        assert outbox.deliver() == 1
    assert message.status == SENT
    assert len(receiver.requests) == 2


def test_a_message_that_keeps_failing_is_parked_after_the_last_attempt(forward_to, settings):
    settings(OUTBOX_MAX_ATTEMPTS=3)
    with Receiver([(500, b"")]) as receiver:
        forward_to(receiver.url)
        message = forward_message()
        now = clock.now()
        for attempt in (1, 2):
            outbox.deliver(now=now)
            assert (message.status, message.attempts) == (PENDING, attempt)
            now = message.next_attempt_at + timedelta(seconds=1)
        outbox.deliver(now=now)
        assert (message.status, message.attempts) == (FAILED, 3)
        outbox.deliver(now=now + timedelta(days=30))
    assert len(receiver.requests) == 3


def test_too_many_requests_waits_as_long_as_the_receiver_asks(forward_to):
    with Receiver([(429, b"", {"Retry-After": "3600"})]) as receiver:
        forward_to(receiver.url)
        message = forward_message()
        now = clock.now()
        outbox.deliver(now=now)
    assert message.status == PENDING
    assert message.next_attempt_at >= now + timedelta(seconds=3600)  # our own backoff would say 15-30 s
    assert len(receiver.requests) == 1


def test_a_redirect_is_not_followed_but_parked_for_an_admin(forward_to):
    with Receiver([(302, b"", {"Location": "http://127.0.0.1:9/lain"})]) as receiver:
        forward_to(receiver.url)
        message = forward_message()
        outbox.deliver()
    assert message.status == FAILED
    assert "HTTP 302" in message.last_error and "NATIONAL_FORWARD_URL" in message.last_error
    assert len(receiver.requests) == 1


def test_the_national_tracking_id_in_the_answer_is_stored_on_the_complaint(forward_to):
    now = clock.now()
    complaint = Complaint(tracking_code="ADU-2026-QWERTYUPAS", title="Jalan berlubang", description="Di depan pasar",
                          classification="pengaduan", category="infrastruktur", verify_due_at=now, due_at=now)
    db.session.add(complaint)
    db.session.commit()
    with Receiver([(201, {"tracking_id": "LAPOR-123"})]) as receiver:
        forward_to(receiver.url)
        message = forward_message(key=f"forward:{complaint.id}", subject=complaint,
                                  payload={**PAYLOAD, "tracking_code": complaint.tracking_code})
        assert outbox.deliver() == 1
    assert message.status == SENT
    assert db.session.scalar(select(Complaint.national_tracking_id).where(Complaint.id == complaint.id)) == "LAPOR-123"
    assert len(receiver.requests) == 1


def test_an_accepted_answer_that_is_not_json_still_counts_as_sent(forward_to):
    with Receiver([(200, b"<html>OK</html>")]) as receiver:
        forward_to(receiver.url)
        message = forward_message()
        assert outbox.deliver() == 1
    assert message.status == SENT


def test_without_a_url_forwarding_goes_by_email_to_the_national_address(settings, sent_mail):
    settings(NATIONAL_FORWARD_URL="", NATIONAL_FORWARD_EMAIL="lapor@example.go.id")
    message = forward_message()
    update = forward_message(key="forward_update:1:7", kind=outbox.FORWARD_UPDATE,
                             payload={"tracking_code": "ADU-2026-ABCDEFGHJK", "event": "update", "step": "resolved"})
    assert outbox.deliver() == 2
    # Sent at once (OUTBOX_DELIVERY_CONCURRENCY), so in either order.
    forwarded, updated = sorted(sent_mail, key=lambda mail: mail.subject.startswith("Pembaruan"))
    assert forwarded.recipients == ["lapor@example.go.id"]
    assert forwarded.subject == "Penerusan pengaduan ADU-2026-ABCDEFGHJK"
    assert "Lampu jalan padam" in forwarded.body and "Mohon segera diperbaiki." in forwarded.body
    assert "reporter.email: sari@example.com" in forwarded.body
    assert message.key in forwarded.body
    assert forwarded.extra_headers["X-Idempotency-Key"] == message.key
    assert updated.subject == "Pembaruan pengaduan ADU-2026-ABCDEFGHJK"
    assert (message.status, update.status) == (SENT, SENT)


def test_with_no_channel_forwarding_waits_and_admins_see_a_warning(settings, make_user, client, login):
    settings(NATIONAL_FORWARD_URL="", NATIONAL_FORWARD_EMAIL="")
    message = forward_message()
    assert outbox.deliver() == 0
    assert (message.status, message.attempts) == (PENDING, 0)  # waiting is not a failed attempt
    assert "not configured" in message.last_error

    login(make_user(ADMIN))
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "Penerusan ke SP4N-LAPOR! belum dikonfigurasi" in page
    assert "forward:1" in page


def test_a_url_without_a_secret_waits_rather_than_send_unsigned(forward_to, settings, make_user, client, login):
    with Receiver() as receiver:
        forward_to(receiver.url)
        settings(NATIONAL_FORWARD_SECRET="")
        message = forward_message()
        outbox.deliver()
        assert receiver.requests == []
    assert (message.status, message.attempts) == (PENDING, 0)
    login(make_user(ADMIN))
    assert "NATIONAL_FORWARD_SECRET belum" in client.get("/admin/outbox").get_data(as_text=True)


def test_a_configured_channel_shows_no_warning(forward_to, make_user, client, login):
    forward_to("https://lapor.example.go.id/api/pengaduan")
    login(make_user(ADMIN))
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "alert-warning" not in page

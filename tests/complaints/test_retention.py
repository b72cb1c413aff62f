"""Retention of reporters' identities (issue 11): erased N months after a complaint is finished."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from complaints import services, sweeps
from complaints.models import CLOSED, REJECTED, Complaint, ComplaintEvent, IdempotencyKey
from config import Config
from core import outbox, worker
from core.audit import AuditEvent
from core.extensions import db
from tests.complaints.conftest import MONDAY, WIB

CLOSED_AT = datetime(2026, 11, 20, 10, 0, tzinfo=WIB)
TWO_YEARS_LATER = datetime(2028, 11, 20, 10, 0, tzinfo=WIB)  # exactly 24 months after CLOSED_AT


def test_the_default_retention_is_24_months():
    assert Config.COMPLAINT_IDENTITY_RETENTION_MONTHS == 24


def close(complaint, moderator, handler, unit, at=CLOSED_AT):
    services.verify(moderator, complaint, unit_id=unit.id, now=MONDAY)
    services.resolve(handler, complaint, response="Lubang sudah ditambal.", now=MONDAY + timedelta(days=2))
    services.auto_close(complaint, now=at)
    db.session.commit()
    return complaint


def identity(complaint):
    db.session.expire_all()
    complaint = db.session.get(Complaint, complaint.id)
    return complaint.reporter_name, complaint.reporter_email, complaint.reporter_phone


def test_a_closed_complaints_identity_is_kept_exactly_n_months_and_erased_after(
        app, file_complaint, moderator, handler, unit, in_request):
    complaint, reporter_key = file_complaint(idempotency_key="web:satu-kali")
    close(complaint, moderator, handler, unit)
    assert sweeps.erase_expired_identities(now=TWO_YEARS_LATER) == 0  # exactly 24 months: still kept
    assert identity(complaint) == ("Rudi Hartono", "rudi@example.com", "081234567890")
    assert sweeps.erase_expired_identities(now=TWO_YEARS_LATER + timedelta(seconds=1)) == 1
    assert identity(complaint) == (None, None, None)
    complaint = db.session.get(Complaint, complaint.id)
    assert complaint.reporter_key_hash is None and complaint.identity_erased_at is not None
    assert not services.reporter_key_matches(complaint, reporter_key)
    assert db.session.scalar(select(func.count(IdempotencyKey.id))) == 0
    # The case and what the statistics count stay as they were.
    assert (complaint.status, complaint.title, complaint.unit_id) == (CLOSED, "Jalan berlubang di Jl. Merdeka", unit.id)
    assert complaint.public_response == "Lubang sudah ditambal."
    # A note on the timeline and in the audit log, holding no personal data.
    note = db.session.scalar(select(ComplaintEvent).where(ComplaintEvent.kind == "identity_erased"))
    assert note.public is False and note.actor_role == "system" and note.data == {"retention_months": 24}
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "complaint.identity_erased"))
    assert audit.data == {"code": complaint.tracking_code, "retention_months": 24}
    for text in (repr(note.message), repr(note.data), repr(audit.data)):
        assert "Rudi" not in text and "rudi@" not in text and "0812" not in text
    # Idempotent: a second sweep finds nothing and writes nothing.
    assert sweeps.erase_expired_identities(now=TWO_YEARS_LATER + timedelta(days=1)) == 0
    assert db.session.scalar(select(func.count(ComplaintEvent.id)).where(ComplaintEvent.kind == "identity_erased")) == 1


def test_a_rejected_complaint_counts_from_its_rejection(file_complaint, moderator, in_request):
    complaint, _key = file_complaint()
    services.reject(moderator, complaint, kind="invalid", reason="Tidak jelas", now=CLOSED_AT)
    assert complaint.status == REJECTED and complaint.closed_at == CLOSED_AT
    assert sweeps.erase_expired_identities(now=TWO_YEARS_LATER) == 0
    assert sweeps.erase_expired_identities(now=TWO_YEARS_LATER + timedelta(seconds=1)) == 1
    assert identity(complaint) == (None, None, None)


def test_open_and_resolved_complaints_keep_their_reporter_however_old(
        file_complaint, moderator, handler, unit, in_request):
    still_open, _key = file_complaint()
    resolved, _key = file_complaint()
    services.verify(moderator, resolved, unit_id=unit.id, now=MONDAY)
    services.resolve(handler, resolved, response="Selesai", now=MONDAY)
    assert sweeps.erase_expired_identities(now=MONDAY + timedelta(days=3650)) == 0
    assert identity(still_open)[0] == identity(resolved)[0] == "Rudi Hartono"


def test_the_retention_follows_the_setting(app, monkeypatch, file_complaint, moderator, handler, unit, in_request):
    monkeypatch.setitem(app.config, "COMPLAINT_IDENTITY_RETENTION_MONTHS", 6)
    complaint, _key = file_complaint()
    close(complaint, moderator, handler, unit)
    six_months = datetime(2027, 5, 20, 10, 0, tzinfo=WIB)
    assert sweeps.erase_expired_identities(now=six_months) == 0
    assert sweeps.erase_expired_identities(now=six_months + timedelta(seconds=1)) == 1


def test_the_reporter_link_stops_working_once_erased(client, file_complaint, moderator, handler, unit, in_request):
    complaint, reporter_key = file_complaint()
    close(complaint, moderator, handler, unit)
    link = f"/pengaduan/akses/{complaint.tracking_code}/{reporter_key}"
    case = client.get(link).headers["Location"]
    assert client.get(case).status_code == 200  # this browser holds the reporter's pass
    sweeps.erase_expired_identities(now=TWO_YEARS_LATER + timedelta(seconds=1))
    assert client.get(link).status_code == 404
    assert client.get(case).status_code != 200  # and the pass it got from the link ends with it
    assert client.get(f"/pengaduan/lacak/{complaint.tracking_code}").status_code == 200  # the case stays public


def test_delivered_messages_that_carried_the_reporter_go_with_the_identity(
        file_complaint, moderator, handler, unit, in_request):
    complaint, _key = file_complaint()
    close(complaint, moderator, handler, unit)
    about = select(outbox.OutboxMessage).where(outbox.OutboxMessage.subject_type == "complaint",
                                               outbox.OutboxMessage.subject_id == complaint.id)
    private = [m for m in db.session.scalars(about) if "to_encrypted" in m.payload]
    staff = [m for m in db.session.scalars(about) if "to" in m.payload]
    assert private and staff
    for message in private + staff:
        message.status = outbox.SENT
    db.session.commit()
    sweeps.erase_expired_identities(now=TWO_YEARS_LATER + timedelta(seconds=1))
    left = {m.id for m in db.session.scalars(about)}
    assert left == {m.id for m in staff}  # e-mails to the staff named no reporter: they stay


def test_the_sweep_works_through_every_batch(monkeypatch, file_complaint, moderator, handler, unit, in_request):
    monkeypatch.setattr(sweeps, "BATCH", 2)
    complaints = [file_complaint()[0] for _ in range(5)]
    for complaint in complaints:
        close(complaint, moderator, handler, unit)
    assert sweeps.erase_expired_identities(now=TWO_YEARS_LATER + timedelta(seconds=1)) == 5
    assert all(identity(c) == (None, None, None) for c in complaints)


def test_the_worker_runs_the_retention_sweep(app, file_complaint, moderator, handler, unit, in_request):
    assert "complaints.sweeps:erase_expired_identities" in worker.SWEEPS
    complaint, _key = file_complaint()
    close(complaint, moderator, handler, unit)
    results = worker.run_sweeps(now=TWO_YEARS_LATER + timedelta(seconds=1))
    assert results["complaints.sweeps:erase_expired_identities"] == 1
    assert identity(complaint) == (None, None, None)


def test_an_unfinished_complaint_cannot_be_erased_by_hand(complaint):
    with pytest.raises(services.DomainError):
        services.erase_reporter_identity(complaint, now=MONDAY)

"""Each transition of a complaint, and the refusals that protect its lifecycle."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from complaints import services
from complaints.models import (AWAITING_REPORTER, CLOSED, IN_PROGRESS, REJECTED, RESOLVED, VERIFIED,
                               ComplaintEvent)
from core.audit import AppendOnlyError, AuditEvent
from core.errors import DomainError, NotAllowed
from core.extensions import db
from core.permissions import ASN, CITIZEN, ReporterPass
from tests.complaints.conftest import MONDAY, WIB

pytestmark = pytest.mark.usefixtures("in_request")


def kinds(complaint):
    return [e.kind for e in db.session.scalars(select(ComplaintEvent).where(
        ComplaintEvent.complaint_id == complaint.id).order_by(ComplaintEvent.id))]


def test_a_moderator_verifies_and_routes_and_the_unit_is_told(complaint, moderator, handler, unit, sent_mail,
                                                              deliver_outbox):
    services.verify(moderator, complaint, unit_id=unit.id, note="Lokasi jelas")
    deliver_outbox()
    assert (complaint.status, complaint.unit_id) == (VERIFIED, unit.id)
    assert kinds(complaint) == ["received", "verified", "note"]
    assert handler.email in [m.recipients[0] for m in sent_mail]
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "complaint.verified"))


def test_only_moderators_verify_and_only_new_complaints(complaint, handler, moderator, unit):
    with pytest.raises(NotAllowed):
        services.verify(handler, complaint, unit_id=unit.id)
    services.verify(moderator, complaint, unit_id=unit.id)
    with pytest.raises(DomainError):
        services.verify(moderator, complaint, unit_id=unit.id)


def test_verification_may_add_privacy_but_never_remove_it(file_complaint, moderator, unit):
    complaint, _ = file_complaint(anonymous=True)
    services.verify(moderator, complaint, unit_id=unit.id, anonymous=False, confidential=True)
    assert complaint.anonymous and complaint.confidential


def test_the_unit_works_the_case_from_progress_to_resolution(complaint, moderator, handler, unit):
    services.verify(moderator, complaint, unit_id=unit.id)
    services.start_progress(handler, complaint)
    assert complaint.status == IN_PROGRESS
    services.resolve(handler, complaint, response="Lubang sudah ditambal pada 5 November.", now=MONDAY + timedelta(days=3))
    assert complaint.status == RESOLVED
    # Auto-close waits 10 working days from Thursday 5 November: Thursday 19 November.
    assert complaint.autoclose_at == datetime(2026, 11, 19, 23, 59, 59, tzinfo=WIB)


def test_a_handler_of_another_unit_cannot_touch_the_case(complaint, moderator, unit, make_user, make_unit):
    services.verify(moderator, complaint, unit_id=unit.id)
    stranger = make_user(ASN, unit=make_unit("Dinas Lain", "DL"))
    unconfirmed = make_user(ASN, unit=unit, confirmed=False)
    for person in (stranger, unconfirmed):
        with pytest.raises(NotAllowed):
            services.start_progress(person, complaint)
        with pytest.raises(NotAllowed):
            services.add_note(person, complaint, text="x")


def test_resolving_needs_a_response_and_an_active_case(complaint, moderator, handler, unit):
    with pytest.raises(DomainError):
        services.resolve(moderator, complaint, response="Sudah")  # not verified yet
    services.verify(moderator, complaint, unit_id=unit.id)
    with pytest.raises(DomainError) as error:
        services.resolve(handler, complaint, response="  ")
    assert error.value.field == "response"


def test_asking_the_reporter_pauses_the_clock_and_the_answer_moves_the_deadline(complaint, moderator, handler, unit):
    services.verify(moderator, complaint, unit_id=unit.id)
    services.request_info(handler, complaint, message="Mohon foto lokasi.", now=datetime(2026, 11, 3, 9, 0, tzinfo=WIB))
    assert complaint.status == AWAITING_REPORTER
    # Answered on Thursday: Wednesday and Thursday were spent waiting, so the deadline moves by 2.
    services.reporter_reply(ReporterPass(complaint.id), complaint, message="Foto terlampir di e-mail.",
                            now=datetime(2026, 11, 5, 15, 0, tzinfo=WIB))
    assert complaint.status == VERIFIED
    assert complaint.due_at == datetime(2026, 11, 11, 23, 59, 59, tzinfo=WIB)
    assert kinds(complaint)[-2:] == ["reporter_replied", "resumed"]


def test_a_pause_over_a_weekend_and_a_holiday_counts_only_working_days(file_complaint, moderator, unit):
    # Received Monday 10 August 2026; 17 August is Independence Day.
    complaint, _ = file_complaint(now=datetime(2026, 8, 10, 9, 0, tzinfo=WIB))
    assert complaint.due_at == datetime(2026, 8, 18, 23, 59, 59, tzinfo=WIB)  # the holiday pushes it a day
    services.verify(moderator, complaint, unit_id=unit.id)
    services.request_info(moderator, complaint, message="Alamat lengkap?", now=datetime(2026, 8, 14, 9, 0, tzinfo=WIB))
    services.reporter_reply(ReporterPass(complaint.id), complaint, message="Jl. Merdeka 12",
                            now=datetime(2026, 8, 18, 9, 0, tzinfo=WIB))
    # Fri 14 → Tue 18: Sat, Sun and the 17th do not count; only Tuesday does.
    assert complaint.due_at == datetime(2026, 8, 19, 23, 59, 59, tzinfo=WIB)


def test_the_reporter_accepts_and_the_complaint_closes(complaint, moderator, handler, unit):
    services.verify(moderator, complaint, unit_id=unit.id)
    services.resolve(handler, complaint, response="Sudah diperbaiki.")
    services.accept(ReporterPass(complaint.id), complaint)
    assert complaint.status == CLOSED and complaint.closed_at is not None
    with pytest.raises(DomainError):
        services.dispute(ReporterPass(complaint.id), complaint, reason="x")


def test_a_dispute_reopens_with_a_new_deadline(complaint, moderator, handler, unit):
    services.verify(moderator, complaint, unit_id=unit.id)
    services.resolve(handler, complaint, response="Sudah diperbaiki.", now=datetime(2026, 11, 4, 9, 0, tzinfo=WIB))
    services.dispute(ReporterPass(complaint.id), complaint, reason="Lubang masih ada.",
                     now=datetime(2026, 11, 10, 9, 0, tzinfo=WIB))
    assert complaint.status == IN_PROGRESS and complaint.autoclose_at is None
    assert complaint.due_at == datetime(2026, 11, 17, 23, 59, 59, tzinfo=WIB)


def test_only_the_reporter_answers_accepts_or_rates(complaint, moderator, handler, unit, make_user):
    services.verify(moderator, complaint, unit_id=unit.id)
    services.resolve(handler, complaint, response="Sudah diperbaiki.")
    someone = make_user(CITIZEN)
    for act in (lambda a: services.accept(a, complaint), lambda a: services.rate(a, complaint, rating=5),
                lambda a: services.reporter_reply(a, complaint, message="hai")):
        with pytest.raises(NotAllowed):
            act(someone)
        with pytest.raises(NotAllowed):
            act(ReporterPass(complaint.id + 1))


def test_rating_is_one_to_five_once_after_resolution(complaint, moderator, handler, unit):
    reporter = ReporterPass(complaint.id)
    with pytest.raises(DomainError):
        services.rate(reporter, complaint, rating=4)
    services.verify(moderator, complaint, unit_id=unit.id)
    services.resolve(handler, complaint, response="Sudah.")
    with pytest.raises(DomainError):
        services.rate(reporter, complaint, rating=6)
    services.rate(reporter, complaint, rating=4, comment="Cepat")
    assert complaint.rating == 4
    with pytest.raises(DomainError):
        services.rate(reporter, complaint, rating=5)


@pytest.mark.parametrize("kind,extra,field", [
    ("not_authority", {}, "referral"),
    ("duplicate", {"duplicate_code": "ADU-2026-TIDAKADA"}, "duplicate_code"),
    ("invalid", {"reason": ""}, "reason"),
])
def test_a_rejection_always_carries_its_reason(complaint, moderator, kind, extra, field):
    with pytest.raises(DomainError) as error:
        services.reject(moderator, complaint, kind=kind, **{"reason": "Alasan", **extra})
    assert error.value.field == field
    db.session.rollback()
    assert complaint.status != REJECTED


def test_rejecting_as_not_our_authority_refers_and_tells_the_reporter(complaint, moderator, sent_mail, deliver_outbox):
    services.reject(moderator, complaint, kind="not_authority", reason="Jalan nasional",
                    referral="Balai Besar Pelaksanaan Jalan Nasional")
    deliver_outbox()
    assert complaint.status == REJECTED
    assert "Balai Besar Pelaksanaan Jalan Nasional" in sent_mail[-1].body


def test_a_duplicate_points_at_the_original(file_complaint, moderator):
    original, _ = file_complaint()
    copy, _ = file_complaint()
    services.reject(moderator, copy, kind="duplicate", reason="Sama", duplicate_code=original.tracking_code.lower())
    assert copy.duplicate_of_id == original.id


def test_internal_notes_stay_internal(complaint, moderator):
    services.add_note(moderator, complaint, text="Pelapor sering mengirim laporan serupa")
    note = db.session.scalar(select(ComplaintEvent).where(ComplaintEvent.kind == "note"))
    assert note.public is False


def test_the_timeline_is_append_only(complaint):
    event = db.session.scalar(select(ComplaintEvent))
    event.message = "diubah"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()


def test_a_moderator_forwards_early_with_a_reason_once(complaint, moderator, handler):
    with pytest.raises(NotAllowed):
        services.forward(complaint, actor=handler, reason="x")
    with pytest.raises(DomainError):
        services.forward(complaint, actor=moderator, reason="")
    services.forward(complaint, actor=moderator, reason="Menyangkut keselamatan")
    assert complaint.forward_reason == "moderator" and complaint.forwarded_at is not None
    with pytest.raises(DomainError):
        services.forward(complaint, actor=moderator, reason="lagi")
    from core.outbox import OutboxMessage
    assert db.session.scalars(select(OutboxMessage.kind).where(OutboxMessage.kind.like("forward%"))).all() == ["forward"]


def test_after_forwarding_each_public_step_is_forwarded_as_an_update(complaint, moderator, handler, unit):
    from core.outbox import OutboxMessage
    services.forward(complaint, actor=moderator, reason="Menyangkut keselamatan")
    services.verify(moderator, complaint, unit_id=unit.id)
    services.add_note(handler, complaint, text="internal")
    services.resolve(handler, complaint, response="Selesai")
    updates = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "forward_update")
                                 .order_by(OutboxMessage.id)).all()
    assert [m.payload["step"] for m in updates] == ["verified", "resolved"]
    assert complaint.unit_id == unit.id  # the city keeps the case

"""Escalation, reminders and auto-close: exactly once, and only when due."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from complaints import services, sweeps
from complaints.models import CLOSED, Complaint, ComplaintEvent
from core.errors import NotAllowed
from core.extensions import db
from core.outbox import OutboxMessage
from tests.complaints.conftest import MONDAY, WIB
from tests.conftest import side_by_side

DUE = datetime(2026, 11, 9, 23, 59, 59, tzinfo=WIB)


def forwards():
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "forward"))


def test_nothing_is_forwarded_before_the_deadline(complaint, in_request):
    assert sweeps.escalate(now=DUE) == 0
    assert complaint.forwarded_at is None and forwards() == 0


def test_an_overdue_complaint_is_forwarded_once(complaint, in_request):
    after = DUE + timedelta(seconds=1)
    assert sweeps.escalate(now=after) == 1
    db.session.refresh(complaint)
    assert complaint.forward_reason == "sla_breach" and complaint.forwarded_at == after
    assert sweeps.escalate(now=after + timedelta(hours=1)) == 0
    assert forwards() == 1
    assert db.session.scalar(select(func.count(ComplaintEvent.id)).where(ComplaintEvent.kind == "forwarded")) == 1


def test_the_escalation_forwards_as_the_system(complaint, in_request):
    assert sweeps.escalate(now=DUE + timedelta(seconds=1)) == 1
    event = db.session.scalar(select(ComplaintEvent).where(ComplaintEvent.kind == "forwarded"))
    assert (event.actor_id, event.actor_role) == (None, "system")


def test_forwarding_refuses_a_missing_actor_even_when_automatic(complaint, handler, in_request):
    with pytest.raises(TypeError):
        services.forward(complaint, actor=None, reason=None, now=DUE + timedelta(seconds=1), automatic=True)
    with pytest.raises(TypeError):
        services.forward(complaint, reason=None, now=DUE + timedelta(seconds=1), automatic=True)
    with pytest.raises(NotAllowed):  # "automatic" names the reason, it no longer skips the rule
        services.forward(complaint, actor=handler, reason=None, now=DUE + timedelta(seconds=1), automatic=True)
    db.session.rollback()
    assert complaint.forwarded_at is None and forwards() == 0


def test_paused_resolved_and_rejected_complaints_are_not_escalated(file_complaint, moderator, handler, unit, in_request):
    paused, resolved, rejected = (file_complaint()[0] for _ in range(3))
    for complaint in (paused, resolved):
        services.verify(moderator, complaint, unit_id=unit.id)
    services.request_info(handler, paused, message="Foto?")
    services.resolve(handler, resolved, response="Selesai")
    services.reject(moderator, rejected, kind="invalid", reason="Tidak jelas")
    assert sweeps.escalate(now=DUE + timedelta(days=3)) == 0


def test_the_cli_escalates_with_a_given_now(app, complaint):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["complaints", "escalate", "--now", "2026-11-10T00:00:00+07:00"])
    assert result.exit_code == 0 and "Forwarded 1" in result.output
    assert runner.invoke(args=["complaints", "escalate", "--now", "2026-11-10T00:00:00"]).exit_code != 0


def test_two_sweeps_at_once_forward_each_complaint_once(app, file_complaint):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks (SKIP LOCKED) exist on PostgreSQL; SQLite serialises writers")
    for _ in range(30):
        file_complaint()
    db.session.remove()
    sweep = lambda: sweeps.escalate(now=DUE + timedelta(days=1))  # noqa: E731
    results = side_by_side(app, sweep, sweep, request_context=True)
    assert sum(results) == 30
    assert forwards() == 30
    assert db.session.scalar(select(func.count(Complaint.id)).where(Complaint.forwarded_at.is_(None))) == 0


def test_the_reminder_goes_once_a_working_day_before_the_deadline(complaint, handler, moderator, unit, sent_mail,
                                                                  deliver_outbox, in_request):
    services.verify(moderator, complaint, unit_id=unit.id)
    deliver_outbox()
    sent_mail.clear()
    assert sweeps.send_reminders(now=datetime(2026, 11, 5, 23, 0, tzinfo=WIB)) == 0  # Thursday: too early
    assert sweeps.send_reminders(now=datetime(2026, 11, 6, 8, 0, tzinfo=WIB)) == 1  # Friday before Monday's deadline
    assert sweeps.send_reminders(now=datetime(2026, 11, 9, 8, 0, tzinfo=WIB)) == 0  # once
    deliver_outbox()
    assert sorted(m.recipients[0] for m in sent_mail) == sorted([handler.email, moderator.email])


def test_a_resolved_complaint_without_answer_closes_itself(complaint, moderator, handler, unit, in_request):
    services.verify(moderator, complaint, unit_id=unit.id)
    services.resolve(handler, complaint, response="Selesai", now=MONDAY)
    assert sweeps.autoclose(now=complaint.autoclose_at - timedelta(seconds=1)) == 0
    assert sweeps.autoclose(now=complaint.autoclose_at + timedelta(seconds=1)) == 1
    db.session.refresh(complaint)
    assert complaint.status == CLOSED


def test_run_all_reports_each_sweep(complaint, in_request):
    assert sweeps.run_all(now=DUE + timedelta(days=30)) == {"forwarded": 1, "reminded": 0, "closed": 0,
                                                            "keys_forgotten": 0}


def test_forwards_from_an_escalation_with_a_future_now_are_due_at_once(app, file_complaint):
    """`escalate --now T` with T ahead of the clock: the next `outbox deliver --once` sends the forward."""
    from core import clock
    from core.outbox import SENT
    real_now = clock.now()
    file_complaint(now=real_now)
    ahead = clock.to_local(real_now + timedelta(days=30)).isoformat()
    runner = app.test_cli_runner()
    app.config["NATIONAL_FORWARD_EMAIL"] = "lapor@example.go.id"
    try:
        assert "Forwarded 1" in runner.invoke(args=["complaints", "escalate", "--now", ahead]).output
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "forward"))
        assert message.next_attempt_at <= clock.now()
        result = runner.invoke(args=["outbox", "deliver", "--once"])
        assert result.exit_code == 0, result.output
    finally:
        app.config["NATIONAL_FORWARD_EMAIL"] = ""
    db.session.expire_all()
    assert db.session.scalar(select(OutboxMessage.status).where(OutboxMessage.kind == "forward")) == SENT


@pytest.mark.parametrize("days, due_day", [(5, 9), (3, 5), (10, 16)])
def test_the_configured_sla_moves_the_deadline(app, file_complaint, days, due_day):
    """COMPLAINT_SLA_WORKING_DAYS (default 5): filed Monday 2 November, due at the end of the Nth working day."""
    assert app.config["COMPLAINT_SLA_WORKING_DAYS"] == 5  # the documented default
    app.config["COMPLAINT_SLA_WORKING_DAYS"] = days
    try:
        complaint = file_complaint()[0]
    finally:
        app.config["COMPLAINT_SLA_WORKING_DAYS"] = 5
    assert complaint.due_at == datetime(2026, 11, due_day, 23, 59, 59, tzinfo=WIB)

"""Escalation in batches: every overdue complaint forwarded once, at a fixed cost per batch."""
from datetime import datetime, timedelta

import pytest
from flask import url_for
from sqlalchemy import event, func, select

from complaints import services, sweeps
from complaints.models import RESOLVED, Complaint, ComplaintEvent
from core import encryption
from core.extensions import db
from core.i18n import lazy_gettext as _l
from core.mailer import render_email
from core.outbox import EMAIL, FORWARD, OutboxMessage
from tests.complaints.conftest import WIB
from tests.conftest import count_queries, side_by_side

DUE = datetime(2026, 11, 9, 23, 59, 59, tzinfo=WIB)
AFTER = DUE + timedelta(days=1)


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def assert_each_forwarded_once(ids):
    assert count(Complaint, Complaint.id.in_(ids), Complaint.forwarded_at.is_(None)) == 0
    keys = db.session.scalars(select(OutboxMessage.key).where(OutboxMessage.kind == FORWARD)).all()
    assert sorted(keys) == sorted(f"forward:{i}" for i in ids)
    forwarded = db.session.scalars(select(ComplaintEvent.complaint_id).where(ComplaintEvent.kind == "forwarded")).all()
    assert sorted(forwarded) == sorted(ids)


@pytest.mark.parametrize("extra", [0, 1])
def test_a_batch_and_a_batch_plus_one_are_all_forwarded_once(file_complaint, in_request, monkeypatch, extra):
    monkeypatch.setattr(sweeps, "BATCH", 4)
    complaints = [file_complaint()[0] for _ in range(4 + extra)]
    assert sweeps.escalate(now=AFTER) == 4 + extra
    assert sweeps.escalate(now=AFTER + timedelta(hours=1)) == 0
    assert_each_forwarded_once([c.id for c in complaints])


def test_a_batch_costs_the_same_statements_for_3_complaints_as_for_12(file_complaint, in_request):
    def statements_for(n):
        for _ in range(n):
            file_complaint()
        with count_queries() as statements:
            assert services.forward_overdue(now=AFTER, limit=50) == (n, n)
        return len(statements)
    few = statements_for(3)
    many = statements_for(12)
    assert many == few
    assert many <= 12


def test_a_complaint_resolved_between_the_select_and_the_update_is_not_forwarded(file_complaint, in_request):
    complaints = [file_complaint()[0] for _ in range(3)]
    resolved_id = complaints[1].id

    # Another handler resolves it just before the compare-and-set UPDATE runs (on the same
    # connection: what matters is that the UPDATE checks the rule again, not when it was read).
    def resolve_first(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("UPDATE complaint SET forwarded_at"):
            cursor.connection.execute(f"UPDATE complaint SET status = '{RESOLVED}' WHERE id = {resolved_id}")
    event.listen(db.engine, "before_cursor_execute", resolve_first)
    try:
        assert services.forward_overdue(now=AFTER, limit=10) == (3, 2)
    finally:
        event.remove(db.engine, "before_cursor_execute", resolve_first)
    assert db.session.scalar(select(Complaint.forwarded_at).where(Complaint.id == resolved_id)) is None
    assert count(OutboxMessage, OutboxMessage.key == f"forward:{resolved_id}") == 0
    assert count(ComplaintEvent, ComplaintEvent.complaint_id == resolved_id, ComplaintEvent.kind == "forwarded") == 0
    assert count(OutboxMessage, OutboxMessage.kind == FORWARD) == 2


def test_the_sweep_reads_overdue_complaints_from_its_index(file_complaint, in_request):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    file_complaint()
    seen = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("SELECT complaint.id") and "forwarded_at IS NULL" in statement:
            seen.append((statement, parameters))
    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        services.forward_overdue(now=AFTER)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    statement, parameters = seen[0]
    plan = " ".join(row[-1] for row in db.session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN " + statement, parameters))
    assert "ix_complaint_sweep" in plan
    assert "TEMP B-TREE" not in plan  # ordered as the index is: no sort of every overdue row


def test_the_reporter_hears_the_same_e_mail_as_from_a_single_forward(file_complaint, in_request, app):
    complaint = file_complaint()[0]
    sweeps.escalate(now=AFTER)
    payload = db.session.scalar(select(OutboxMessage.payload).where(
        OutboxMessage.kind == EMAIL, OutboxMessage.subject_id == complaint.id,
        OutboxMessage.created_at == AFTER))
    expected = render_email("rudi@example.com", _l("Pengaduan %(code)s diteruskan ke SP4N-LAPOR!", code=complaint.tracking_code),
                            "complaint_forwarded", complaint=complaint, automatic=True,
                            url=url_for("complaints.track", code=complaint.tracking_code, _external=True))
    assert encryption.decrypt(payload["to_encrypted"]) == "rudi@example.com"
    assert {k: payload[k] for k in ("subject", "body", "html")} == {k: expected[k] for k in ("subject", "body", "html")}
    assert complaint.tracking_code in payload["body"]


def test_two_batched_sweeps_at_once_forward_each_complaint_once(app, file_complaint, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks (SKIP LOCKED) exist on PostgreSQL; SQLite serialises writers")
    monkeypatch.setattr(sweeps, "BATCH", 7)  # many batches each, so the two sweeps interleave
    ids = [file_complaint()[0].id for _ in range(60)]
    db.session.remove()
    results = side_by_side(app, lambda: sweeps.escalate(now=AFTER), lambda: sweeps.escalate(now=AFTER),
                           request_context=True)
    assert sum(results) == 60 and min(results) > 0  # both sweeps worked, side by side
    assert_each_forwarded_once(ids)

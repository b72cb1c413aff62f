"""A holiday or working-day correction added or removed moves the open deadlines whose span includes it."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from complaints import services, sweeps
from complaints.models import RESOLVED, Complaint, ComplaintEvent
from core import calendar
from core.audit import AuditEvent
from core.extensions import db
from core.permissions import ADMIN, ASN, ORG_MEMBER
from tests.complaints.conftest import WIB

FILED = datetime(2026, 12, 2, 10, 0, tzinfo=WIB)   # Wednesday: days 3, 4, 7, 8, 9 December
DUE_9_DEC = datetime(2026, 12, 9, 23, 59, 59, tzinfo=WIB)
DUE_10_DEC = datetime(2026, 12, 10, 23, 59, 59, tzinfo=WIB)
DUE_8_DEC = datetime(2026, 12, 8, 23, 59, 59, tzinfo=WIB)
REGIONAL_HOLIDAY = date(2026, 12, 7)  # a Monday inside the span


@pytest.fixture
def admin(make_user):
    return make_user(ADMIN, email="admin@example.com")


@pytest.fixture
def open_complaint(file_complaint):
    complaint = file_complaint(now=FILED)[0]
    assert complaint.due_at == DUE_9_DEC
    return complaint


def moves(complaint):
    return db.session.scalars(select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id,
                                                           ComplaintEvent.kind == "deadline_moved")).all()


def test_a_holiday_added_after_filing_moves_the_open_deadline_and_escalation_waits(admin, open_complaint,
                                                                                   file_complaint):
    calendar.add_date(admin, REGIONAL_HOLIDAY, "Hari jadi kota")
    db.session.refresh(open_complaint)
    assert open_complaint.due_at == DUE_10_DEC
    # The same deadline a complaint filed now with the same receipt would get.
    assert open_complaint.due_at == file_complaint(now=FILED)[0].due_at
    assert open_complaint.remind_at == datetime(2026, 12, 9, 0, 0, tzinfo=WIB)
    [note] = moves(open_complaint)
    assert note.public and datetime.fromisoformat(note.data["previous_due_at"]) == DUE_9_DEC and note.data["day"] == "2026-12-07"
    # Not escalated a day early.
    assert sweeps.escalate(now=DUE_9_DEC + timedelta(seconds=1)) == 0


def test_removing_the_holiday_moves_the_deadline_back(admin, open_complaint):
    calendar.add_date(admin, REGIONAL_HOLIDAY, "Hari jadi kota")
    calendar.remove_date(admin, REGIONAL_HOLIDAY)
    db.session.refresh(open_complaint)
    assert open_complaint.due_at == DUE_9_DEC and len(moves(open_complaint)) == 2


def test_a_saturday_made_a_working_day_brings_the_deadline_forward(admin, open_complaint):
    calendar.add_date(admin, date(2026, 12, 5), "Hari kerja pengganti", working_day=True)
    db.session.refresh(open_complaint)
    assert open_complaint.due_at == DUE_8_DEC


def test_the_cli_moves_deadlines_too(app, open_complaint):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["calendar", "holidays", "add", "2026-12-07", "Hari jadi kota"]).exit_code == 0
    db.session.refresh(open_complaint)
    assert open_complaint.due_at == DUE_10_DEC


def test_the_tracking_page_shows_the_moved_deadline_and_its_note(admin, open_complaint, client):
    calendar.add_date(admin, REGIONAL_HOLIDAY, "Hari jadi kota")
    page = client.get(f"/pengaduan/lacak/{open_complaint.tracking_code}").get_data(as_text=True)
    assert "Tenggat disesuaikan karena perubahan kalender hari kerja" in page and "10 Desember 2026 23.59 WIB" in page


def test_dates_outside_the_span_and_finished_complaints_are_left_alone(admin, file_complaint, moderator, handler,
                                                                       unit, in_request):
    resolved = file_complaint(now=FILED)[0]
    services.verify(moderator, resolved, unit_id=unit.id, now=FILED)
    services.resolve(handler, resolved, response="Sudah diperbaiki", now=FILED)
    later = file_complaint(now=datetime(2026, 12, 8, 9, 0, tzinfo=WIB))[0]  # receipt day itself never counts
    before = {c.id: c.due_at for c in (resolved, later)}
    calendar.add_date(admin, date(2026, 12, 8), "Libur daerah")
    calendar.add_date(admin, date(2026, 12, 31), "Libur akhir tahun")  # after every deadline here
    for complaint in (resolved, later):
        db.session.refresh(complaint)
        assert complaint.due_at == before[complaint.id] and moves(complaint) == []
    assert resolved.status == RESOLVED


def test_a_dispute_after_the_date_restarts_the_count_so_the_date_is_not_in_its_span(
        admin, file_complaint, moderator, handler, unit, in_request):
    complaint, key = file_complaint(now=datetime(2026, 11, 30, 9, 0, tzinfo=WIB))
    services.verify(moderator, complaint, unit_id=unit.id)
    services.resolve(handler, complaint, response="Selesai")
    from core.permissions import ReporterPass
    services.dispute(ReporterPass(complaint.id), complaint, reason="Belum", now=datetime(2026, 12, 3, 9, 0, tzinfo=WIB))
    due = complaint.due_at  # 4, 7, 8, 9, 10 December
    calendar.add_date(admin, date(2026, 12, 2), "Libur daerah")  # before the dispute
    db.session.refresh(complaint)
    assert complaint.due_at == due


def test_a_holiday_moves_the_response_deadline_of_a_consultation_with_unanswered_input(
        admin, make_unit, make_user, make_organisation):
    from forum.models import CLOSED, Consultation, ForumInput
    from forum.consultation_services import response_days
    unit = make_unit()
    author = make_user(ORG_MEMBER, email="anggota@example.com")
    closes = datetime(2026, 11, 27, 17, 0, tzinfo=WIB)  # Friday; 10 working days: due 11 December

    def consultation(slug, answered):
        row = Consultation(slug=slug, title="Standar pelayanan", unit_id=unit.id, topic_type="standar_pelayanan",
                           description="x", format="online", opens_at=closes - timedelta(days=7), closes_at=closes,
                           stage=CLOSED, response_due_at=calendar.due_after(closes, response_days()))
        db.session.add(row)
        db.session.flush()
        db.session.add(ForumInput(consultation_id=row.id, author_id=author.id, title="Masukan", body="Isi"))
        db.session.commit()
        if answered:
            from forum.models import OfficialResponse
            forum_input = db.session.scalar(select(ForumInput).where(ForumInput.consultation_id == row.id))
            db.session.add(OfficialResponse(input_id=forum_input.id, unit_id=unit.id, disposition="accepted",
                                            reason="Diterima", responded_by_id=admin.id))
            db.session.commit()
        return row
    waiting, answered = consultation("menunggu", False), consultation("terjawab", True)
    assert waiting.response_due_at == datetime(2026, 12, 11, 23, 59, 59, tzinfo=WIB)
    calendar.add_date(admin, REGIONAL_HOLIDAY, "Hari jadi kota")
    db.session.refresh(waiting)
    db.session.refresh(answered)
    assert waiting.response_due_at == datetime(2026, 12, 14, 23, 59, 59, tzinfo=WIB)
    assert answered.response_due_at == datetime(2026, 12, 11, 23, 59, 59, tzinfo=WIB)
    note = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "consultation.response_deadline_moved"))
    assert note.object_id == waiting.id and note.data["day"] == "2026-12-07"

"""`flask calendar ...`: corrections from the command line and deadlines computed by it."""
from datetime import date

import pytest
from sqlalchemy import func, select

from core import clock
from core.audit import AuditEvent
from core.calendar import HOLIDAY, WORKING_DAY, CalendarDate
from core.extensions import db


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        return runner.invoke(args=["calendar", *args])
    return invoke


def refused(result):
    """A clean refusal: non-zero exit, a message, no traceback."""
    return result.exit_code != 0 and isinstance(result.exception, SystemExit) and "Traceback" not in result.output


def test_add_list_remove_round_trip(run):
    result = run("holidays", "add", "2026-11-03", "Hari Jadi Kota")
    assert result.exit_code == 0, result.output
    assert result.output == "Added 2026-11-03 (Tue) as an extra holiday: Hari Jadi Kota\n"
    row = db.session.scalar(select(CalendarDate))
    assert (row.day, row.kind, row.name, row.created_by_id) == (date(2026, 11, 3), HOLIDAY, "Hari Jadi Kota", None)

    listing = run("holidays", "list", "--year", "2026")
    assert listing.exit_code == 0, listing.output
    lines = listing.output.splitlines()
    assert "2026-11-03  Tue  admin    holiday                Hari Jadi Kota" in lines
    assert "2026-08-17  Mon  package  holiday                Hari Kemerdekaan Republik Indonesia" in lines
    assert "2026-03-20  Fri  package  holiday                Cuti Bersama Hari Raya Idul Fitri" in lines
    assert lines == sorted(lines)
    assert all(line.startswith("2026-") for line in lines)

    result = run("holidays", "remove", "2026-11-03")
    assert result.exit_code == 0, result.output
    assert "2026-11-03" in result.output
    assert "Hari Jadi Kota" not in run("holidays", "list", "--year", "2026").output
    assert db.session.scalar(select(func.count(CalendarDate.id))) == 0
    assert [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))] == [
        "calendar.date_added", "calendar.date_removed"]


def test_a_working_day_exception_replaces_the_package_holiday_in_the_list_and_the_count(run):
    assert run("due", "2026-08-13T10:00:00+07:00").output == "2026-08-21T23:59:59+07:00\n"
    result = run("holidays", "add", "2026-08-17", "Upacara, tetap masuk", "--working-day")
    assert result.exit_code == 0, result.output
    assert "working day" in result.output
    assert db.session.scalar(select(CalendarDate.kind)) == WORKING_DAY
    lines = run("holidays", "list", "--year", "2026").output.splitlines()
    assert [line for line in lines if line.startswith("2026-08-17")] == [
        "2026-08-17  Mon  admin    working-day exception  Upacara, tetap masuk"]
    assert run("due", "2026-08-13T10:00:00+07:00").output == "2026-08-20T23:59:59+07:00\n"


def test_list_defaults_to_this_year_in_the_city(run):
    year = clock.to_local(clock.now()).year
    output = run("holidays", "list").output
    assert f"{year}-01-01  " in output  # Tahun Baru Masehi, every year
    assert all(line.startswith(f"{year}-") for line in output.splitlines())


def test_due_prints_the_end_of_the_nth_working_day_with_the_city_offset(run):
    assert run("due", "2026-11-02T10:00:00+07:00").output == "2026-11-09T23:59:59+07:00\n"
    assert run("due", "2026-11-02T10:00:00+07:00", "--days", "1").output == "2026-11-03T23:59:59+07:00\n"
    assert run("due", "2026-03-13T10:00:00+07:00").output == "2026-03-27T23:59:59+07:00\n"


def test_due_reads_the_offset_of_from(run):
    # 18:30 UTC on Sunday is 01:30 on Monday in Jakarta; 23:30 at +09:00 is 21:30 on Monday in Jakarta.
    assert run("due", "2026-11-01T18:30:00Z").output == "2026-11-09T23:59:59+07:00\n"
    assert run("due", "2026-11-02T23:30:00+09:00", "--days", "1").output == "2026-11-03T23:59:59+07:00\n"


def test_due_defaults_to_the_sla_setting(app, run, monkeypatch):
    monkeypatch.setitem(app.config, "COMPLAINT_SLA_WORKING_DAYS", 3)
    assert run("due", "2026-11-02T10:00:00+07:00").output == "2026-11-05T23:59:59+07:00\n"


@pytest.mark.parametrize("args,message", [
    (("due", "2026-11-02T10:00:00"), "no UTC offset"),
    (("due", "2026-11-02"), "no UTC offset"),
    (("due", "besok pagi"), "not an ISO 8601 date-time"),
    (("due", "2026-11-02T10:00:00+07:00", "--days", "0"), "--days"),
    (("holidays", "add", "2026-02-30", "Tidak ada"), "not a valid date"),
    (("holidays", "add", "17-08-2026", "Urutan salah"), "not a valid date"),
    (("holidays", "remove", "kemarin"), "not a valid date"),
    (("holidays", "list", "--year", "1999"), "--year"),
])
def test_bad_input_is_refused_with_a_clear_message(run, args, message):
    result = run(*args)
    assert refused(result), result.output
    assert message in result.output
    assert db.session.scalar(select(func.count(CalendarDate.id))) == 0


def test_a_duplicate_date_and_a_missing_correction_are_refused(run):
    assert run("holidays", "add", "2026-11-03", "Hari Jadi Kota").exit_code == 0
    result = run("holidays", "add", "2026-11-03", "Lagi", "--working-day")
    assert refused(result)
    assert "sudah ada" in result.output
    assert db.session.scalar(select(CalendarDate.kind)) == HOLIDAY
    result = run("holidays", "remove", "2026-08-17")  # a package holiday has nothing to remove
    assert refused(result)
    assert "tidak ada" in result.output

"""The working-day calendar: deadlines counted in working days, in the city's time zone.

Every date below is a real one of the 2026 calendar (the `holidays` package, country ID):
2026-03-18..24 Nyepi and Idul Fitri with their cuti bersama, 2026-08-17 Independence Day,
2026-12-24 cuti bersama Natal and 2026-12-25 Natal.
"""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from core import calendar
from core.audit import AuditEvent
from core.calendar import (CalendarDate, add_date, dates_of_year, due_after, extend_by_working_days,
                           package_holidays, remove_date, reminder_time, working_days_spent)
from core.errors import DomainError, NotAllowed
from core.extensions import db
from core.permissions import ADMIN, MODERATOR

WIB = ZoneInfo("Asia/Jakarta")


def wib(year, month, day, hour=0, minute=0, second=0):
    return datetime(year, month, day, hour, minute, second, tzinfo=WIB)


def end_of(year, month, day):
    return wib(year, month, day, 23, 59, 59)


@pytest.fixture
def admin(make_user):
    return make_user(ADMIN)


# --- due_after -----------------------------------------------------------------------------

def test_a_complaint_received_on_monday_is_due_at_the_end_of_the_fifth_working_day_after():
    due = due_after(wib(2026, 11, 2, 10), 5)  # Tue, Wed, Thu, Fri, Mon
    assert due == end_of(2026, 11, 9)
    assert due.utcoffset() == timedelta(0)  # stored in UTC like every other time


@pytest.mark.parametrize("received,days,due", [
    (wib(2026, 11, 6, 10), 1, end_of(2026, 11, 9)),   # Friday → Monday
    (wib(2026, 11, 6, 10), 5, end_of(2026, 11, 13)),  # Friday → next Friday
])
def test_a_complaint_received_on_friday_skips_the_weekend(received, days, due):
    assert due_after(received, days) == due


@pytest.mark.parametrize("received", [wib(2026, 11, 7, 9), wib(2026, 11, 8, 20)])
def test_a_complaint_received_at_the_weekend_counts_from_the_next_working_day(received):
    # Monday 9 November is day 1, so day 5 is Friday 13 November.
    assert due_after(received, 5) == end_of(2026, 11, 13)
    assert due_after(received, 1) == end_of(2026, 11, 9)


def test_a_complaint_received_on_a_national_holiday_counts_from_the_next_working_day():
    # Monday 17 August 2026 is Independence Day: Tuesday 18 is day 1.
    assert due_after(wib(2026, 8, 17, 10), 1) == end_of(2026, 8, 18)
    assert due_after(wib(2026, 8, 17, 10), 5) == end_of(2026, 8, 24)


def test_the_day_of_receipt_is_the_date_in_the_city_not_in_utc():
    # 18:30 UTC on Sunday 1 November is already 01:30 on Monday 2 November in Jakarta.
    received = datetime(2026, 11, 1, 18, 30, tzinfo=timezone.utc)
    assert due_after(received, 5) == end_of(2026, 11, 9)
    # Two hours earlier (23:30 on Sunday in Jakarta) Monday is day 1.
    assert due_after(received - timedelta(hours=2), 5) == end_of(2026, 11, 6)


def test_the_city_time_zone_is_a_setting(app, monkeypatch):
    monkeypatch.setitem(app.config, "APP_TIMEZONE", "Asia/Jayapura")
    due = due_after(datetime(2026, 11, 2, 1, 0, tzinfo=timezone.utc), 5)
    assert due == datetime(2026, 11, 9, 23, 59, 59, tzinfo=ZoneInfo("Asia/Jayapura"))
    assert due.astimezone(ZoneInfo("Asia/Jayapura")).utcoffset() == timedelta(hours=9)


def test_a_national_holiday_inside_the_span_pushes_the_due_date():
    # Thursday 13 August: Fri 14, (Mon 17 holiday), Tue 18, Wed 19, Thu 20, Fri 21.
    assert due_after(wib(2026, 8, 13, 10), 5) == end_of(2026, 8, 21)


def test_cuti_bersama_from_the_package_is_not_a_working_day():
    names = package_holidays(2026)
    for day in (date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 24), date(2026, 12, 24)):
        assert "Cuti Bersama" in names[day], day
    # Friday 13 March: Mon 16, Tue 17, then Nyepi and Idul Fitri with cuti bersama from Wed 18
    # to Tue 24, then Wed 25, Thu 26, Fri 27.
    assert due_after(wib(2026, 3, 13, 10), 5) == end_of(2026, 3, 27)
    # Tuesday 22 December: Wed 23, (Thu 24 cuti bersama, Fri 25 Natal), Mon 28, Tue 29, Wed 30, Thu 31.
    assert due_after(wib(2026, 12, 22, 10), 5) == end_of(2026, 12, 31)


def test_an_extra_holiday_added_by_an_admin_pushes_the_due_date(admin):
    add_date(admin, date(2026, 11, 4), "Hari Jadi Kota")
    assert due_after(wib(2026, 11, 2, 10), 5) == end_of(2026, 11, 10)


def test_a_working_day_exception_makes_a_package_holiday_count_and_removing_it_restores(admin):
    received = wib(2026, 8, 13, 10)
    add_date(admin, date(2026, 8, 17), "Tetap masuk kerja", working_day=True)
    assert due_after(received, 5) == end_of(2026, 8, 20)
    remove_date(admin, date(2026, 8, 17))
    assert due_after(received, 5) == end_of(2026, 8, 21)


def test_a_saturday_made_a_working_day_counts(admin):
    add_date(admin, date(2026, 11, 7), "Sabtu masuk pengganti cuti", working_day=True)
    assert due_after(wib(2026, 11, 6, 10), 1) == end_of(2026, 11, 7)


def test_a_long_count_runs_past_the_first_loaded_stretch_and_still_sees_corrections(admin):
    received = wib(2026, 1, 5, 10)
    first = due_after(received, 300)
    first_day = first.astimezone(WIB).date()
    assert first_day > date(2026, 1, 5) + timedelta(days=calendar.LOOKAHEAD_DAYS)
    # A correction that far ahead must still count: the calendar loads the next stretch.
    add_date(admin, first_day, "Libur daerah")
    moved = due_after(received, 300).astimezone(WIB).date()
    assert moved > first_day
    assert all(d.weekday() >= 5 or d in package_holidays(d.year)
               for d in (first_day + timedelta(days=i) for i in range(1, (moved - first_day).days)))


# --- pausing, resuming, reminders -----------------------------------------------------------

def test_working_days_spent_skip_the_weekend_and_holidays():
    # Paused Thursday 13 August, resumed Tuesday 18: Fri 14 and Tue 18 (the weekend and Mon 17 not).
    assert working_days_spent(wib(2026, 8, 13, 10), wib(2026, 8, 18, 9)) == 2
    assert working_days_spent(wib(2026, 8, 13, 10), wib(2026, 8, 13, 16)) == 0
    assert working_days_spent(wib(2026, 8, 14, 10), wib(2026, 8, 17, 16)) == 0  # Fri → holiday Mon
    assert working_days_spent(wib(2026, 8, 18, 9), wib(2026, 8, 13, 10)) == 0   # never negative


def test_a_paused_deadline_resumes_by_the_working_days_spent():
    received = wib(2026, 8, 10, 10)
    due = due_after(received, 5)
    assert due == end_of(2026, 8, 18)  # Tue 11 .. Fri 14, (Mon 17), Tue 18
    spent = working_days_spent(wib(2026, 8, 12, 11), wib(2026, 8, 18, 9))  # Thu 13, Fri 14, Tue 18
    assert spent == 3
    assert extend_by_working_days(due, spent) == end_of(2026, 8, 21)


def test_extend_by_working_days_skips_non_working_days_and_zero_changes_nothing():
    due = end_of(2026, 3, 17)
    assert extend_by_working_days(due, 1) == end_of(2026, 3, 25)
    assert extend_by_working_days(due, 0) == due


@pytest.mark.parametrize("due,remind", [
    (end_of(2026, 11, 9), wib(2026, 11, 6)),   # due Monday → Friday before
    (end_of(2026, 11, 11), wib(2026, 11, 10)),  # due Wednesday → Tuesday
    (end_of(2026, 8, 18), wib(2026, 8, 14)),    # due the day after a holiday → the working day before it
    (end_of(2026, 3, 25), wib(2026, 3, 17)),    # after the Idul Fitri week
])
def test_the_reminder_is_at_midnight_of_the_previous_working_day(due, remind):
    assert reminder_time(due) == remind


def test_the_reminder_skips_an_extra_holiday_added_by_an_admin(admin):
    add_date(admin, date(2026, 11, 6), "Libur daerah")
    assert reminder_time(end_of(2026, 11, 9)) == wib(2026, 11, 5)


# --- the list and the corrections ------------------------------------------------------------

def test_dates_of_year_lists_package_holidays_and_corrections_with_corrections_winning(admin):
    add_date(admin, date(2026, 8, 17), "Tetap masuk kerja", working_day=True)
    add_date(admin, date(2026, 11, 4), "Hari Jadi Kota")
    entries = dates_of_year(2026)
    assert [e[0] for e in entries] == sorted(e[0] for e in entries)
    by_day = {day: (name, source, working) for day, name, source, working in entries}
    assert by_day[date(2026, 8, 17)] == ("Tetap masuk kerja", "admin", True)
    assert by_day[date(2026, 11, 4)] == ("Hari Jadi Kota", "admin", False)
    assert by_day[date(2026, 3, 20)] == ("Cuti Bersama Hari Raya Idul Fitri", "package", False)
    assert len(entries) == len(package_holidays(2026)) + 1  # 17 August is replaced, not doubled
    assert all(e[0].year == 2026 for e in entries)


def test_adding_and_removing_a_date_writes_audit_events(admin):
    add_date(admin, date(2026, 11, 4), "Hari Jadi Kota")
    remove_date(admin, date(2026, 11, 4))
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_id, e.data["day"], e.data["kind"]) for e in events] == [
        ("calendar.date_added", admin.id, "2026-11-04", calendar.HOLIDAY),
        ("calendar.date_removed", admin.id, "2026-11-04", calendar.HOLIDAY)]
    assert db.session.scalar(select(func.count(CalendarDate.id))) == 0


def test_a_date_has_at_most_one_correction(admin):
    add_date(admin, date(2026, 11, 4), "Hari Jadi Kota")
    with pytest.raises(DomainError) as error:
        add_date(admin, date(2026, 11, 4), "Lagi", working_day=True)
    assert error.value.field == "day"
    assert db.session.scalar(select(func.count(CalendarDate.id))) == 1
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 1


def test_a_package_holiday_cannot_be_added_again_but_can_be_made_a_working_day(admin):
    with pytest.raises(DomainError) as error:
        add_date(admin, date(2026, 12, 24), "Cuti bersama")
    assert error.value.field == "day"
    assert "Cuti Bersama Hari Raya Natal" in error.value.message
    add_date(admin, date(2026, 12, 24), "Tetap masuk", working_day=True)
    assert db.session.scalar(select(CalendarDate.kind)) == calendar.WORKING_DAY


@pytest.mark.parametrize("day,name,field", [
    (date(2026, 11, 4), "   ", "name"),
    (date(1999, 12, 31), "Terlalu lama", "day"),
    (date(2226, 11, 4), "Salah ketik", "day"),
])
def test_a_correction_needs_a_name_and_a_sensible_year(admin, day, name, field):
    with pytest.raises(DomainError) as error:
        add_date(admin, day, name)
    assert error.value.field == field
    assert db.session.scalar(select(func.count(CalendarDate.id))) == 0


def test_only_admins_correct_the_calendar(admin, make_user):
    moderator = make_user(MODERATOR)
    with pytest.raises(NotAllowed):
        add_date(moderator, date(2026, 11, 4), "Hari Jadi Kota")
    add_date(admin, date(2026, 11, 4), "Hari Jadi Kota")
    with pytest.raises(NotAllowed):
        remove_date(moderator, date(2026, 11, 4))
    assert db.session.scalar(select(func.count(CalendarDate.id))) == 1


def test_removing_a_date_without_a_correction_is_refused(admin):
    with pytest.raises(DomainError):
        remove_date(admin, date(2026, 8, 17))  # a package holiday, not an admin correction

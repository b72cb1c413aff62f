"""The working-day calendar: which dates the city works, and deadlines counted in working days.

Working days are Monday to Friday, minus the national holidays and cuti bersama the `holidays`
package knows (country ID, categories public and government), minus the extra non-working dates
admins add (a regional holiday, a cuti bersama decreed late), plus the dates admins mark as
working days (overriding everything above). All arithmetic is on local dates in APP_TIMEZONE.
"""
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from types import MappingProxyType

import holidays
from blinker import Namespace
from flask import current_app
from sqlalchemy import Date, ForeignKey, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from . import audit, clock, permissions
from .errors import DomainError
from .extensions import db
from .i18n import gettext as _
from .types import UTCDateTime

HOLIDAY, WORKING_DAY = "holiday", "working_day"
# How much of the calendar one query loads: enough for any usual deadline (60 working days is
# about three months); a longer count loads the next stretch when it gets there.
LOOKAHEAD_DAYS = 400
# Years an admin correction (and the admin page) may name: wide enough for any real case, narrow
# enough to catch a mistyped year (0226, 2226) that would otherwise sit in the table doing nothing.
MIN_YEAR, MAX_YEAR = 2000, 2100


# Sent when an admin correction makes a date a working day or a day off, inside the transaction
# that changes it (before the commit), so whatever the receivers change commits with it or not at
# all. Core knows no pillar: complaints and the forum connect to it to move their open deadlines.
# Sender: the app; arguments: day (a local date), is_working_day (what it is now), actor, now.
_signals = Namespace()
calendar_changed = _signals.signal("calendar-changed")


def _announce(day, was_working_day, actor, now):
    """Tell the pillars a date changed sides (and nothing when the correction changed nothing)."""
    is_working = WorkingCalendar(day, day).is_working_day(day)
    if is_working != was_working_day:
        calendar_changed.send(current_app._get_current_object(), day=day, is_working_day=is_working, actor=actor,
                              now=now or clock.now())


class CalendarDate(db.Model):
    """An admin's correction to the package's calendar for one date."""

    __tablename__ = "calendar_date"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(12))  # HOLIDAY or WORKING_DAY
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    created_by = relationship("User")


@lru_cache(maxsize=64)
def package_holidays(year):
    """National holidays and cuti bersama of one year, as a read-only {date: Indonesian name}."""
    # Read-only because the cache hands the same mapping to every caller.
    return MappingProxyType(dict(holidays.country_holidays(
        "ID", years=year, categories=("public", "government"), language="id")))


def _shift(day, days):
    """`day` moved by `days`, stopping at the ends of the calendar instead of overflowing."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


class WorkingCalendar:
    """The calendar for a span of dates, read from the database once."""

    def __init__(self, start, end):
        self.start, self.end = start, end
        self.overrides = self._load(start, end)

    @staticmethod
    def _load(start, end):
        rows = db.session.execute(select(CalendarDate.day, CalendarDate.kind)
                                  .where(CalendarDate.day >= start, CalendarDate.day <= end)).all()
        return {day: kind for day, kind in rows}

    @classmethod
    def around(cls, day, days=LOOKAHEAD_DAYS):
        return cls(_shift(day, -days), _shift(day, days))

    def _cover(self, day):
        # A count that runs past the loaded span (a long deadline, many extra holidays) loads the
        # next stretch rather than failing: one more query per LOOKAHEAD_DAYS, never one per day.
        if day > self.end:
            new_end = max(day, _shift(self.end, LOOKAHEAD_DAYS))
            self.overrides.update(self._load(self.end + timedelta(days=1), new_end))
            self.end = new_end
        elif day < self.start:
            new_start = min(day, _shift(self.start, -LOOKAHEAD_DAYS))
            self.overrides.update(self._load(new_start, self.start - timedelta(days=1)))
            self.start = new_start

    def is_working_day(self, day):
        if not self.start <= day <= self.end:
            self._cover(day)
        override = self.overrides.get(day)
        if override is not None:
            return override == WORKING_DAY
        return day.weekday() < 5 and day not in package_holidays(day.year)

    def add_working_days(self, day, n):
        """The Nth working day after `day` (n >= 1); `day` itself never counts."""
        current = day
        remaining = n
        while remaining > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def previous_working_day(self, day):
        current = day - timedelta(days=1)
        while not self.is_working_day(current):
            current -= timedelta(days=1)
        return current

    def working_days_between(self, first, last):
        """How many working days lie in (first, last]: the days spent between two moments."""
        count, current = 0, first
        while current < last:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count


def end_of_day(day):
    """23:59:59 of a local date, as an aware UTC datetime."""
    local = datetime.combine(day, time(23, 59, 59), tzinfo=clock.local_zone())
    return local.astimezone(timezone.utc)


def start_of_day(day):
    """00:00 of a local date, as an aware UTC datetime."""
    return datetime.combine(day, time(0, 0), tzinfo=clock.local_zone()).astimezone(timezone.utc)


def due_after(moment, working_days):
    """Deadline: the end of the Nth working day after the local day of `moment`.

    A complaint received on a Saturday or a holiday starts counting from the next working day
    like any other: that day is day 1.
    """
    local_day = clock.to_local(moment).date()
    calendar = WorkingCalendar.around(local_day)
    return end_of_day(calendar.add_working_days(local_day, working_days))


def extend_by_working_days(deadline, working_days):
    """Move a deadline by N working days (a paused clock resuming)."""
    if working_days <= 0:
        return deadline
    local_day = clock.to_local(deadline).date()
    calendar = WorkingCalendar.around(local_day)
    return end_of_day(calendar.add_working_days(local_day, working_days))


def working_days_spent(since, until):
    """Working days in (local day of since, local day of until]."""
    first, last = clock.to_local(since).date(), clock.to_local(until).date()
    if last <= first:
        return 0
    return WorkingCalendar(first, last).working_days_between(first, last)


def reminder_time(deadline):
    """Start (00:00 local) of the working day before the deadline's day: when to remind."""
    local_day = clock.to_local(deadline).date()
    calendar = WorkingCalendar.around(local_day)
    return start_of_day(calendar.previous_working_day(local_day))


def dates_of_year(year):
    """Every non-working holiday and every admin correction of a year, for the admin page and CLI.

    Returns a list of (date, name, source, is_working_day) sorted by date, where source is
    "package" or "admin".
    """
    rows = {row.day: row for row in db.session.scalars(
        select(CalendarDate).where(CalendarDate.day >= date(year, 1, 1), CalendarDate.day <= date(year, 12, 31)))}
    entries = []
    for day, name in package_holidays(year).items():
        if day not in rows:
            entries.append((day, name, "package", False))
    for day, row in rows.items():
        entries.append((day, row.name, "admin", row.kind == WORKING_DAY))
    return sorted(entries)


def add_date(actor, day, name, *, working_day=False, now=None):
    """Add an admin correction: an extra non-working date, or a date made a working day; one per date."""
    permissions.require(actor, "calendar.manage")
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Tuliskan nama atau keterangan tanggal."), field="name")
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise DomainError(_("Tahun harus antara %(first)s dan %(last)s.", first=MIN_YEAR, last=MAX_YEAR), field="day")
    if db.session.scalar(select(CalendarDate.id).where(CalendarDate.day == day)) is not None:
        raise DomainError(_("Tanggal ini sudah ada dalam daftar koreksi kalender."), field="day")
    if not working_day and day in package_holidays(day.year):
        # Already a holiday: a second entry would change nothing, and only clutter the list.
        raise DomainError(_("Tanggal ini sudah hari libur nasional atau cuti bersama: %(name)s.",
                            name=package_holidays(day.year)[day]), field="day")
    was_working = WorkingCalendar(day, day).is_working_day(day)
    row = CalendarDate(day=day, kind=WORKING_DAY if working_day else HOLIDAY, name=name[:200],
                       created_by_id=getattr(actor, "id", None), created_at=now or clock.now())
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        # Another admin added the same date between our check and our write.
        db.session.rollback()
        raise DomainError(_("Tanggal ini sudah ada dalam daftar koreksi kalender."), field="day") from None
    audit.record(actor, "calendar.date_added", row, now=now, day=day.isoformat(), kind=row.kind, name=row.name)
    _announce(day, was_working, actor, now)  # open deadlines spanning the date move, in this transaction
    db.session.commit()
    return row


def remove_date(actor, day, *, now=None):
    """Remove an admin correction, so the date follows the package (and the weekend) again."""
    permissions.require(actor, "calendar.manage")
    row = db.session.scalar(select(CalendarDate).where(CalendarDate.day == day))
    if row is None:
        raise DomainError(_("Tanggal ini tidak ada dalam daftar koreksi kalender."), field="day")
    audit.record(actor, "calendar.date_removed", row, now=now, day=day.isoformat(), kind=row.kind, name=row.name)
    was_working = row.kind == WORKING_DAY
    db.session.delete(row)
    db.session.flush()
    _announce(day, was_working, actor, now)  # open deadlines spanning the date move, in this transaction
    db.session.commit()

"""The period a scorecard page shows, read from its GET parameters, with a message per bad field.

?periode=12bulan (the default: the last 12 months up to today)
?periode=bulan&bulan=2026-03
?periode=triwulan&tahun=2026&triwulan=1
?periode=tahun&tahun=2026
?periode=rentang&dari=2026-01-15&sampai=2026-04-30

A period never reaches past today (a month, quarter or year still running ends today) and spans
at most MAX_DAYS. The API of the open-data part takes from/to and may call `custom(start, end)`.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from flask_babel import format_date

from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l

LAST_12, MONTH, QUARTER, YEAR, RANGE = "12bulan", "bulan", "triwulan", "tahun", "rentang"
KINDS = {
    LAST_12: _l("12 bulan terakhir"),
    MONTH: _l("Satu bulan"),
    QUARTER: _l("Satu triwulan"),
    YEAR: _l("Satu tahun"),
    RANGE: _l("Rentang tanggal"),
}
MIN_YEAR = 2000
MAX_DAYS = 5 * 366
QUARTER_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodError(ValueError):
    """Bad parameters: {field name: message}, shown next to the fields (and the page answers 400)."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date
    params: dict = field(default_factory=dict, compare=False, hash=False)  # the query string that gives it

    @property
    def days(self):
        return (self.end - self.start).days + 1

    def label(self):
        if self.kind == MONTH:
            return format_date(self.start, "MMMM y")
        if self.kind == QUARTER:
            return _("Triwulan %(n)s %(year)s", n=QUARTER_NAMES[(self.start.month - 1) // 3 + 1], year=self.start.year)
        if self.kind == YEAR:
            return str(self.start.year)
        span = _("%(start)s sampai %(end)s", start=format_date(self.start, "long"), end=format_date(self.end, "long"))
        if self.kind == LAST_12:
            return _("12 bulan terakhir (%(span)s)", span=span)
        return span


def last_12_months(today):
    return Period(LAST_12, today - relativedelta(months=12) + timedelta(days=1), today, {})


def custom(start, end, today):
    """A date range, checked as the form's (for the API); PeriodError names dari/sampai."""
    errors = {}
    if start > end:
        errors["sampai"] = _("Tanggal akhir harus sama dengan atau setelah tanggal awal.")
    elif end > today:
        errors["sampai"] = _("Tanggal akhir tidak boleh setelah hari ini.")
    elif (end - start).days + 1 > MAX_DAYS:
        errors["sampai"] = _("Rentang paling panjang lima tahun.")
    if start.year < MIN_YEAR:
        errors["dari"] = _("Tanggal awal paling awal tahun %(year)s.", year=MIN_YEAR)
    if errors:
        raise PeriodError(errors)
    return Period(RANGE, start, end, {"periode": RANGE, "dari": start.isoformat(), "sampai": end.isoformat()})


def _year(args, today, errors):
    raw = (args.get("tahun") or "").strip()
    if not raw:
        errors["tahun"] = _("Pilih tahun.")
    elif not (raw.isascii() and raw.isdigit() and len(raw) == 4) or not MIN_YEAR <= int(raw) <= today.year:
        errors["tahun"] = _("Tulis tahun antara %(first)s dan %(last)s.", first=MIN_YEAR, last=today.year)
    else:
        return int(raw)
    return None


def _date(args, name, errors):
    raw = (args.get(name) or "").strip()
    if not raw:
        errors[name] = _("Wajib diisi.")
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or len(raw) != 10:
        errors[name] = _("Tanggal tidak sah. Tulis seperti 2026-03-31.")
        return None
    return value


def parse(args, today):
    """The Period the parameters ask for; PeriodError({field: message}) when they do not make one."""
    kind = (args.get("periode") or LAST_12).strip()
    if kind not in KINDS:
        raise PeriodError({"periode": _("Pilih salah satu jenis periode.")})
    if kind == LAST_12:
        return Period(LAST_12, *_bounds_12(today), {})
    errors = {}
    if kind == MONTH:
        raw = (args.get("bulan") or "").strip()
        try:
            year, month = (int(part) for part in raw.split("-")) if len(raw) == 7 and raw[4] == "-" else (0, 0)
            first = date(year, month, 1)
        except ValueError:
            first = None
        if not raw:
            errors["bulan"] = _("Pilih bulan.")
        elif first is None or not raw.isascii():
            errors["bulan"] = _("Bulan tidak sah. Tulis seperti 2026-03.")
        elif first.year < MIN_YEAR or first > today:
            errors["bulan"] = _("Pilih bulan antara Januari %(first)s dan bulan ini.", first=MIN_YEAR)
        if errors:
            raise PeriodError(errors)
        end = min(first + relativedelta(months=1) - timedelta(days=1), today)
        return Period(MONTH, first, end, {"periode": MONTH, "bulan": raw})
    if kind == QUARTER:
        year = _year(args, today, errors)
        raw = (args.get("triwulan") or "").strip()
        if raw not in ("1", "2", "3", "4"):
            errors["triwulan"] = _("Pilih triwulan I sampai IV.")
        if errors:
            raise PeriodError(errors)
        first = date(year, 3 * (int(raw) - 1) + 1, 1)
        if first > today:
            raise PeriodError({"triwulan": _("Triwulan ini belum dimulai.")})
        end = min(first + relativedelta(months=3) - timedelta(days=1), today)
        return Period(QUARTER, first, end, {"periode": QUARTER, "tahun": str(year), "triwulan": raw})
    if kind == YEAR:
        year = _year(args, today, errors)
        if errors:
            raise PeriodError(errors)
        return Period(YEAR, date(year, 1, 1), min(date(year, 12, 31), today), {"periode": YEAR, "tahun": str(year)})
    start, end = _date(args, "dari", errors), _date(args, "sampai", errors)
    if errors:
        raise PeriodError(errors)
    return custom(start, end, today)


def _bounds_12(today):
    return today - relativedelta(months=12) + timedelta(days=1), today

"""Admin page for the working-day calendar (extra holidays and working-day exceptions)."""
from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from . import admin_bp as bp
from . import admin_menu, calendar, clock
from .calendar import MAX_YEAR, MIN_YEAR
from .forms import CalendarDateForm
from .i18n import format_day, lazy_gettext as _l
from .i18n import gettext as _
from .permissions import permission_required
from .web import REFUSED, perform, run_for_form

admin_menu.add("admin.calendar", _l("Kalender"), "calendar.manage", order=50)


def _year_from_args():
    """The ?tahun= being viewed; absent → this year in the city; malformed or out of range → 400."""
    raw = request.args.get("tahun")
    if raw is None:
        return clock.to_local(clock.now()).year
    if not (raw.isascii() and raw.isdigit()) or not MIN_YEAR <= int(raw) <= MAX_YEAR:
        abort(400)
    return int(raw)


def _page(year, form=None, status=200):
    return render_template(
        "admin/calendar.html", year=year, entries=calendar.dates_of_year(year),
        form=form or CalendarDateForm(), min_year=MIN_YEAR, max_year=MAX_YEAR,
        # The package's names, so a working-day exception shows which holiday it overrides.
        package=calendar.package_holidays(year),
        sla_days=current_app.config["COMPLAINT_SLA_WORKING_DAYS"]), status


# endpoint admin.calendar; the function has another name so as not to hide the calendar module.
@bp.get("/kalender", endpoint="calendar")
@permission_required("calendar.manage")
def calendar_page():
    return _page(_year_from_args())


@bp.post("/kalender")
@permission_required("calendar.manage")
def add_calendar_date():
    form = CalendarDateForm()
    if form.validate_on_submit():
        row = run_for_form(lambda: calendar.add_date(current_user, form.day.data, form.name.data,
                                                     working_day=form.kind.data == calendar.WORKING_DAY), form)
        if row is not REFUSED:
            flash(_("%(day)s ditambahkan ke kalender sebagai %(kind)s.", day=_format(row.day),
                    kind=_kind_label(row.kind)), "success")
            return redirect(url_for("admin.calendar", tahun=row.day.year))
    # Show the year the admin was looking at, with the errors next to the fields.
    return _page(_year_from_args(), form, status=400)


@bp.post("/kalender/<day>/hapus")
@permission_required("calendar.manage")
def remove_calendar_date(day):
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        abort(404)
    if parsed.isoformat() != day:
        abort(404)  # one URL per date: fromisoformat also reads 20260817 and 2026-W34-1
    # A refusal is most likely a second click on the same button: say so instead of an error page.
    perform(lambda: calendar.remove_date(current_user, parsed), refusal_category="warning", success=_(
        "Koreksi untuk %(day)s dihapus; tanggal itu kembali mengikuti kalender nasional.", day=_format(parsed)))
    return redirect(url_for("admin.calendar", tahun=parsed.year if MIN_YEAR <= parsed.year <= MAX_YEAR else None))


def _format(day):
    return format_day(day, "full")


def _kind_label(kind):
    return _("hari kerja (pengecualian)") if kind == calendar.WORKING_DAY else _("hari libur tambahan")

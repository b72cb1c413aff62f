"""`flask calendar ...`: the admins' corrections to the working-day calendar, and deadlines.

The commands call the same services as the admin page (calendar.add_date / remove_date), acting as
permissions.SYSTEM (whoever runs them already holds the server): the audit log shows "sistem".
"""
from datetime import date, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from . import calendar, clock
from .errors import DomainError
from .permissions import SYSTEM

calendar_cli = AppGroup("calendar", help="The working-day calendar: holidays, working-day exceptions, deadlines.")

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # fixed, whatever the server's locale


class IsoDate(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            self.fail(f"{value!r} is not a valid date; write it as YYYY-MM-DD, e.g. 2026-08-17.", param, ctx)


class AwareDateTime(click.ParamType):
    """An ISO 8601 date-time with its UTC offset: without one, the moment would be a guess."""

    name = "DATETIME"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime) and value.utcoffset() is not None:
            return value
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 date-time; write it like 2026-11-02T10:00:00+07:00.",
                      param, ctx)
        if moment.utcoffset() is None:
            self.fail(f"{value!r} has no UTC offset; add one, e.g. 2026-11-02T10:00:00+07:00 "
                      f"(or Z for UTC).", param, ctx)
        return moment


ISO_DATE, AWARE_DATETIME = IsoDate(), AwareDateTime()


def _describe(day):
    return f"{day.isoformat()} ({WEEKDAYS[day.weekday()]})"


@calendar_cli.group("holidays")
def holidays_cli():
    """Extra holidays and working-day exceptions on top of the national calendar."""


@holidays_cli.command("add")
@click.argument("day", metavar="DATE", type=ISO_DATE)
@click.argument("name")
@click.option("--working-day", is_flag=True,
              help="Make DATE a working day (an exception to a weekend or national holiday) "
                   "instead of an extra holiday.")
def add_command(day, name, working_day):
    """Add DATE (YYYY-MM-DD) as an extra holiday named NAME, or as a working day."""
    try:
        calendar.add_date(SYSTEM, day, name, working_day=working_day)
    except DomainError as e:
        raise click.ClickException(e.message) from None
    what = "a working day (exception)" if working_day else "an extra holiday"
    click.echo(f"Added {_describe(day)} as {what}: {name.strip()}")


@holidays_cli.command("remove")
@click.argument("day", metavar="DATE", type=ISO_DATE)
def remove_command(day):
    """Remove the admin correction of DATE; it follows the national calendar again."""
    try:
        calendar.remove_date(SYSTEM, day)
    except DomainError as e:
        raise click.ClickException(e.message) from None
    click.echo(f"Removed the correction of {_describe(day)}; it follows the national calendar again.")


@holidays_cli.command("list")
@click.option("--year", type=click.IntRange(calendar.MIN_YEAR, calendar.MAX_YEAR),
              help="Year to list (default: the current year in APP_TIMEZONE).")
def list_command(year):
    """List the year's national holidays, cuti bersama and admin corrections."""
    year = year or clock.to_local(clock.now()).year
    entries = calendar.dates_of_year(year)
    if not entries:
        click.echo(f"No holidays or corrections in {year}.")
        return
    for day, name, source, is_working_day in entries:
        status = "working-day exception" if is_working_day else "holiday"
        click.echo(f"{day.isoformat()}  {WEEKDAYS[day.weekday()]}  {source:<7}  {status:<21}  {name}")


@calendar_cli.command("due")
@click.argument("moment", metavar="FROM", type=AWARE_DATETIME)
@click.option("--days", type=click.IntRange(min=1),
              help="Working days to count (default: COMPLAINT_SLA_WORKING_DAYS).")
def due_command(moment, days):
    """Print the deadline for something received at FROM (ISO 8601 with offset), in APP_TIMEZONE."""
    days = days or current_app.config["COMPLAINT_SLA_WORKING_DAYS"]
    try:
        due = calendar.due_after(moment, days)
    except OverflowError:
        raise click.ClickException("The deadline falls beyond the last date the calendar can hold.") from None
    click.echo(clock.to_local(due).isoformat())

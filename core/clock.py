"""The one place that reads the wall clock; services take `now` as an argument instead."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def now():
    """The current time, timezone-aware, in UTC."""
    return datetime.now(timezone.utc)


def local_zone():
    return ZoneInfo(current_app.config["APP_TIMEZONE"])


def from_local_input(local_naive):
    """A form's datetime-local value (the city's wall clock) as an aware UTC datetime."""
    if local_naive is None:
        return None
    return local_naive.replace(tzinfo=local_zone()).astimezone(timezone.utc)


def to_local_input(moment):
    """An aware datetime as the city's wall clock for a datetime-local field (to the minute)."""
    if moment is None:
        return None
    return to_local(moment).replace(tzinfo=None, second=0, microsecond=0)


def to_local(moment):
    """A stored UTC time in the city's zone, for display and for working-day arithmetic."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(local_zone())

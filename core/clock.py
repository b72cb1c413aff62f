"""The one place that reads the wall clock; services take `now` as an argument instead."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def now():
    """The current time, timezone-aware, in UTC."""
    return datetime.now(timezone.utc)


def local_zone():
    return ZoneInfo(current_app.config["APP_TIMEZONE"])


def to_local(moment):
    """A stored UTC time in the city's zone, for display and for working-day arithmetic."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(local_zone())

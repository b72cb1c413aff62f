"""Column types shared by every pillar."""
from datetime import timezone

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Stores UTC, returns timezone-aware UTC datetimes on SQLite and PostgreSQL alike.

    SQLite has no time zones; storing naive UTC everywhere keeps both databases comparing the
    same way, and refusing naive input catches local times slipping in.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; pass an aware datetime (UTC)")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def stored_type_name(obj):
    """The object type stored for a row in audit events and outbox messages: its class name in
    lower case, or the class's `__stored_type__` when the class was renamed after rows were written."""
    cls = type(obj)
    return getattr(cls, "__stored_type__", None) or cls.__name__.lower()

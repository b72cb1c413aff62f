"""The append-only audit log: who did what to which object, and when.

Services call `record()` inside their own transaction, so the event is committed together with
the change it describes, or not at all. Rows are never updated or deleted: the ORM refuses it
here (also bulk UPDATE/DELETE statements), and on PostgreSQL triggers refuse UPDATE, DELETE and
TRUNCATE for any client; the site's own role cannot get round them (core/db_roles.py).
"""
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from . import clock
from .extensions import db
from .permissions import SYSTEM
from .types import UTCDateTime, stored_type_name


class AppendOnly:
    """Marker for tables whose rows are written once and never changed (audit log, timelines)."""


class AppendOnlyError(RuntimeError):
    pass


class AuditEvent(AppendOnly, db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(45))

    actor = relationship("User", foreign_keys=[actor_id], lazy="joined")

    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)


def record(actor, action, obj=None, *, now=None, **data):
    """Add an audit event to the current transaction (the caller commits).

    The actor is a user, or permissions.SYSTEM (or someone not signed in): those are stored without
    a user, and the log shows them as "sistem".
    """
    if obj is not None and getattr(obj, "id", 0) is None:
        db.session.flush()  # a new object needs its id before the event can name it
    signed_in = actor is not None and actor is not SYSTEM and getattr(actor, "is_authenticated", True)
    actor_id = getattr(actor, "id", None) if signed_in else None
    event_ = AuditEvent(
        created_at=now or clock.now(),
        actor_id=actor_id,
        action=action,
        object_type=stored_type_name(obj) if obj is not None else "site",
        object_id=getattr(obj, "id", None),
        data={k: v for k, v in data.items() if v is not None},
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event_)
    return event_


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_append_only_rows(session, flush_context, instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AppendOnly) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyError(f"{type(obj).__name__} rows cannot be changed or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes_to_append_only_rows(state):
    # session.execute(update(...)) / delete(...) skip the flush above; on SQLite nothing else would stop them.
    if (state.is_update or state.is_delete) and any(issubclass(m.class_, AppendOnly) for m in state.all_mappers):
        raise AppendOnlyError("append-only rows cannot be changed or deleted")


# --- what a person reads instead of the code ----------------------------------------------------
# The log stores stable codes ("user.logged_in"); pages show a translated label. Each pillar names
# its own actions (core knows no pillar) in its audit_labels.py; an unknown code is shown as it is.
_labels = {}
_object_labels = {}


def label_actions(labels):
    """Register the labels (lazy translated strings) of a pillar's action codes."""
    _labels.update(labels)


def action_label(code):
    """The label of an action code for the audit log, or the code itself when none is registered."""
    return _labels.get(code, code)


def label_objects(labels):
    """Register the labels of the object types (the model's lower-case class name) a pillar audits."""
    _object_labels.update(labels)


def object_label(object_type):
    """The label of an audited object's type ("user" → "Pengguna"), or the type itself."""
    return _object_labels.get(object_type, object_type)

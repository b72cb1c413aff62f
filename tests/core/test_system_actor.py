"""The platform's own work acts as permissions.SYSTEM; a missing actor (None) is a mistake, refused.

Before, `actor=None` skipped the permission check of a few services, so a caller who forgot the
actor got the system's power. Now None is a TypeError in `permissions.require`, and the sweeps,
the worker and the commands say SYSTEM.
"""
from datetime import date

import pytest
from sqlalchemy import func, select

from core import audit, calendar, permissions
from core.audit import AuditEvent
from core.calendar import CalendarDate
from core.extensions import db
from core.permissions import ADMIN, CITIZEN, SYSTEM


def test_the_system_passes_every_rule(make_user):
    for action in ("calendar.manage", "audit.view", "admin.access"):
        assert permissions.can(SYSTEM, action)
        permissions.require(SYSTEM, action)
    assert not permissions.can(make_user(CITIZEN), "calendar.manage")


def test_a_rule_that_does_not_exist_is_an_error_for_the_system_too():
    with pytest.raises(KeyError):
        permissions.can(SYSTEM, "calendar.mange")


def test_a_missing_actor_is_a_programming_error_not_a_refusal():
    with pytest.raises(TypeError, match="SYSTEM"):
        permissions.require(None, "calendar.manage")
    assert permissions.can(None, "calendar.manage") is False  # asking (templates, menus) still just answers


def test_the_audit_log_stores_the_system_without_a_user_and_shows_it_as_sistem(client, login, make_user):
    event = audit.record(SYSTEM, "calendar.date_added", None, day="2026-11-04")
    db.session.commit()
    assert event.actor_id is None and event.actor is None
    login(make_user(ADMIN))
    page = client.get("/admin/audit?aksi=calendar.").get_data(as_text=True)
    assert "<td>sistem</td>" in page


@pytest.mark.parametrize("change", [
    lambda: calendar.add_date(None, date(2026, 11, 4), "Hari Jadi Kota"),
    lambda: calendar.remove_date(None, date(2026, 11, 4)),
])
def test_the_calendar_refuses_a_missing_actor_and_writes_nothing(change):
    db.session.add(CalendarDate(day=date(2026, 11, 4), kind="holiday", name="Hari Jadi Kota"))
    db.session.commit()
    with pytest.raises(TypeError):
        change()
    db.session.rollback()
    assert db.session.scalar(select(func.count(CalendarDate.id))) == 1
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0


def test_the_system_corrects_the_calendar_as_the_command_line_does():
    row = calendar.add_date(SYSTEM, date(2026, 11, 4), "Hari Jadi Kota")
    assert row.created_by_id is None
    calendar.remove_date(SYSTEM, date(2026, 11, 4))
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_id) for e in events] == [("calendar.date_added", None), ("calendar.date_removed", None)]


def test_the_calendar_command_acts_as_the_system(app):
    result = app.test_cli_runner().invoke(args=["calendar", "holidays", "add", "2026-11-04", "Hari Jadi Kota"])
    assert result.exit_code == 0, result.output
    event = db.session.scalar(select(AuditEvent))
    assert (event.action, event.actor_id) == ("calendar.date_added", None)

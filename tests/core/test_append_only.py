"""The audit log and the complaint timelines cannot be rewritten on PostgreSQL: not by TRUNCATE, and
not at all by the site's own database role (`flask db grant-site-role`), which owns no table."""
import os
import secrets
from datetime import timedelta

import flask_migrate
import pytest
from flask_migrate.cli import db as db_cli
from sqlalchemy import create_engine, delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from accounts import services as account_services
from accounts.models import User
from app import create_app
from complaints import services
from complaints.models import Complaint, ComplaintEvent
from config import TestConfig
from core import outbox, page_cache, worker
from core.audit import AppendOnlyError, AuditEvent
from core.db_roles import append_only_tables, grant_site_role_command
from core.extensions import db
from core.permissions import ADMIN, CITIZEN, MODERATOR
from tests.conftest import NOW, PG_SCHEMA

INSUFFICIENT_PRIVILEGE = "42501"  # the role lacks the privilege (or is not the owner)
RAISED_BY_TRIGGER = "P0001"       # RAISE EXCEPTION in a trigger function
FEATURE_NOT_SUPPORTED = "0A000"   # TRUNCATE of a table that another table's foreign key points at
FOREIGN_KEY_VIOLATION = "23503"
SITE_PASSWORD = "sandi-peran-situs"


@pytest.fixture
def postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE, triggers and database roles are PostgreSQL's; SQLite has none of them "
                    "(set TEST_DATABASE_URL, as .ci/run does)")


def _sqlstate(statement, engine, *, after=()):
    """Run statements in a transaction of their own; None when they worked, else the SQLSTATE."""
    try:
        with engine.begin() as conn:
            for earlier in after:
                conn.execute(text(earlier))
            conn.execute(text(statement))
    except DBAPIError as e:
        return e.orig.sqlstate
    return None


def _filed_complaint(app, **fields):
    values = dict(title="Lampu jalan mati di Jl. Gajah Mada", category="infrastruktur",
                  description="Sudah dua minggu gelap, rawan kecelakaan.", classification="pengaduan",
                  reporter_name="Siti", reporter_email="siti@example.com", now=NOW)
    values.update(fields)
    with app.test_request_context():
        return services.file_complaint(**values)[0]


@pytest.fixture
def site_role(app, postgresql):
    """A fresh login role granted by `flask db grant-site-role`; dropped afterwards."""
    name = f"site_{os.getpid()}_{secrets.token_hex(4)}"
    with db.engine.begin() as conn:
        conn.execute(text(f"CREATE ROLE {name} LOGIN PASSWORD '{SITE_PASSWORD}'"))
    result = app.test_cli_runner().invoke(grant_site_role_command, [name])
    assert result.exit_code == 0, result.output
    url = db.engine.url.set(username=name, password=SITE_PASSWORD)
    engine = create_engine(url, connect_args={"options": f"-csearch_path={PG_SCHEMA}"})
    yield name, url, engine
    engine.dispose()
    db.session.remove()
    with db.engine.begin() as conn:
        conn.execute(text(f"DROP OWNED BY {name}"))
        conn.execute(text(f"DROP ROLE {name}"))


def test_the_append_only_tables_are_the_audit_log_and_the_complaint_timeline(app):
    assert append_only_tables() == ["audit_event", "complaint_event"]


def test_truncate_of_an_append_only_table_is_refused_even_for_its_owner(app, postgresql):
    _filed_complaint(app)
    for table in append_only_tables():
        # A plain TRUNCATE may first trip over a foreign key pointing at the table (reply
        # attachments point at complaint_event); CASCADE gets past that and meets the trigger.
        assert _sqlstate(f"TRUNCATE {table}", db.engine) in (RAISED_BY_TRIGGER, FEATURE_NOT_SUPPORTED), table
        assert _sqlstate(f"TRUNCATE {table} CASCADE", db.engine) == RAISED_BY_TRIGGER, table
    # Reached through the table it refers to, too.
    assert _sqlstate("TRUNCATE complaint CASCADE", db.engine) == RAISED_BY_TRIGGER
    assert db.session.scalar(select(func.count(ComplaintEvent.id))) == 1


def test_the_truncate_error_names_the_table(app, postgresql):
    with pytest.raises(DBAPIError, match="audit_event is append-only: it cannot be emptied"):
        with db.engine.begin() as conn:
            conn.execute(text("TRUNCATE audit_event"))


def test_the_site_role_may_add_and_read_history_but_never_change_delete_or_empty_it(app, site_role):
    _name, _url, site = site_role
    complaint = _filed_complaint(app)
    with site.begin() as conn:
        conn.execute(text("INSERT INTO audit_event (created_at, action, object_type, data) "
                          "VALUES (now(), 'test.inserted', 'site', '{}')"))
        conn.execute(text("INSERT INTO complaint_event (complaint_id, created_at, kind, public, actor_role, data) "
                          "VALUES (:id, now(), 'note', false, 'system', '{}')"), {"id": complaint.id})
        assert conn.scalar(text("SELECT count(*) FROM audit_event WHERE action = 'test.inserted'")) == 1
        assert conn.scalar(text("SELECT count(*) FROM complaint_event")) == 2
    for table in append_only_tables():
        for statement in (f"UPDATE {table} SET created_at = now()", f"DELETE FROM {table}", f"TRUNCATE {table}",
                          f"TRUNCATE {table} CASCADE", f"ALTER TABLE {table} DISABLE TRIGGER ALL",
                          f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_truncate", f"DROP TABLE {table} CASCADE"):
            assert _sqlstate(statement, site) == INSUFFICIENT_PRIVILEGE, statement
    # Nor around the triggers: no TRUNCATE on the tables they cascade from, no new objects in the schema.
    assert _sqlstate("TRUNCATE complaint CASCADE", site) == INSUFFICIENT_PRIVILEGE
    assert _sqlstate("CREATE TABLE escape (id int)", site) == INSUFFICIENT_PRIVILEGE
    assert _sqlstate("UPDATE alembic_version SET version_num = 'x'", site) == INSUFFICIENT_PRIVILEGE
    assert _sqlstate("SET session_replication_role = replica", site) == INSUFFICIENT_PRIVILEGE
    # Nor by deleting the complaint: its timeline refers to it (no ON DELETE CASCADE).
    assert _sqlstate("DELETE FROM complaint", site, after=["DELETE FROM outbox_message"]) == FOREIGN_KEY_VIOLATION
    assert db.session.scalar(select(func.count(ComplaintEvent.id))) == 2


def test_granting_again_takes_back_what_an_earlier_grant_gave(app, site_role):
    name, _url, site = site_role
    with db.engine.begin() as conn:
        conn.execute(text(f"GRANT UPDATE, DELETE, TRUNCATE ON audit_event TO {name}"))
    result = app.test_cli_runner().invoke(grant_site_role_command, [name])
    assert result.exit_code == 0, result.output
    assert "SELECT, INSERT (2): audit_event, complaint_event" in result.output
    assert _sqlstate("DELETE FROM audit_event", site) == INSUFFICIENT_PRIVILEGE
    assert _sqlstate("TRUNCATE audit_event", site) == INSUFFICIENT_PRIVILEGE


def test_the_site_works_end_to_end_under_its_role(app, site_role, make_user, make_unit, tmp_path):
    _name, url, _engine = site_role
    unit_id = make_unit().id
    moderator_id = make_user(MODERATOR, email="moderator@example.com").id
    site = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url.render_as_string(hide_password=False),
                      SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": f"-csearch_path={PG_SCHEMA}"}},
                      WTF_CSRF_ENABLED=False, UPLOAD_FOLDER=str(tmp_path))
    with site.app_context():
        revision_before = page_cache.revision("complaints")
        with site.test_request_context():
            complaint, _key = services.file_complaint(
                title="Antrean KTP-el sampai sore", description="Loket hanya satu yang buka.",
                classification="pengaduan", category="administrasi_kependudukan", reporter_name="Budi",
                reporter_email="budi@example.com", now=NOW)
            services.verify(db.session.get(User, moderator_id), complaint, unit_id=unit_id, now=NOW)
        code = complaint.tracking_code
        assert page_cache.revision("complaints") > revision_before
        # The worker: escalation of the now overdue complaint (row locks), then the outbox.
        worker.run_sweeps(now=NOW + timedelta(days=30))
        outbox.deliver(now=NOW + timedelta(days=30))
        assert site.test_client().get(f"/pengaduan/lacak/{code}").status_code == 200
        db.session.remove()
        db.engine.dispose()
    complaint = db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
    kinds = db.session.scalars(select(ComplaintEvent.kind).where(ComplaintEvent.complaint_id == complaint.id)
                               .order_by(ComplaintEvent.id)).all()
    # (an internal note may stand between them: the unit has no confirmed handler yet)
    assert [kind for kind in kinds if kind != "note"][:3] == ["received", "verified", "forwarded"]
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert "complaint.verified" in actions
    assert complaint.forwarded_at is not None


def test_migrations_run_as_the_owner_when_the_site_connects_as_its_role(app, site_role, tmp_path):
    _name, url, _engine = site_role
    owner_url = db.engine.url.render_as_string(hide_password=False)
    site = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url.render_as_string(hide_password=False),
                      SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": f"-csearch_path={PG_SCHEMA}"}},
                      MIGRATION_DATABASE_URI=owner_url, UPLOAD_FOLDER=str(tmp_path))
    head = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    with site.app_context():
        # Writing alembic_version is the owner's: the site's role may only read it.
        flask_migrate.stamp(revision="8b756ab818b7")
        flask_migrate.stamp(revision="head")
        db.session.remove()
        db.engine.dispose()
    assert db.session.scalar(text("SELECT version_num FROM alembic_version")) == head


def test_granting_a_site_role_is_refused_on_sqlite_with_the_reason(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the SQLite answer; on PostgreSQL the grant is tested above")
    result = app.test_cli_runner().invoke(grant_site_role_command, ["situs"])
    assert result.exit_code != 0
    assert "PostgreSQL only" in result.output


def test_granting_is_refused_for_a_superuser_or_a_role_that_does_not_exist(app, postgresql):
    result = app.test_cli_runner().invoke(grant_site_role_command, ["postgres"])
    assert result.exit_code != 0 and "superuser" in result.output
    result = app.test_cli_runner().invoke(grant_site_role_command, [f"missing_{secrets.token_hex(4)}"])
    assert result.exit_code != 0 and "does not exist" in result.output


def test_the_grant_is_a_flask_db_command(app):
    assert db_cli.get_command(None, "grant-site-role") is grant_site_role_command


def test_bulk_update_or_delete_statements_on_append_only_rows_are_refused(app, make_user):
    admin, user = make_user(ADMIN), make_user(CITIZEN)
    account_services.set_active(admin, user, False)
    for statement in (update(AuditEvent).values(action="something.else"), delete(AuditEvent),
                      update(ComplaintEvent).values(public=False), delete(ComplaintEvent)):
        with pytest.raises(AppendOnlyError):
            db.session.execute(statement)
        db.session.rollback()
    assert db.session.scalar(select(AuditEvent.action)) != "something.else"
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 1

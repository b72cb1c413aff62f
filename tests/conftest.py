"""Shared fixtures: one app and schema per run, an empty database for every test.

The schema is built by the Alembic migrations (not create_all), so the tests also prove the
migrations. TEST_DATABASE_URL points the whole suite at PostgreSQL; SQLite otherwise.
"""
import contextvars
import os
import threading
from datetime import datetime
from zoneinfo import ZoneInfo
from contextlib import contextmanager

import flask_migrate
import pytest
from flask.testing import FlaskClient
from flask_mail import email_dispatched
from sqlalchemy import Integer, event, text
from werkzeug.security import generate_password_hash

from app import create_app
from config import TestConfig, database_url
from core.extensions import cache, db, limiter
from core.permissions import ADMIN, ASN, CITIZEN, MODERATOR, ORG_MEMBER

PASSWORD = "rahasia-yang-panjang"
WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=WIB)  # an ordinary Monday: tests pass `now` to services


def _reset_schema():
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    else:
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


# Each run on PostgreSQL works in a schema of its own, so two runs on one database (a developer's
# and CI's, or two helpers') cannot drop each other's tables.
PG_SCHEMA = f"test_run_{os.getpid()}"


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    The test itself holds an app context for its fixtures; without this, Flask would reuse it for
    the request, sharing `g` (Flask-Login's cached user) and the database session between requests.
    After the request the test's own session is expired, so it reads what the request committed.
    Responses are buffered, so they are closed as a WSGI server closes them once sent: what
    runs after the response has gone (the outbox's immediate delivery) has run when it returns.
    """

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    overrides = {}
    if url.startswith("postgres"):
        overrides["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_pre_ping": True, "connect_args": {"options": f"-csearch_path={PG_SCHEMA}"}}
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url(url), WTF_CSRF_ENABLED=False,
                     UPLOAD_FOLDER=str(tmp_path_factory.mktemp("uploads")), **overrides)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _reset_schema()
        flask_migrate.upgrade()
    yield app
    if url.startswith("postgres"):
        with app.app_context():
            db.session.remove()
            with db.engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            db.engine.dispose()


def _empty_all_tables():
    tables = [t.name for t in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        # The append-only tables refuse TRUNCATE by trigger; the test user (a superuser) empties
        # them anyway in replica mode, which fires no ordinary trigger, for this transaction only.
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
        db.session.execute(text("TRUNCATE {} RESTART IDENTITY CASCADE".format(", ".join(f'"{t}"' for t in tables))))
        db.session.commit()
        return
    db.session.remove()
    with db.engine.connect() as conn:
        # Self-referencing rows (the unit tree) cannot be deleted in any one order with FKs on.
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        for table in tables:
            conn.exec_driver_sql(f'DELETE FROM "{table}"')
        conn.commit()
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")


@pytest.fixture(autouse=True)
def _fresh_database(app):
    with app.app_context():
        yield
        db.session.remove()
        _empty_all_tables()
        db.session.remove()
        cache.clear()  # emptied tables restart the content revisions: cached pages would be wrong
    limiter.reset()
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def in_request(app):
    """Services that build links (e-mails) need a request context, as in a view or the worker."""
    with app.test_request_context():
        yield


@pytest.fixture
def csrf_enabled(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def deliver_outbox():
    """Run one outbox delivery pass, as the worker would; returns how many were sent."""
    from core import outbox
    return lambda **kwargs: outbox.deliver(**kwargs)


@pytest.fixture
def sent_mail(app):
    """Every e-mail the app sends during the test (Flask-Mail's dispatch signal).

    Requests hand their e-mails to the outbox's immediate delivery; tests that call services
    directly run `deliver_outbox()` first, as the worker would.
    """
    messages = []

    def record(sender, message, **extra):
        messages.append(message)
    email_dispatched.connect(record)
    yield messages
    email_dispatched.disconnect(record)


@pytest.fixture(scope="session")
def password_hash():
    # scrypt is slow on purpose; hash the shared test password once per run.
    return generate_password_hash(PASSWORD)


@pytest.fixture
def make_user(password_hash):
    from accounts.models import User
    from core import clock

    counter = {"n": 0}

    def make(role=CITIZEN, *, email=None, verified=True, unit=None, confirmed=True, **fields):
        counter["n"] += 1
        user = User(email=email or f"{role}{counter['n']}@example.com", full_name=fields.pop("full_name", f"{role.title()} {counter['n']}"),
                    role=role, password_hash=password_hash, email_verified_at=clock.now() if verified else None,
                    unit=unit, **fields)
        if role == ASN and confirmed:
            user.asn_confirmed_at = clock.now()
        db.session.add(user)
        db.session.commit()
        return user
    return make


@pytest.fixture
def make_unit():
    from accounts.models import Unit

    def make(name="Dinas Kependudukan dan Pencatatan Sipil", short_name="Disdukcapil", parent=None, **fields):
        unit = Unit(name=name, short_name=short_name, parent=parent, **fields)
        db.session.add(unit)
        db.session.commit()
        return unit
    return make


@pytest.fixture
def make_organisation():
    from accounts.models import MEMBER_APPROVED, ORG_VERIFIED, Organisation, OrganisationMembership

    def make(name="Forum Peduli Layanan", *, status=ORG_VERIFIED, contact=None, members=(), kind="lsm"):
        org = Organisation(name=name, kind=kind, email="org@example.com", status=status, description="Uji")
        db.session.add(org)
        if contact is not None:
            db.session.add(OrganisationMembership(organisation=org, user=contact, is_contact=True,
                                                  status=MEMBER_APPROVED if status == ORG_VERIFIED else "pending"))
        for member in members:
            db.session.add(OrganisationMembership(organisation=org, user=member, status=MEMBER_APPROVED))
        db.session.commit()
        return org
    return make


@pytest.fixture
def login(client):
    """Log a user in by the session cookie Flask-Login reads (the real form is tested elsewhere)."""
    def do(user, on=None):
        target = on or client
        with target.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return target
    return do


@pytest.fixture
def users(make_user, make_unit, make_organisation):
    """One user per role; the org member belongs to a verified organisation."""
    unit = make_unit()
    people = {
        CITIZEN: make_user(CITIZEN),
        ORG_MEMBER: make_user(ORG_MEMBER),
        ASN: make_user(ASN, unit=unit, nip="198503122010011003"),
        MODERATOR: make_user(MODERATOR),
        ADMIN: make_user(ADMIN),
    }
    make_organisation(contact=people[ORG_MEMBER])
    return people


@contextmanager
def count_queries():
    """Count the SQL statements sent to the database inside the block."""
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def side_by_side(app, *works, request_context=False, timeout=30):
    """Run each of `works` in its own thread with its own app context and database session, all
    released together by a barrier (two workers, two sweeps at once); returns their results in the
    order given. An exception in any thread fails the caller's test (raised here)."""
    barrier, results, errors = threading.Barrier(len(works), timeout=10), [None] * len(works), []

    def run(index, work):
        with app.app_context():
            try:
                if request_context:
                    with app.test_request_context():
                        barrier.wait()
                        results[index] = work()
                else:
                    barrier.wait()
                    results[index] = work()
            except Exception as e:  # raised below: a failed thread must fail the test
                errors.append(e)
            finally:
                db.session.remove()
    threads = [threading.Thread(target=run, args=(i, work)) for i, work in enumerate(works)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if errors:
        raise errors[0]
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish in time"
    return results


def flashes(client):
    """The (category, message) pairs flashed to this browser and not yet shown."""
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


# --- the demo city, seeded once per run ----------------------------------------------------------

_demo_rows = {}  # table name -> rows, as `flask demo seed` left them the first time in this run


@pytest.fixture
def demo_city_rows(app):
    """The demo city as `flask demo seed` builds it, for tests that use the city rather than test
    the seeding (that is tests/core/test_cli.py's test_demo_seed_builds_a_city_once).

    Seeding files eleven months of complaints through the real services, about half a minute; a
    dozen tests need the city. The first use in a run seeds it through the command and keeps every
    table's rows; later uses put the same rows back in one transaction."""
    if not _demo_rows:
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output
        db.session.remove()
        with db.engine.connect() as conn:
            for table in db.metadata.sorted_tables:
                _demo_rows[table.name] = [dict(row) for row in conn.execute(table.select()).mappings()]
        return
    db.session.remove()
    with db.engine.begin() as conn:
        postgres = conn.dialect.name == "postgresql"
        # Foreign keys and the append-only triggers stay out of the way of rows put back as they were.
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica" if postgres
                             else "PRAGMA defer_foreign_keys = ON")
        for table in db.metadata.sorted_tables:
            if _demo_rows[table.name]:
                conn.execute(table.insert(), _demo_rows[table.name])
        if postgres:  # the emptied tables restarted their ids at 1
            for table in db.metadata.sorted_tables:
                for column in table.primary_key.columns:
                    if isinstance(column.type, Integer) and len(table.primary_key.columns) == 1:
                        conn.execute(text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                            f"coalesce(max(\"{column.name}\"), 0) + 1, false) FROM \"{table.name}\""))

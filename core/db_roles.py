"""The site's database role on PostgreSQL: everything it needs, and no way to rewrite history.

The audit log and the complaint timelines are append-only: the ORM refuses changes (core.audit),
and on PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE for every client. But the owner of a
table may disable or drop its triggers (ALTER TABLE ... DISABLE TRIGGER), so a site connected as
the owner could still empty those tables. Hence two roles in production:

- the owner runs the migrations (`MIGRATION_DATABASE_URL`, used by `flask db upgrade` and by
  `flask db grant-site-role`) and owns every table;
- the site (web and worker, `DATABASE_URL`) connects as a role that owns nothing and was given,
  by `flask db grant-site-role ROLE`: USAGE on the schema; SELECT, INSERT, UPDATE, DELETE on the
  ordinary tables (UPDATE also covers the row locks of the outbox and the sweeps, and the page
  cache's revision upsert); only SELECT and INSERT on the append-only tables; only SELECT on
  alembic_version; USAGE and SELECT on the sequences (new ids). Never TRUNCATE, REFERENCES,
  TRIGGER, nor CREATE in the schema.

The grant is idempotent and exact: it revokes what it does not give, so running it again after a
`flask db upgrade` (new tables need it) also takes away what an older grant gave. It does not
protect against the owner or a superuser, who can still drop the triggers.
"""
from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import create_engine, text

from .audit import AppendOnly
from .extensions import db

ORDINARY = ("SELECT", "INSERT", "UPDATE", "DELETE")
APPEND_ONLY = ("SELECT", "INSERT")
READ_ONLY = ("SELECT",)
READ_ONLY_TABLES = ("alembic_version",)  # the site may read which revision it runs on, never set it


class RoleError(Exception):
    """The grant cannot be made as asked; the message tells the operator why."""


def append_only_tables():
    """Names of the tables whose models are marked AppendOnly (audit log, complaint timeline)."""
    return sorted({mapper.local_table.name for mapper in db.Model.registry.mappers
                   if issubclass(mapper.class_, AppendOnly)})


def privileges_for(table):
    if table in READ_ONLY_TABLES:
        return READ_ONLY
    if table in append_only_tables():
        return APPEND_ONLY
    return ORDINARY


@contextmanager
def owner_engine():
    """The engine of the tables' owner: MIGRATION_DATABASE_URL when set, else the site's own."""
    url = current_app.config.get("MIGRATION_DATABASE_URI")
    if not url:
        yield db.engine
        return
    engine = create_engine(url, **current_app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    try:
        yield engine
    finally:
        engine.dispose()


def grant_site_role(connection, role):
    """Give `role` exactly what the site needs in the current schema; returns {table: privileges}.

    Runs in the caller's transaction (the caller commits), as the owner of the tables.
    """
    if connection.dialect.name != "postgresql":
        raise RoleError(f"database roles exist on PostgreSQL only; this database is {connection.dialect.name}, "
                        "where the site and its tables are one file and there is nothing to grant")
    schema = connection.scalar(text("SELECT current_schema()"))
    found = connection.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = :role"), {"role": role}).first()
    if found is None:
        raise RoleError(f'role "{role}" does not exist; create it first (CREATE ROLE ... LOGIN PASSWORD ...)')
    if found.rolsuper:
        raise RoleError(f'role "{role}" is a superuser: it bypasses every privilege and could drop the triggers; '
                        "the site needs an ordinary role")
    tables = connection.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = :schema ORDER BY tablename"),
                                {"schema": schema}).all()
    owned = connection.scalars(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = :schema AND pg_has_role(:role, tableowner, 'MEMBER') "
        "ORDER BY tablename"), {"schema": schema, "role": role}).all()
    if owned:
        raise RoleError(f'role "{role}" owns (or is a member of the owner of) {", ".join(owned)}: an owner can '
                        "disable the append-only triggers; run the migrations as another role and grant this one")
    missing = [name for name in append_only_tables() if name not in tables]
    if missing:
        raise RoleError(f'schema "{schema}" has no table {", ".join(missing)}: run `flask db upgrade` first')

    quote = connection.dialect.identifier_preparer.quote
    grantee, where = quote(role), quote(schema)
    connection.execute(text(f"GRANT USAGE ON SCHEMA {where} TO {grantee}"))
    connection.execute(text(f"REVOKE CREATE ON SCHEMA {where} FROM {grantee}"))
    granted = {}
    for table in tables:
        privileges = privileges_for(table)
        connection.execute(text(f"REVOKE ALL ON TABLE {where}.{quote(table)} FROM {grantee}"))
        connection.execute(text(f"GRANT {', '.join(privileges)} ON TABLE {where}.{quote(table)} TO {grantee}"))
        granted[table] = privileges
    sequences = connection.scalars(text(
        "SELECT sequencename FROM pg_sequences WHERE schemaname = :schema ORDER BY sequencename"),
        {"schema": schema}).all()
    for sequence in sequences:
        connection.execute(text(f"REVOKE ALL ON SEQUENCE {where}.{quote(sequence)} FROM {grantee}"))
        connection.execute(text(f"GRANT USAGE, SELECT ON SEQUENCE {where}.{quote(sequence)} TO {grantee}"))
    return granted


# --- `flask db grant-site-role`, beside Flask-Migrate's `flask db upgrade` ----------------------

@click.command("grant-site-role")
@click.argument("role")
@with_appcontext
def grant_site_role_command(role):
    """Give the site's database ROLE what it needs (run as the owner of the tables, after each upgrade)."""
    with owner_engine() as engine, engine.connect() as connection:
        try:
            granted = grant_site_role(connection, role)
        except RoleError as e:
            raise click.ClickException(str(e)) from None
        connection.commit()
    for privileges in (ORDINARY, APPEND_ONLY, READ_ONLY):
        tables = [table for table, given in granted.items() if given == privileges]
        click.echo(f"{', '.join(privileges)} ({len(tables)}): {', '.join(tables)}")
    click.echo(f'role "{role}" may now run the site; it cannot change, delete or empty '
               f"{', '.join(append_only_tables())}")

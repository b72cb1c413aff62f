"""append-only guards: TRUNCATE refused on the timeline and audit tables

Revision ID: e10a7d3c5b21
Revises: 8b756ab818b7
Create Date: 2026-12-02 10:45:00

The row triggers of 80f09e0363c7 (audit_event) and 98063c1fb2e4 (complaint_event) refuse UPDATE
and DELETE, but TRUNCATE fires no row trigger. A statement trigger refuses it, also when the
table is reached through TRUNCATE ... CASCADE from the table it refers to. PostgreSQL only:
SQLite has no TRUNCATE. The list is core.db_roles.append_only_tables() as of this revision; a
test checks that every append-only model has its guard.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e10a7d3c5b21'
down_revision = '8b756ab818b7'
branch_labels = None
depends_on = None

APPEND_ONLY_TABLES = ("audit_event", "complaint_event")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE FUNCTION append_only_table() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only: it cannot be emptied', TG_TABLE_NAME;
        END;
        $$ LANGUAGE plpgsql
    """)
    for table in APPEND_ONLY_TABLES:
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION append_only_table()")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in APPEND_ONLY_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.execute("DROP FUNCTION IF EXISTS append_only_table()")

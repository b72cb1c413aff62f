"""forum: full-text search over consultations and inputs

Revision ID: b7f3e2a91c04
Revises: 10cccea532c2
Create Date: 2026-11-28 10:00:00.000000

SQLite: an FTS5 table `forum_search` kept in step by triggers. Its rowid encodes the row it
indexes (2 × id for a consultation, 2 × id + 1 for an input), so a trigger finds its entry by
rowid instead of scanning. Only text is indexed: whether a row may be shown (draft, hidden) is
checked at query time against the rows themselves, so a stage change or a hidden post takes
effect at once.

PostgreSQL: GIN expression indexes on the same to_tsvector('simple', ...) expressions that
forum/search.py queries (they must match character for character to be used).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7f3e2a91c04'
down_revision = '10cccea532c2'
branch_labels = None
depends_on = None


SQLITE_TRIGGERS = {
    # (table, kind, body column, rowid expression over NEW/OLD)
    "consultation": ("consultation", "description", "2 * {row}.id"),
    "forum_input": ("input", "body", "2 * {row}.id + 1"),
}


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("""
            CREATE VIRTUAL TABLE forum_search USING fts5(
                kind UNINDEXED, ref_id UNINDEXED, title, body,
                tokenize = 'unicode61 remove_diacritics 2'
            )
        """)
        for table, (kind, body, rowid) in SQLITE_TRIGGERS.items():
            insert = (f"INSERT INTO forum_search (rowid, kind, ref_id, title, body) "
                      f"VALUES ({rowid.format(row='new')}, '{kind}', new.id, new.title, new.{body});")
            delete = f"DELETE FROM forum_search WHERE rowid = {rowid.format(row='old')};"
            op.execute(f"CREATE TRIGGER {table}_search_insert AFTER INSERT ON {table} BEGIN {insert} END")
            op.execute(f"CREATE TRIGGER {table}_search_update AFTER UPDATE OF title, {body} ON {table} "
                       f"BEGIN {delete} {insert} END")
            op.execute(f"CREATE TRIGGER {table}_search_delete AFTER DELETE ON {table} BEGIN {delete} END")
            # Rows written before this revision.
            op.execute(f"INSERT INTO forum_search (rowid, kind, ref_id, title, body) "
                       f"SELECT {rowid.format(row=table)}, '{kind}', id, title, {body} FROM {table}")
    elif dialect == "postgresql":
        op.execute("CREATE INDEX ix_consultation_search ON consultation "
                   "USING gin (to_tsvector('simple', title || ' ' || description))")
        op.execute("CREATE INDEX ix_forum_input_search ON forum_input "
                   "USING gin (to_tsvector('simple', title || ' ' || body))")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in SQLITE_TRIGGERS:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_search_{event}")
        op.execute("DROP TABLE IF EXISTS forum_search")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_forum_input_search")
        op.execute("DROP INDEX IF EXISTS ix_consultation_search")

"""What the migrations keep outside the models, so autogenerate and the schema test ignore it.

A pillar may keep database objects that its models cannot describe, written by hand in its
migration (the forum's full-text search: an FTS5 table on SQLite, GIN expression indexes on
PostgreSQL). Core knows no pillar: the pillar names them here with `keep_outside_models`.
"""

IGNORED_TABLE_PREFIXES = set()
IGNORED_INDEXES = set()


def keep_outside_models(*, table_prefixes=(), indexes=()):
    """Tables (by name prefix, shadow tables included) and indexes the migrations own, not the models."""
    IGNORED_TABLE_PREFIXES.update(table_prefixes)
    IGNORED_INDEXES.update(indexes)


def include_name(name, type_, parent_names):
    if type_ == "table" and name and name.startswith(tuple(IGNORED_TABLE_PREFIXES)):
        return False
    if type_ == "index" and name in IGNORED_INDEXES:
        return False
    return True


def include_object(obj, name, type_, reflected, compare_to):
    return include_name(name, type_, {})

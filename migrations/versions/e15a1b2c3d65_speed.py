"""speed: placeholder for issue 15's schema changes (filled by the branch that needs it)

Revision ID: e15a1b2c3d65
Revises: e14e6a8c0d54
Create Date: 2026-12-02 17:30:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'e15a1b2c3d65'
down_revision = 'e14e6a8c0d54'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

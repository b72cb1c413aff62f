"""scorecard: placeholder for issue 14's remaining schema changes (filled by the branch that needs it)

Revision ID: e14e6a8c0d54
Revises: e14d5f7b9c43
Create Date: 2026-12-02 17:30:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'e14e6a8c0d54'
down_revision = 'e14d5f7b9c43'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

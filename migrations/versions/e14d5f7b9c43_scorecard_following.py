"""scorecard: following a unit, weekly digest

Placeholder created first so that parallel branches share one chain; the branch that builds this
part fills it in.

Revision ID: e14d5f7b9c43
Revises: e14c4e6a8b32
Create Date: 2026-12-02 14:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e14d5f7b9c43'
down_revision = 'e14c4e6a8b32'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

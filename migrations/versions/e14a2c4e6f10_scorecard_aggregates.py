"""scorecard: daily aggregates per unit and measure, score settings

Placeholder created first so that parallel branches share one chain; the branch that builds this
part fills it in.

Revision ID: e14a2c4e6f10
Revises: e12a1b3c5d07
Create Date: 2026-12-02 14:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e14a2c4e6f10'
down_revision = 'e12a1b3c5d07'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

"""complaints: public list of a unit's complaints, moderator exclusion

Placeholder created first so that parallel branches share one chain; the branch that builds this
part fills it in.

Revision ID: e14b3d5f7a21
Revises: e14a2c4e6f10
Create Date: 2026-12-02 14:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e14b3d5f7a21'
down_revision = 'e14a2c4e6f10'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

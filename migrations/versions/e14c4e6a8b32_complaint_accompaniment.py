"""complaints: accompaniment by verified organisations

Placeholder created first so that parallel branches share one chain; the branch that builds this
part fills it in.

Revision ID: e14c4e6a8b32
Revises: e14b3d5f7a21
Create Date: 2026-12-02 14:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e14c4e6a8b32'
down_revision = 'e14b3d5f7a21'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

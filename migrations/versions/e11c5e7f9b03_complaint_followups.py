"""complaints: reply attachments, deadline recomputation notes

Revision ID: e11c5e7f9b03
Revises: e11b4d6e8a02
Create Date: 2026-12-02 11:20:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'e11c5e7f9b03'
down_revision = 'e11b4d6e8a02'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

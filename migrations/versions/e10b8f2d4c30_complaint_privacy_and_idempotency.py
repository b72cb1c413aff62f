"""complaints: reporter identity encrypted at rest, idempotency keys, staged uploads

Revision ID: e10b8f2d4c30
Revises: e10a7d3c5b21
Create Date: 2026-12-02 10:45:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'e10b8f2d4c30'
down_revision = 'e10a7d3c5b21'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

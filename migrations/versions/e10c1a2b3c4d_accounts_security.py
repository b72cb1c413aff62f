"""accounts: sessions that end, certificates that wait for ASN confirmation

Revision ID: e10c1a2b3c4d
Revises: e10b8f2d4c30
Create Date: 2026-12-02 10:45:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'e10c1a2b3c4d'
down_revision = 'e10b8f2d4c30'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

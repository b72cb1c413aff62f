"""complaints: public list of a unit's complaints, moderator exclusion

A complaint gets public_list_hidden_at and public_list_hidden_reason: a moderator kept it off the
unit's public list (complaints/public_list.py), with the reason staff read. The list of a unit,
newest first, reads the index on (unit_id, received_at).

Revision ID: e14b3d5f7a21
Revises: e14a2c4e6f10
Create Date: 2026-12-02 14:30:00

"""
from alembic import op
import sqlalchemy as sa

from core.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'e14b3d5f7a21'
down_revision = 'e14a2c4e6f10'
branch_labels = None
depends_on = None


def upgrade():
    # Only ADD COLUMN and CREATE INDEX: SQLite's batch mode alters in place, never copies the table.
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_list_hidden_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('public_list_hidden_reason', sa.Text(), nullable=True))
        batch_op.create_index('ix_complaint_unit_received', ['unit_id', 'received_at'], unique=False)


def downgrade():
    # ALTER TABLE ... DROP COLUMN in place (SQLite 3.35+), never a copy of the table.
    with op.batch_alter_table('complaint', schema=None, recreate='never') as batch_op:
        batch_op.drop_index('ix_complaint_unit_received')
        batch_op.drop_column('public_list_hidden_reason')
        batch_op.drop_column('public_list_hidden_at')

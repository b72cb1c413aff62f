"""scorecard: index complaint.updated_at, which the scorecard's incremental refresh scans by watermark

Revision ID: e14e6a8c0d54
Revises: e14d5f7b9c43
Create Date: 2026-12-02 17:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e14e6a8c0d54'
down_revision = 'e14d5f7b9c43'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index('ix_complaint_updated_at', ['updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_updated_at')

"""complaints: reply attachments, deadline recomputation notes

A reporter's reply may carry files: complaint_attachment.event_id names the reply (the
complaint_event row) a file came with; NULL for the files sent with the complaint itself. The
deadline notes written when the calendar changes are ordinary complaint_event rows: no schema.

Revision ID: e11c5e7f9b03
Revises: e11b4d6e8a02
Create Date: 2026-12-02 11:20:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e11c5e7f9b03'
down_revision = 'e11b4d6e8a02'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaint_attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_complaint_attachment_event_id_complaint_event'),
                                    'complaint_event', ['event_id'], ['id'])


def downgrade():
    with op.batch_alter_table('complaint_attachment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_complaint_attachment_event_id_complaint_event'), type_='foreignkey')
        batch_op.drop_column('event_id')

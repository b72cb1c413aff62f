"""privacy: organisation documents, retention of reporter identity

Organisations get their SK or deed (a private upload: stored name, original name, type). Complaints
get identity_erased_at and an index for the retention sweep, which erases a finished complaint's
reporter name, e-mail, phone and link COMPLAINT_IDENTITY_RETENTION_MONTHS after closed_at. Rejected
complaints now set closed_at too; those rejected before this revision get it from their
"rejected" timeline event (or updated_at), so the sweep finds them.

Revision ID: e11d6f8a0c04
Revises: e11c5e7f9b03
Create Date: 2026-12-02 11:20:00

"""
from alembic import op
import sqlalchemy as sa

from core.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'e11d6f8a0c04'
down_revision = 'e11c5e7f9b03'
branch_labels = None
depends_on = None


def upgrade():
    # Only ADD COLUMN and CREATE INDEX: SQLite's batch mode then alters in place instead of
    # copying the tables (a copy would drop organisation, and with it cascade the memberships).
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_stored_name', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('document_filename', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('document_content_type', sa.String(length=40), nullable=True))

    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('identity_erased_at', UTCDateTime(), nullable=True))
        batch_op.create_index('ix_complaint_retention', ['identity_erased_at', 'status', 'closed_at'], unique=False)

    # Rejected complaints finished when they were rejected: give them the closed_at the code now sets.
    complaint = sa.table('complaint', sa.column('id', sa.Integer), sa.column('status', sa.String),
                         sa.column('closed_at', UTCDateTime()), sa.column('updated_at', UTCDateTime()))
    event = sa.table('complaint_event', sa.column('complaint_id', sa.Integer), sa.column('kind', sa.String),
                     sa.column('created_at', UTCDateTime()))
    rejected_at = (sa.select(sa.func.max(event.c.created_at))
                   .where(event.c.complaint_id == complaint.c.id, event.c.kind == 'rejected')
                   .scalar_subquery())
    op.get_bind().execute(complaint.update()
                          .where(complaint.c.status == 'rejected', complaint.c.closed_at.is_(None))
                          .values(closed_at=sa.func.coalesce(rejected_at, complaint.c.updated_at)))


def downgrade():
    # ALTER TABLE ... DROP COLUMN in place (SQLite 3.35+), never a copy of the tables (see upgrade).
    complaint = sa.table('complaint', sa.column('status', sa.String), sa.column('closed_at', UTCDateTime()))
    op.get_bind().execute(complaint.update().where(complaint.c.status == 'rejected').values(closed_at=None))
    with op.batch_alter_table('complaint', schema=None, recreate='never') as batch_op:
        batch_op.drop_index('ix_complaint_retention')
        batch_op.drop_column('identity_erased_at')

    with op.batch_alter_table('organisation', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('document_content_type')
        batch_op.drop_column('document_filename')
        batch_op.drop_column('document_stored_name')

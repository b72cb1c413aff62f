"""forum: notice preferences (immediate or daily digest), meeting rescheduling

Work notices (new flags, organisations waiting for verification, membership requests) go out at
once or in one daily digest, as each person chose: `user.notice_frequency`, and the lines waiting
for a digest in `pending_notice`. Rescheduling the meeting needed no schema change.

Revision ID: e11b4d6e8a02
Revises: e11a3c5d7f01
Create Date: 2026-12-02 11:20:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

from core.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'e11b4d6e8a02'
down_revision = 'e11a3c5d7f01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_frequency', sa.String(length=10), server_default='immediate',
                                      nullable=False))

    op.create_table(
        'pending_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('digest_key', sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_pending_notice_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_notice')),
    )
    with op.batch_alter_table('pending_notice', schema=None) as batch_op:
        batch_op.create_index('ix_pending_notice_waiting', ['digest_key', 'user_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('pending_notice', schema=None) as batch_op:
        batch_op.drop_index('ix_pending_notice_waiting')
    op.drop_table('pending_notice')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('notice_frequency')

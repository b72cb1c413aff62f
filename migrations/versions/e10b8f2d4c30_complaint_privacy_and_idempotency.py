"""complaints: reporter identity encrypted at rest, idempotency keys, staged uploads

The reporter's name, e-mail and phone become Fernet tokens (core/encryption.py, key from
DATA_ENCRYPTION_KEY or instance/data_encryption.key): the columns widen to TEXT and every
existing row is encrypted here. The downgrade decrypts them back. Staged uploads need no schema.

Revision ID: e10b8f2d4c30
Revises: e10a7d3c5b21
Create Date: 2026-12-02 10:45:00

"""
from alembic import op
import sqlalchemy as sa

from core.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'e10b8f2d4c30'
down_revision = 'e10a7d3c5b21'
branch_labels = None
depends_on = None

IDENTITY = (("reporter_name", 120), ("reporter_email", 254), ("reporter_phone", 30))
complaint = sa.table("complaint", sa.column("id", sa.Integer),
                     *(sa.column(name, sa.Text) for name, _size in IDENTITY))


def _rewrite(transform):
    """Every complaint's identity columns through `transform` (encrypt or decrypt), in batches."""
    bind = op.get_bind()
    last_id = 0
    while True:
        rows = bind.execute(sa.select(complaint).where(complaint.c.id > last_id)
                            .order_by(complaint.c.id).limit(500)).all()
        if not rows:
            return
        for row in rows:
            values = {name: transform(getattr(row, name)) for name, _size in IDENTITY}
            bind.execute(complaint.update().where(complaint.c.id == row.id).values(**values))
        last_id = rows[-1].id


def upgrade():
    from core.encryption import encrypt
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        for name, size in IDENTITY:
            batch_op.alter_column(name, existing_type=sa.String(length=size), type_=sa.Text(),
                                  existing_nullable=True)
    _rewrite(encrypt)

    op.create_table('complaint_idempotency_key',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('key_hash', sa.String(length=64), nullable=False),
                    sa.Column('body_hash', sa.String(length=64), nullable=True),
                    sa.Column('complaint_id', sa.Integer(), nullable=False),
                    sa.Column('reporter_key', sa.Text(), nullable=True),
                    sa.Column('created_at', UTCDateTime(), nullable=False),
                    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('key_hash'))
    with op.batch_alter_table('complaint_idempotency_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_idempotency_key_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_idempotency_key_created_at'), ['created_at'], unique=False)


def downgrade():
    from core.encryption import decrypt
    with op.batch_alter_table('complaint_idempotency_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_idempotency_key_created_at'))
        batch_op.drop_index(batch_op.f('ix_complaint_idempotency_key_complaint_id'))
    op.drop_table('complaint_idempotency_key')

    _rewrite(decrypt)
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        for name, size in IDENTITY:
            # A value longer than the old column (it never was: the forms limit them) is cut.
            batch_op.alter_column(name, existing_type=sa.Text(), type_=sa.String(length=size),
                                  existing_nullable=True)

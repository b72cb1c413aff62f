"""content revisions per object (issue 15): keys like "complaints:complaint:123456" need more than
the 32 characters a scope name needed

A migration of its own, not the e15a1b2c3d65 placeholder: that one has already run (as a no-op) on
databases upgraded since it landed, and would never run again there.

Revision ID: e15b2c4d6e87
Revises: e15a1b2c3d65
Create Date: 2026-12-03 07:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e15b2c4d6e87'
down_revision = 'e15a1b2c3d65'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('content_revision') as batch_op:
        batch_op.alter_column('scope', existing_type=sa.String(length=32), type_=sa.String(length=64),
                              existing_nullable=False)


def downgrade():
    with op.batch_alter_table('content_revision') as batch_op:
        batch_op.alter_column('scope', existing_type=sa.String(length=64), type_=sa.String(length=32),
                              existing_nullable=False)

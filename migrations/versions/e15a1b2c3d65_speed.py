"""speed: content revisions per object (issue 15): keys like "complaints:complaint:123456" need
more than the 32 characters a scope name needed

Revision ID: e15a1b2c3d65
Revises: e14e6a8c0d54
Create Date: 2026-12-02 17:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e15a1b2c3d65'
down_revision = 'e14e6a8c0d54'
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

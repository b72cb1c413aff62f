"""content revisions for the page cache; thread and reply list indexes

Revision ID: 8b756ab818b7
Revises: 9ed8eae96d72
Create Date: 2026-11-28 10:06:11.829191

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '8b756ab818b7'
down_revision = '9ed8eae96d72'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('content_revision',
    sa.Column('scope', sa.String(length=32), nullable=False),
    sa.Column('revision', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_content_revision'))
    )
    # Plain index operations, not batch mode: a batch copy of forum_input would lose its search triggers.
    op.drop_index('ix_forum_input_consultation_id', table_name='forum_input')
    op.create_index('ix_forum_input_consultation_created', 'forum_input', ['consultation_id', 'created_at', 'id'])
    op.drop_index('ix_forum_reply_input_id', table_name='forum_reply')
    op.create_index('ix_forum_reply_input_created', 'forum_reply', ['input_id', 'created_at', 'id'])


def downgrade():
    op.drop_index('ix_forum_reply_input_created', table_name='forum_reply')
    op.create_index('ix_forum_reply_input_id', 'forum_reply', ['input_id'])
    op.drop_index('ix_forum_input_consultation_created', table_name='forum_input')
    op.create_index('ix_forum_input_consultation_id', 'forum_input', ['consultation_id'])
    op.drop_table('content_revision')

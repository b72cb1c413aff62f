"""training: the sources a module's content rests on

training_module.sources: a JSON list of {regulation, articles, checked_on, note}, shown at the end
of the module (issue 12). Existing modules start with none; `flask training load-content
--replace` brings the shipped modules' sources.

Revision ID: e12a1b3c5d07
Revises: e11d6f8a0c04
Create Date: 2026-12-02 14:40:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e12a1b3c5d07'
down_revision = 'e11d6f8a0c04'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('training_module', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sources', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    with op.batch_alter_table('training_module', schema=None) as batch_op:
        batch_op.drop_column('sources')

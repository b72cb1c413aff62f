"""training: review policy, wait between attempts, reading time

A module gains its review policy (after_pass by default), the wait between quiz attempts (10
minutes by default) and the reading-time check (on by default); existing modules take the
defaults. A question may name the lesson to reread. lesson_visit records when a learner first
opened a lesson, the start of its minimum reading time.

Revision ID: e11a3c5d7f01
Revises: e10b8f2d4c30
Create Date: 2026-12-02 11:20:00

"""
from alembic import op
import sqlalchemy as sa

from core.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'e11a3c5d7f01'
down_revision = 'e10b8f2d4c30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('training_module', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_policy', sa.String(length=20), server_default='after_pass',
                                      nullable=False))
        batch_op.add_column(sa.Column('retake_wait_minutes', sa.Integer(), server_default='10', nullable=False))
        batch_op.add_column(sa.Column('reading_time_check', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lesson_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_question_lesson_id_lesson'), 'lesson', ['lesson_id'], ['id'],
                                    ondelete='SET NULL')

    op.create_table('lesson_visit',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('user_id', sa.Integer(), nullable=False),
                    sa.Column('lesson_id', sa.Integer(), nullable=False),
                    sa.Column('opened_at', UTCDateTime(), nullable=False),
                    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'],
                                            name=op.f('fk_lesson_visit_lesson_id_lesson'), ondelete='CASCADE'),
                    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_lesson_visit_user_id_user')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_visit')),
                    sa.UniqueConstraint('user_id', 'lesson_id', name='uq_lesson_visit_user_lesson'))
    with op.batch_alter_table('lesson_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_visit_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_visit_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('lesson_visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_visit_user_id'))
        batch_op.drop_index(batch_op.f('ix_lesson_visit_lesson_id'))
    op.drop_table('lesson_visit')

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_question_lesson_id_lesson'), type_='foreignkey')
        batch_op.drop_column('lesson_id')

    with op.batch_alter_table('training_module', schema=None) as batch_op:
        batch_op.drop_column('reading_time_check')
        batch_op.drop_column('retake_wait_minutes')
        batch_op.drop_column('review_policy')

"""scorecard: daily aggregates per unit and measure, score settings

The scorecard's own tables: daily and monthly figures per unit and key, the snapshot taken at
each refresh, the refresh state (watermark, one row), and the admins' overrides of the score's
settings. Nothing in the other pillars' tables changes.

Revision ID: e14a2c4e6f10
Revises: e12a1b3c5d07
Create Date: 2026-12-02 14:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e14a2c4e6f10'
down_revision = 'e12a1b3c5d07'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'scorecard_daily',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('measure_key', sa.String(length=64), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecard_daily')),
        sa.UniqueConstraint('unit_id', 'day', 'measure_key', name='uq_scorecard_daily'),
    )
    op.create_index('ix_scorecard_daily_day_key', 'scorecard_daily', ['day', 'measure_key'], unique=False)
    op.create_table(
        'scorecard_monthly',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('measure_key', sa.String(length=64), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecard_monthly')),
        sa.UniqueConstraint('unit_id', 'month', 'measure_key', name='uq_scorecard_monthly'),
    )
    op.create_index('ix_scorecard_monthly_month', 'scorecard_monthly', ['month', 'unit_id'], unique=False)
    op.create_table(
        'scorecard_snapshot',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('measure_key', sa.String(length=64), nullable=False),
        sa.Column('value', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecard_snapshot')),
        sa.UniqueConstraint('unit_id', 'measure_key', name='uq_scorecard_snapshot'),
    )
    op.create_table(
        'scorecard_refresh',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('watermark', sa.DateTime(), nullable=True),
        sa.Column('refreshed_at', sa.DateTime(), nullable=True),
        sa.Column('full_rebuild_at', sa.DateTime(), nullable=True),
        sa.Column('days_recomputed', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecard_refresh')),
    )
    op.create_table(
        'scorecard_setting',
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('value', sa.Float(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_scorecard_setting_updated_by_id_user')),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_scorecard_setting')),
    )


def downgrade():
    op.drop_table('scorecard_setting')
    op.drop_table('scorecard_refresh')
    op.drop_table('scorecard_snapshot')
    op.drop_index('ix_scorecard_monthly_month', table_name='scorecard_monthly')
    op.drop_table('scorecard_monthly')
    op.drop_index('ix_scorecard_daily_day_key', table_name='scorecard_daily')
    op.drop_table('scorecard_daily')

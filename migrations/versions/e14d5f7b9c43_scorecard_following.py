"""scorecard: following a unit, weekly digest

One row per person and unit followed ("Pantau unit"), with the weekly digest's watermark (when
the last digest was made, the score then, the week that took it).

Revision ID: e14d5f7b9c43
Revises: e14c4e6a8b32
Create Date: 2026-12-02 14:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e14d5f7b9c43'
down_revision = 'e14c4e6a8b32'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scorecard_follow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_digest_at", sa.DateTime(), nullable=True),
        sa.Column("last_score", sa.Integer(), nullable=True),
        sa.Column("last_week", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_scorecard_follow_user_id_user"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_scorecard_follow_unit_id_unit"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorecard_follow")),
        sa.UniqueConstraint("user_id", "unit_id", name="uq_scorecard_follow"),
    )
    with op.batch_alter_table("scorecard_follow", schema=None) as batch_op:
        batch_op.create_index("ix_scorecard_follow_week", ["last_week", "user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scorecard_follow_unit_id"), ["unit_id"], unique=False)


def downgrade():
    with op.batch_alter_table("scorecard_follow", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scorecard_follow_unit_id"))
        batch_op.drop_index("ix_scorecard_follow_week")
    op.drop_table("scorecard_follow")

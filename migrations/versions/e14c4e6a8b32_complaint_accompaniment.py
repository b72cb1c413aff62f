"""complaints: accompaniment by verified organisations

A reporter asks a verified organisation to accompany (mengawal) their complaint: one row per
request, its state (requested, active, declined, withdrawn, ended) and the reporter's choice to share
their identity. A partial unique index keeps at most one requested-or-active row per complaint on
SQLite and PostgreSQL alike. The steps themselves are complaint_event rows (append-only).

Revision ID: e14c4e6a8b32
Revises: e14b3d5f7a21
Create Date: 2026-12-02 14:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e14c4e6a8b32'
down_revision = 'e14b3d5f7a21'
branch_labels = None
depends_on = None


LIVE = "status IN ('requested', 'active')"


def upgrade():
    op.create_table(
        "complaint_accompaniment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("share_identity", sa.Boolean(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_by", sa.String(length=12), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaint.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["ended_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("complaint_accompaniment") as batch_op:
        batch_op.create_index("ix_complaint_accompaniment_complaint_id", ["complaint_id"])
        batch_op.create_index("ix_complaint_accompaniment_org", ["organisation_id", "status", "requested_at"])
        batch_op.create_index("ix_complaint_accompaniment_status", ["status", "complaint_id"])
        batch_op.create_index("uq_complaint_accompaniment_live", ["complaint_id"], unique=True,
                              sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))


def downgrade():
    op.drop_table("complaint_accompaniment")

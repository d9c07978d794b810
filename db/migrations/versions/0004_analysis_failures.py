"""analysis failures

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 13:15:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analysis_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("law_slug", sa.String(length=80), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_attempt", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analysis_failures")),
        sa.UniqueConstraint("stage", "subject", name=op.f("uq_analysis_failures_stage")),
    )


def downgrade() -> None:
    op.drop_table("analysis_failures")

"""typed analysis state on versions (was JSON settings rows)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 20:15:00

The old settings rows carried no fingerprint of the code that made the analysis: every
version is marked for one fresh analysis, which then records what it was computed from.
"""

from alembic import op
import sqlalchemy as sa


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("versions") as b:
        b.add_column(sa.Column("analysed_against", sa.String(length=40), nullable=True))
        b.add_column(sa.Column("analysed_document_id", sa.Integer(), nullable=True))
        b.add_column(sa.Column("analysed_against_document_id", sa.Integer(), nullable=True))
        b.add_column(sa.Column("analyser", sa.String(length=40), nullable=True))
        b.add_column(sa.Column("attribution_key", sa.Text(), nullable=True))
        b.add_column(sa.Column("attribution_summary", sa.JSON(), nullable=True))
    with op.batch_alter_table("documents") as b:
        b.add_column(sa.Column("instructions_key", sa.String(length=100), nullable=True))
    op.execute(
        "DELETE FROM settings WHERE key LIKE 'analyze.pair.%' OR key LIKE 'analyze.attr.%' "
        "OR key LIKE 'analyze.act.%'"
    )
    op.execute("UPDATE versions SET analyzed = false")


def downgrade() -> None:
    with op.batch_alter_table("documents") as b:
        b.drop_column("instructions_key")
    with op.batch_alter_table("versions") as b:
        for col in ("attribution_summary", "attribution_key", "analyser",
                    "analysed_against_document_id", "analysed_document_id", "analysed_against"):
            b.drop_column(col)

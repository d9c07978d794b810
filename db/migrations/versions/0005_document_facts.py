"""grouping facts on documents, and their amending sections

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 20:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as b:
        b.add_column(sa.Column("facts_version", sa.Integer(), nullable=True))
        b.add_column(sa.Column("predecessor_eli", sa.String(length=40), nullable=True))
        b.add_column(sa.Column("law_slug", sa.String(length=80), nullable=True))
        b.add_column(sa.Column("title_key", sa.String(length=400), nullable=True))
        b.add_column(sa.Column("popular_key", sa.String(length=200), nullable=True))
        b.create_index(op.f("ix_documents_law_slug"), ["law_slug"])
        b.create_index(op.f("ix_documents_predecessor_eli"), ["predecessor_eli"])
        b.create_index(op.f("ix_documents_title_key"), ["title_key"])
        b.create_index(op.f("ix_documents_popular_key"), ["popular_key"])
    op.create_table(
        "document_sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=20), nullable=False),
        sa.Column("law_title", sa.Text(), nullable=True),
        sa.Column("title_key", sa.String(length=400), nullable=True),
        sa.Column("base_eli", sa.String(length=40), nullable=True),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column("law_slug", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], ondelete="CASCADE",
            name=op.f("fk_document_sections_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_sections")),
    )
    op.create_index(op.f("ix_document_sections_document_id"), "document_sections", ["document_id"])
    op.create_index(op.f("ix_document_sections_title_key"), "document_sections", ["title_key"])
    op.create_index(op.f("ix_document_sections_base_eli"), "document_sections", ["base_eli"])
    op.create_index(op.f("ix_document_sections_law_slug"), "document_sections", ["law_slug"])


def downgrade() -> None:
    op.drop_table("document_sections")
    with op.batch_alter_table("documents") as b:
        b.drop_index(op.f("ix_documents_popular_key"))
        b.drop_index(op.f("ix_documents_title_key"))
        b.drop_index(op.f("ix_documents_law_slug"))
        b.drop_index(op.f("ix_documents_predecessor_eli"))
        for col in ("popular_key", "title_key", "law_slug", "predecessor_eli", "facts_version"):
            b.drop_column(col)

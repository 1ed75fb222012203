"""Pipeline: analyses record their pipeline version; per-document failures; link entries know their document.

Revision ID: pipeline_0001
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pipeline_0001"
down_revision = "0001"
branch_labels = ("pipeline",)
depends_on = ("link_0001",)


def upgrade() -> None:
    with op.batch_alter_table("analyses") as batch:
        batch.add_column(sa.Column("pipeline_version", sa.String(64), nullable=True))
    op.create_index("ix_analyses_pipeline_version", "analyses", ["pipeline_version"])
    op.create_table(
        "processing_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_pk", sa.Integer, sa.ForeignKey("documents.pk", ondelete="CASCADE"), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("pipeline_version", sa.String(64), nullable=False),
        sa.Column("error", sa.String(200), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("document_pk", "stage", name="uq_processing_failures_doc_stage"),
    )
    with op.batch_alter_table("link_documents") as batch:
        batch.add_column(sa.Column("document_pk", sa.Integer, nullable=True))
        batch.create_foreign_key(
            "fk_link_documents_document_pk", "documents", ["document_pk"], ["pk"], ondelete="SET NULL"
        )
    op.create_index("ix_link_documents_document_pk", "link_documents", ["document_pk"], unique=True)
    # Entries linked before documents were tied by pk: tie those whose id names one stored document.
    op.execute(
        sa.text(
            "UPDATE link_documents SET document_pk = "
            "(SELECT MIN(d.pk) FROM documents d WHERE d.doc_id = link_documents.doc_id) "
            "WHERE document_pk IS NULL "
            "AND (SELECT COUNT(*) FROM documents d WHERE d.doc_id = link_documents.doc_id) = 1"
        )
    )


def downgrade() -> None:
    op.drop_index("ix_link_documents_document_pk", table_name="link_documents")
    with op.batch_alter_table("link_documents") as batch:
        batch.drop_constraint("fk_link_documents_document_pk", type_="foreignkey")
        batch.drop_column("document_pk")
    op.drop_table("processing_failures")
    op.drop_index("ix_analyses_pipeline_version", table_name="analyses")
    with op.batch_alter_table("analyses") as batch:
        batch.drop_column("pipeline_version")

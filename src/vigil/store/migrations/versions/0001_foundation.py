"""Foundation: sources, ingest runs, evidence, documents, analyses.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = ("foundation",)
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "ingest_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS),
        sa.Column("accepted", sa.Integer, nullable=False),
        sa.Column("rejected", sa.Integer, nullable=False),
        sa.Column("duplicates", sa.Integer, nullable=False),
        sa.Column("errors", sa.JSON, nullable=False),
    )
    op.create_table(
        "evidence",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("media_type", sa.String(200), nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("captured_at", TS),
        sa.Column("stored_at", TS, nullable=False),
    )
    op.create_table(
        "documents",
        sa.Column("pk", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), nullable=False),
        sa.Column("doc_id", sa.String(512), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("platform", sa.String(200)),
        sa.Column("url", sa.Text),
        sa.Column("lang", sa.String(8)),
        sa.Column("posted_at", TS),
        sa.Column("captured_at", TS),
        sa.Column("location", sa.Text),
        sa.Column("images", sa.JSON, nullable=False),
        sa.Column("meta", sa.JSON, nullable=False),
        sa.Column("evidence_sha256", sa.String(64), sa.ForeignKey("evidence.sha256")),
        sa.Column("ingest_run_id", sa.Integer, sa.ForeignKey("ingest_runs.id")),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("source_id", "doc_id", name="uq_documents_source_doc"),
    )
    op.create_index("ix_documents_posted_at", "documents", ["posted_at"])
    op.create_index("ix_documents_platform", "documents", ["platform"])
    op.create_index("ix_documents_kind", "documents", ["kind"])
    op.create_table(
        "analyses",
        sa.Column(
            "document_pk",
            sa.Integer,
            sa.ForeignKey("documents.pk", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("lang", sa.String(8)),
        sa.Column("risk_score", sa.Float),
        sa.Column("risk_level", sa.String(8)),
        sa.Column("model", sa.String(64)),
        sa.Column("result", sa.JSON, nullable=False),
        sa.Column("analyzed_at", TS, nullable=False),
    )
    op.create_index("ix_analyses_level_score", "analyses", ["risk_level", "risk_score"])
    op.create_table(
        "document_indicators",
        sa.Column(
            "document_pk",
            sa.Integer,
            sa.ForeignKey("documents.pk", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("indicator", sa.String(64), primary_key=True),
    )
    op.create_index("ix_document_indicators_indicator", "document_indicators", ["indicator"])


def downgrade() -> None:
    for table in ("document_indicators", "analyses", "documents", "evidence", "ingest_runs", "sources"):
        op.drop_table(table)

"""Collection: runs, the seen-URL frontier with conditional-request state, and document versions.

Revision ID: collect_0001
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "collect_0001"
down_revision = "0001"
branch_labels = ("collect",)
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "collect_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("profile", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS),
        sa.Column("resumed", sa.Integer, nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
    )
    op.create_index("ix_collect_runs_profile_status", "collect_runs", ["profile", "status"])
    op.create_table(
        "collect_urls",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("profile", sa.String(200), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("url_key", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("depth", sa.Integer, nullable=False),
        sa.Column("queued_run", sa.Integer),
        sa.Column("fetched_run", sa.Integer),
        sa.Column("first_seen_at", TS, nullable=False),
        sa.Column("fetched_at", TS),
        sa.Column("status_code", sa.Integer),
        sa.Column("error", sa.String(200)),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("body_sha256", sa.String(64)),
        sa.Column("evidence_sha256", sa.String(64)),
        sa.UniqueConstraint("profile", "url_key", name="uq_collect_urls_profile_url"),
    )
    op.create_index("ix_collect_urls_queue", "collect_urls", ["profile", "queued_run"])
    op.create_table(
        "document_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), nullable=False),
        sa.Column("doc_key", sa.String(512), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document_pk", sa.Integer, sa.ForeignKey("documents.pk", ondelete="CASCADE"), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("first_seen_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("last_evidence_sha256", sa.String(64)),
        sa.UniqueConstraint("source_id", "doc_key", "version", name="uq_document_versions_key_version"),
    )
    op.create_index("ix_document_versions_document", "document_versions", ["document_pk"])


def downgrade() -> None:
    op.drop_index("ix_document_versions_document", table_name="document_versions")
    op.drop_table("document_versions")
    op.drop_index("ix_collect_urls_queue", table_name="collect_urls")
    op.drop_table("collect_urls")
    op.drop_index("ix_collect_runs_profile_status", table_name="collect_runs")
    op.drop_table("collect_runs")

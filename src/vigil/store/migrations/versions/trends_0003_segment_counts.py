"""Trends: each document's segments and the counts per (day, segment), kept as analyses are saved.

Detection used to read and segment every stored analysis on each ingest; it now reads the
counts. Documents stored before this revision get their segments the next time
``vigil process`` (or ``vigil ingest``) runs its trend step.

Revision ID: trends_0003
Revises: trends_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "trends_0003"
down_revision = "trends_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trend_documents",
        sa.Column("document_pk", sa.Integer, sa.ForeignKey("documents.pk", ondelete="CASCADE"), primary_key=True),
        sa.Column("day", sa.Integer),
        sa.Column("segments", sa.Text, nullable=False),
    )
    op.create_table(
        "trend_segment_counts",
        sa.Column("day", sa.Integer, primary_key=True),
        sa.Column("segment", sa.String(200), primary_key=True),
        sa.Column("documents", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("trend_segment_counts")
    op.drop_table("trend_documents")

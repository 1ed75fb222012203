"""Cheaper ingest on PostgreSQL: the single-column ``platform``, ``kind`` and ``posted_at`` indexes go.

``search_0003`` made ``(platform, pk)`` and ``(kind, lang, pk)``, and ``search_0001``
``(posted_at DESC NULLS LAST, pk DESC)``; each serves every filter the single-column index of
its first column served (an equality on ``platform`` or ``kind``, a range of ``posted_at``, its
minimum and maximum read the same entries, in key order or backwards), so the planner no
longer needs the older three, and keeping them current was about a tenth of the server's work
per ingested document. SQLite has none of the composite twins (those migrations are
PostgreSQL's only) and keeps all three.

Revision ID: search_0005
Revises: search_0004
"""

from __future__ import annotations

from alembic import op

revision = "search_0005"
down_revision = "search_0004"
branch_labels = None
depends_on = None

#: The indexes of ``0001_foundation`` that composite indexes of ``search_0001`` and ``search_0003`` cover.
COVERED = {"ix_documents_platform": "platform", "ix_documents_kind": "kind", "ix_documents_posted_at": "posted_at"}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in COVERED:
            op.execute(f"DROP INDEX IF EXISTS {name}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, column in COVERED.items():
            op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON documents ({column})")

"""Cheaper ingest on PostgreSQL: the single-column ``platform`` and ``kind`` indexes go.

``search_0003`` made ``(platform, pk)`` and ``(kind, lang, pk)``; each serves every filter the
single-column index of its first column served (an equality on ``platform`` or on ``kind``
reads the same entries, in key order), so the planner no longer needs the older two, and
keeping them current was about a tenth of the server's work per ingested document. SQLite has
no composite twins (``search_0003`` is PostgreSQL's only) and keeps both.

Revision ID: search_0005
Revises: search_0004
"""

from __future__ import annotations

from alembic import op

revision = "search_0005"
down_revision = "search_0004"
branch_labels = None
depends_on = None

#: The indexes of ``0001_foundation`` that the composite indexes of ``search_0003`` cover.
COVERED = {"ix_documents_platform": "platform", "ix_documents_kind": "kind"}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in COVERED:
            op.execute(f"DROP INDEX IF EXISTS {name}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, column in COVERED.items():
            op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON documents ({column})")

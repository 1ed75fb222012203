"""Cheaper ingest on SQLite: the full-text index merges its segments 8 at a time instead of 4.

FTS5 writes each transaction's words as a new segment and, by default, merges four segments
of one level into one of the next as soon as there are four (``automerge`` 4): a word list is
rewritten once per level, and the levels grow with the log of the index to base 4. At 8 a
list is rewritten two thirds as often (log base 8), for more segments a search reads (up to 7 a
level instead of 3): at a million documents 18 segments instead of 10, ingest 7 % faster, and
one query shape slower (a common word in a date range in posting order, p95 88 to 130 ms);
at 16 (25 segments) that shape took 330 ms for the same ingest gain. Measured with
``bench/ingest.py`` and ``bench/search.py`` (docs/benchmarks.md). Only when the index is
merged changes: every search finds the same documents in the same order.

PostgreSQL is unchanged (its GIN index has no segments).

Revision ID: search_0006
Revises: search_0005
"""

from __future__ import annotations

from alembic import op

revision = "search_0006"
down_revision = "search_0005"
branch_labels = None
depends_on = None

#: Segments of one level merged into one of the next (FTS5's own default is 4; its largest 16).
AUTOMERGE = 8
PREVIOUS_AUTOMERGE = 4


def _set(value: int) -> None:
    if op.get_bind().dialect.name == "sqlite":
        # a setting FTS5 keeps in the table's own config, so every connection merges alike
        op.execute(f"INSERT INTO documents_fts(documents_fts, rank) VALUES ('automerge', {int(value)})")  # noqa: S608 - an integer


def upgrade() -> None:
    _set(AUTOMERGE)


def downgrade() -> None:
    _set(PREVIOUS_AUTOMERGE)

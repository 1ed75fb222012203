"""Cheaper ingest on SQLite: FTS5 prefix indexes for 3 and 4 letters only, instead of 3 to 6.

Every prefix length stores one more entry per word of the text, so the four lengths of
``search_0002`` made keeping the index current 2.6 times the cost of the words alone (more
than half of the ingest writer's database time); the 5- and 6-letter ones were 0.45 of its 1.56
CPU seconds per 50,000 ads. A ``stem*`` of 5 or more letters matches few enough
words that FTS5 merges their lists as fast as it reads a prefix list (measured at 300,000
documents: 5 and 6 letters, p50 33 to 48 ms with or without their indexes), while 3 and 4 letters
match hundreds of words and keep their indexes. Prefix indexes only speed a query up: every search
finds the same documents in the same order with any set of them.

PostgreSQL is unchanged (its GIN index serves any prefix).

Revision ID: search_0004
Revises: search_0003
"""

from __future__ import annotations

from alembic import op

revision = "search_0004"
down_revision = "search_0003"
branch_labels = None
depends_on = None

#: The FTS5 table of ``search_0001`` (external content: the text lives once, in ``documents``).
FTS_COLUMNS = "title, text, content='documents', content_rowid='pk', tokenize='unicode61 remove_diacritics 0'"
#: Prefix lengths (in characters) that get an index of their own.
PREFIX_LENGTHS = "3 4"
#: Those of ``search_0002``, restored by the downgrade.
PREVIOUS_PREFIX_LENGTHS = "3 4 5 6"


def _fts_table(prefix_lengths: str) -> tuple[str, ...]:
    # The triggers of search_0001 name the table and keep feeding it once it is made again.
    return (
        "DROP TABLE IF EXISTS documents_fts",
        f"CREATE VIRTUAL TABLE documents_fts USING fts5({FTS_COLUMNS}, prefix='{prefix_lengths}')",
        "INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')",
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _fts_table(PREFIX_LENGTHS):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _fts_table(PREVIOUS_PREFIX_LENGTHS):
            op.execute(statement)

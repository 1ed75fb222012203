"""Search on PostgreSQL at a million documents: ordered indexes for the filters and the risk order,
and full-text statistics deep enough for the planner to see how much a word or a prefix matches.

- ``(platform, pk)`` and ``(kind, lang, pk)``: with a word found in much of the store, a filtered
  search walks the filter's documents newest first and checks each one's stored vector, stopping
  at a page (or at the count cap), instead of building the GIN bitmap of every match.
- ``analyses (risk_score DESC NULLS LAST, document_pk DESC)``: the risk order, read off the index
  for analysed documents (``vigil.search`` asks for them apart from the unscored ones).
- ``analyses (risk_level, document_pk) INCLUDE (risk_score)``: the risk level filter read off the
  index alone, to join with a word's matches (``(risk_level, risk_score)`` sends it to the table).
- Statistics on ``search_vector`` for 10,000 most common lexemes instead of 1,000, so a prefix
  such as ``bir*`` is estimated from the lexemes it covers rather than as a rare word; the column
  is analysed again here so the estimates hold from the first search.

SQLite needs none of these (its search plans are chosen in ``vigil.search``); nothing is done there.

Revision ID: search_0003
Revises: search_0002
"""

from __future__ import annotations

from alembic import op

revision = "search_0003"
down_revision = "search_0002"
branch_labels = None
depends_on = None

#: Lexemes kept in the most-common list is ten times this (PostgreSQL's default target is 100).
VECTOR_STATISTICS = 1000

POSTGRES_UP = (
    "CREATE INDEX IF NOT EXISTS ix_documents_platform_pk ON documents (platform, pk)",
    "CREATE INDEX IF NOT EXISTS ix_documents_kind_lang_pk ON documents (kind, lang, pk)",
    "CREATE INDEX IF NOT EXISTS ix_analyses_score_doc ON analyses (risk_score DESC NULLS LAST, document_pk DESC)",
    "CREATE INDEX IF NOT EXISTS ix_analyses_level_doc ON analyses (risk_level, document_pk) INCLUDE (risk_score)",
    f"ALTER TABLE documents ALTER COLUMN search_vector SET STATISTICS {VECTOR_STATISTICS}",
    "ANALYZE documents (search_vector)",
)
POSTGRES_DOWN = (
    "ALTER TABLE documents ALTER COLUMN search_vector SET STATISTICS -1",
    "DROP INDEX IF EXISTS ix_analyses_level_doc",
    "DROP INDEX IF EXISTS ix_analyses_score_doc",
    "DROP INDEX IF EXISTS ix_documents_kind_lang_pk",
    "DROP INDEX IF EXISTS ix_documents_platform_pk",
)


def _run(statements: dict[str, tuple[str, ...]]) -> None:
    dialect = op.get_bind().dialect.name
    for statement in statements.get(dialect, ()):
        op.execute(statement)


def upgrade() -> None:
    _run({"postgresql": POSTGRES_UP})


def downgrade() -> None:
    _run({"postgresql": POSTGRES_DOWN})

"""Document indicators: one index on ``indicator`` instead of two.

``ix_document_indicators_indicator_doc`` (indicator, document_pk), made by ``search_0002``,
serves every lookup the single-column ``ix_document_indicators_indicator`` of ``0001``
served (its first column is the indicator, and it covers the document key too), so that
one only cost every stored analysis an index write. Depends on ``search_0002``: the
composite index exists before this one goes, and comes back first on a downgrade.

Revision ID: foundation_0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "foundation_0002"
down_revision = "0001"
branch_labels = None
depends_on = ("search_0002",)


def upgrade() -> None:
    op.drop_index("ix_document_indicators_indicator", table_name="document_indicators")


def downgrade() -> None:
    op.create_index("ix_document_indicators_indicator", "document_indicators", ["indicator"])

"""Identifier index: the phones, e-mails, handles and URLs of each stored document.

Existing stores are indexed here, from the entities of their stored analyses, so ``vigil
find`` answers for documents analysed before the index existed.

Revision ID: identifiers_0001
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "identifiers_0001"
down_revision = "0001"
branch_labels = ("identifiers",)
depends_on = None

MAX_VALUE = 600


def upgrade() -> None:
    op.create_table(
        "document_identifiers",
        sa.Column("document_pk", sa.Integer, sa.ForeignKey("documents.pk", ondelete="CASCADE"), primary_key=True),
        sa.Column("kind", sa.String(8), primary_key=True),
        sa.Column("value", sa.String(MAX_VALUE), primary_key=True),
        sa.Column("bare", sa.String(MAX_VALUE), nullable=False),
    )
    op.create_index("ix_document_identifiers_value", "document_identifiers", ["kind", "value"])
    op.create_index("ix_document_identifiers_bare", "document_identifiers", ["kind", "bare"])
    # deferred: the index rules live in the package, and a fresh database has nothing to index
    from vigil.identifiers.index import backfill_on

    backfill_on(op.get_bind())


def downgrade() -> None:
    op.drop_table("document_identifiers")

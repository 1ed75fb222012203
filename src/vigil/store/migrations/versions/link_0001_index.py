"""Link index: documents in arrival order, identifiers, links, LSH buckets, clusters, metadata.

Revision ID: link_0001
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "link_0001"
down_revision = "0001"
branch_labels = ("link",)
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "link_documents",
        sa.Column("idx", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("doc_id", sa.String(512), nullable=False, unique=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("facts", sa.JSON, nullable=False),
        sa.Column("signature", sa.LargeBinary),
        sa.Column("cluster", sa.String(40)),
        sa.Column("linked_at", TS, nullable=False),
    )
    op.create_index("ix_link_documents_cluster", "link_documents", ["cluster"])
    op.create_table(
        "link_identifiers",
        sa.Column("key", sa.String(600), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("docs", sa.Integer, nullable=False),
        sa.Column("first", sa.Integer, nullable=False),
        sa.Column("common", sa.Boolean, nullable=False),
    )
    op.create_table(
        "link_edges",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("left", sa.Integer, nullable=False),
        sa.Column("right", sa.Integer, nullable=False),
        sa.Column("kind", sa.SmallInteger, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("key", sa.String(600)),
    )
    op.create_index("ix_link_edges_key", "link_edges", ["key"])
    op.create_table(
        "link_buckets",
        sa.Column("band", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("key", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("idx", sa.Integer, primary_key=True, autoincrement=False),
    )
    op.create_table(
        "link_clusters",
        sa.Column("cluster", sa.String(40), primary_key=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "link_meta",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    for table in ("link_meta", "link_clusters", "link_buckets", "link_edges", "link_identifiers", "link_documents"):
        op.drop_table(table)

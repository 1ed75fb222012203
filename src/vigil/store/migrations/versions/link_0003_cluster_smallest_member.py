"""Link index: documents by cluster, then id, so a cluster's smallest member is one index lookup.

A batch that merges stored clusters names the merged one after its smallest document id;
with this index that is found without reading the clusters' members. It replaces the index
on the cluster alone, which it covers.

Revision ID: link_0003
Revises: link_0002
"""

from __future__ import annotations

from alembic import op

revision = "link_0003"
down_revision = "link_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # ids compare by code point, as Vigil names clusters, whatever the database's collation
        op.execute('CREATE INDEX ix_link_documents_cluster_doc_id ON link_documents (cluster, doc_id COLLATE "C")')
    else:
        op.create_index("ix_link_documents_cluster_doc_id", "link_documents", ["cluster", "doc_id"])
    op.drop_index("ix_link_documents_cluster", table_name="link_documents")


def downgrade() -> None:
    op.create_index("ix_link_documents_cluster", "link_documents", ["cluster"])
    op.drop_index("ix_link_documents_cluster_doc_id", table_name="link_documents")

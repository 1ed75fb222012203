"""Link index: links looked up by either end, so a batch re-clusters only what it reaches.

Revision ID: link_0002
Revises: link_0001
"""

from __future__ import annotations

from alembic import op

revision = "link_0002"
down_revision = "link_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_link_edges_left", "link_edges", ["left"])
    op.create_index("ix_link_edges_right", "link_edges", ["right"])


def downgrade() -> None:
    op.drop_index("ix_link_edges_right", table_name="link_edges")
    op.drop_index("ix_link_edges_left", table_name="link_edges")

"""Watches: what analysts watch, and the notifications (with webhook delivery state) new documents raise.

Revision ID: watch_0001
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "watch_0001"
down_revision = "0001"
branch_labels = ("watch",)
# Watches belong to accounts, which the web branch creates.
depends_on = ("web_0001",)

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "watches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target", sa.String(600), nullable=False),
        sa.Column("label", sa.String(600), nullable=False),
        sa.Column("search", sa.JSON),
        sa.Column("search_key", sa.String(600), nullable=False),
        sa.Column("signature", sa.LargeBinary),
        sa.Column("webhook_url", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("user_id", "kind", "target", "search_key", name="uq_watches_user_target"),
    )
    op.create_index("ix_watches_kind_target", "watches", ["kind", "target"])
    op.create_table(
        "watch_notifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("watch_id", sa.Integer, sa.ForeignKey("watches.id", ondelete="SET NULL")),
        sa.Column("document_pk", sa.Integer, sa.ForeignKey("documents.pk", ondelete="CASCADE"), nullable=False),
        sa.Column("watch_kind", sa.String(16), nullable=False),
        sa.Column("watch_label", sa.String(600), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("read_at", TS),
        sa.Column("webhook_url", sa.Text),
        sa.Column("delivery_status", sa.String(16)),
        sa.Column("delivery_attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TS),
        sa.Column("expires_at", TS),
        sa.Column("delivered_at", TS),
        sa.Column("delivery_error", sa.Text),
        sa.UniqueConstraint("watch_id", "document_pk", name="uq_watch_notifications_watch_document"),
    )
    op.create_index("ix_watch_notifications_user_read", "watch_notifications", ["user_id", "read_at"])
    op.create_index("ix_watch_notifications_delivery", "watch_notifications", ["delivery_status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_watch_notifications_delivery", table_name="watch_notifications")
    op.drop_index("ix_watch_notifications_user_read", table_name="watch_notifications")
    op.drop_table("watch_notifications")
    op.drop_index("ix_watches_kind_target", table_name="watches")
    op.drop_table("watches")

"""Notice and action: reports, reported items, decisions, complaints, referrals, per-client report counts.

Revision ID: reports_0001
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "reports_0001"
down_revision = "0001"
branch_labels = ("reports",)
# Decisions, complaints and referrals name the moderator's account, which the web branch creates.
depends_on = ("web_0001",)

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("receipt", sa.String(32), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("urls", sa.JSON, nullable=False),
        sa.Column("explanation", sa.Text, nullable=False),
        sa.Column("location_details", sa.Text),
        sa.Column("platform", sa.String(200)),
        sa.Column("country", sa.String(2)),
        sa.Column("content_language", sa.String(8)),
        sa.Column("reporter_language", sa.String(8), nullable=False),
        sa.Column("immediate_danger", sa.Boolean, nullable=False),
        sa.Column("good_faith", sa.Boolean, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("flagger_name", sa.String(200)),
        sa.Column("priority", sa.SmallInteger, nullable=False),
        sa.Column("contact_sealed", sa.LargeBinary),
        sa.Column("contact_expires_at", TS),
        sa.Column("idempotency_key", sa.String(200)),
        sa.Column("request_hash", sa.String(64)),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("acknowledged_at", TS),
        sa.UniqueConstraint("receipt", name="uq_reports_receipt"),
        sa.UniqueConstraint("idempotency_key", name="uq_reports_idempotency_key"),
    )
    op.create_index("ix_reports_contact_expires_at", "reports", ["contact_expires_at"])
    op.create_index("ix_reports_received_at", "reports", ["received_at"])
    op.create_table(
        "reported_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("url_key", sa.String(512), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("priority", sa.SmallInteger, nullable=False),
        sa.Column("report_count", sa.Integer, nullable=False),
        sa.Column("immediate_danger", sa.Boolean, nullable=False),
        sa.Column("first_reported_at", TS, nullable=False),
        sa.Column("last_reported_at", TS, nullable=False),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("document_pk", sa.Integer, sa.ForeignKey("documents.pk", ondelete="SET NULL")),
        sa.UniqueConstraint("url_key", name="uq_reported_items_url_key"),
    )
    op.create_index("ix_reported_items_queue", "reported_items", ["status", "priority", "first_reported_at"])
    op.create_table(
        "report_item_links",
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("reported_items.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_report_item_links_item_id", "report_item_links", ["item_id"])
    op.create_table(
        "report_decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("reported_items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("moderator_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("moderator_name", sa.String(100), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("ground", sa.String(16), nullable=False),
        sa.Column("ground_reference", sa.String(500), nullable=False),
        sa.Column("ground_url", sa.String(500)),
        sa.Column("explanation", sa.Text, nullable=False),
        sa.Column("territorial_scope", sa.JSON, nullable=False),
        sa.Column("puid", sa.String(64), nullable=False),
        sa.Column("decided_at", TS, nullable=False),
        sa.Column("reversed_at", TS),
        sa.UniqueConstraint("puid", name="uq_report_decisions_puid"),
    )
    op.create_index("ix_report_decisions_item_id", "report_decisions", ["item_id"])
    op.create_table(
        "report_complaints",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("decision_id", sa.Integer, sa.ForeignKey("report_decisions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("lodged_at", TS, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("handler_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("handler_name", sa.String(100)),
        sa.Column("reasons", sa.Text),
        sa.Column("decided_at", TS),
    )
    op.create_index("ix_report_complaints_report_id", "report_complaints", ["report_id"])
    op.create_index("ix_report_complaints_decision_id", "report_complaints", ["decision_id"])
    op.create_table(
        "report_referrals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("reported_items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("partner", sa.String(100)),
        sa.Column("recipient", sa.String(300), nullable=False),
        sa.Column("by_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("by_name", sa.String(100), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("package", sa.JSON, nullable=False),
        sa.Column("case_ref", sa.String(100)),
        sa.Column("sent_at", TS, nullable=False),
        sa.Column("mailed", sa.Boolean, nullable=False),
    )
    op.create_index("ix_report_referrals_item_id", "report_referrals", ["item_id"])
    op.create_table(
        "report_client_hits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("at", TS, nullable=False),
    )
    op.create_index("ix_report_client_hits_client_at", "report_client_hits", ["client", "at"])


def downgrade() -> None:
    op.drop_index("ix_report_client_hits_client_at", table_name="report_client_hits")
    op.drop_table("report_client_hits")
    op.drop_index("ix_report_referrals_item_id", table_name="report_referrals")
    op.drop_table("report_referrals")
    op.drop_index("ix_report_complaints_decision_id", table_name="report_complaints")
    op.drop_index("ix_report_complaints_report_id", table_name="report_complaints")
    op.drop_table("report_complaints")
    op.drop_index("ix_report_decisions_item_id", table_name="report_decisions")
    op.drop_table("report_decisions")
    op.drop_index("ix_report_item_links_item_id", table_name="report_item_links")
    op.drop_table("report_item_links")
    op.drop_index("ix_reported_items_queue", table_name="reported_items")
    op.drop_table("reported_items")
    op.drop_index("ix_reports_received_at", table_name="reports")
    op.drop_index("ix_reports_contact_expires_at", table_name="reports")
    op.drop_table("reports")

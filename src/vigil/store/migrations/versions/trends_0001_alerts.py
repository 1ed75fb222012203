"""Trends: stored alerts with webhook delivery state.

Revision ID: trends_0001
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "trends_0001"
down_revision = "0001"
branch_labels = ("trends",)
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "trend_alerts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("segment", sa.String(200), nullable=False),
        sa.Column("freq", sa.String(1), nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("observed", sa.Float, nullable=False),
        sa.Column("expected", sa.Float, nullable=False),
        sa.Column("ratio", sa.Float),
        sa.Column("p_value", sa.Float, nullable=False),
        sa.Column("q_value", sa.Float, nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("test", sa.String(8), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("delivery_status", sa.String(16), nullable=False),
        sa.Column("delivery_attempts", sa.Integer, nullable=False),
        sa.Column("delivered_at", TS),
        sa.Column("delivery_error", sa.Text),
        sa.UniqueConstraint("segment", "freq", "period_start", name="uq_trend_alerts_segment_period"),
    )
    op.create_index("ix_trend_alerts_period", "trend_alerts", ["period_start"])
    op.create_index("ix_trend_alerts_delivery", "trend_alerts", ["delivery_status"])


def downgrade() -> None:
    op.drop_index("ix_trend_alerts_delivery", table_name="trend_alerts")
    op.drop_index("ix_trend_alerts_period", table_name="trend_alerts")
    op.drop_table("trend_alerts")

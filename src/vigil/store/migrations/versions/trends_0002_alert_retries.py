"""Trends: alert webhook retries (next attempt time) and expiry.

Revision ID: trends_0002
Revises: trends_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "trends_0002"
down_revision = "trends_0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("trend_alerts") as batch:
        batch.add_column(sa.Column("next_attempt_at", TS))
        batch.add_column(sa.Column("expires_at", TS))
        batch.create_index("ix_trend_alerts_next_attempt", ["next_attempt_at"])


def downgrade() -> None:
    with op.batch_alter_table("trend_alerts") as batch:
        batch.drop_index("ix_trend_alerts_next_attempt")
        batch.drop_column("expires_at")
        batch.drop_column("next_attempt_at")

"""Safeguarding: campaigns, campaign counts, query counts (aggregates only).

Revision ID: safeguard_0001
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "safeguard_0001"
down_revision = "0001"
branch_labels = ("safeguard",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "safeguard_campaigns",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("messages", sa.JSON, nullable=False),
        sa.Column("languages", sa.JSON, nullable=False),
        sa.Column("countries", sa.JSON, nullable=False),
        sa.Column("genders", sa.JSON, nullable=False),
        sa.Column("audiences", sa.JSON, nullable=False),
        sa.Column("helplines", sa.JSON, nullable=False),
        sa.Column("age_min", sa.Integer, nullable=True),
        sa.Column("age_max", sa.Integer, nullable=True),
        sa.Column("minors_ok", sa.Boolean, nullable=False),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=True),
        sa.Column("ends_on", sa.Date, nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "safeguard_campaign_counts",
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("safeguard_campaigns.id"), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("lang", sa.String(8), primary_key=True),
        sa.Column("displays", sa.Integer, nullable=False),
        sa.Column("clicks", sa.Integer, nullable=False),
    )
    op.create_table(
        "safeguard_query_counts",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("category", sa.String(16), primary_key=True),
        sa.Column("lang", sa.String(8), primary_key=True),
        sa.Column("queries", sa.Integer, nullable=False),
        sa.Column("repeats", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("safeguard_query_counts")
    op.drop_table("safeguard_campaign_counts")
    op.drop_table("safeguard_campaigns")

"""Platform map: registry entries with their sources, their domains, and safety-defaults audits.

Revision ID: platforms_0001
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "platforms_0001"
down_revision = "0001"
branch_labels = ("platforms",)
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "platforms",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("aliases", sa.JSON, nullable=False),
        sa.Column("url_patterns", sa.JSON, nullable=False),
        sa.Column("countries", sa.JSON, nullable=False),
        sa.Column("languages", sa.JSON, nullable=False),
        sa.Column("operator", sa.Text),
        sa.Column("reporting_mechanism", sa.Boolean),
        sa.Column("reporting_trafficking_option", sa.Boolean),
        sa.Column("monitoring", sa.String(16), nullable=False),
        sa.Column("notes", sa.Text),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("sources", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "platform_domains",
        sa.Column("domain", sa.String(253), primary_key=True),
        sa.Column("platform_id", sa.Integer, sa.ForeignKey("platforms.id", ondelete="CASCADE"), nullable=False),
    )
    op.create_index("ix_platform_domains_platform", "platform_domains", ["platform_id"])
    op.create_table(
        "platform_audits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform_id", sa.Integer, sa.ForeignKey("platforms.id", ondelete="CASCADE"), nullable=False),
        sa.Column("audited_at", TS, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("observed_on", sa.String(32)),
        sa.Column("passed", sa.Integer, nullable=False),
        sa.Column("failed", sa.Integer, nullable=False),
        sa.Column("unknown", sa.Integer, nullable=False),
        sa.Column("checks", sa.JSON, nullable=False),
    )
    op.create_index("ix_platform_audits_platform", "platform_audits", ["platform_id", "audited_at"])


def downgrade() -> None:
    op.drop_index("ix_platform_audits_platform", table_name="platform_audits")
    op.drop_table("platform_audits")
    op.drop_index("ix_platform_domains_platform", table_name="platform_domains")
    op.drop_table("platform_domains")
    op.drop_table("platforms")

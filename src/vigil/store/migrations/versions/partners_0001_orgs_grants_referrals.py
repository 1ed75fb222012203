"""Partnerships: organisations, members, org-scoped API keys, grants, trusted signing keys,
matching partnerships, received referrals, and a case's HTCDS people and events.

Revision ID: partners_0001
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "partners_0001"
down_revision = "0001"
branch_labels = ("partners",)
# Members and keys point at accounts and API keys (web); grants, referrals and people at cases (casework).
depends_on = ("web_0001", "casework_0001")

TS = sa.DateTime(timezone=True)
NAME = sa.String(100)


def upgrade() -> None:
    op.create_table(
        "partner_orgs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", NAME, nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("own", sa.Boolean, nullable=False),
        sa.Column("signing_key_ref", sa.String(300)),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "partner_members",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("partner_orgs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("added_by", NAME, nullable=False),
        sa.Column("added_at", TS, nullable=False),
    )
    op.create_index("ix_partner_members_org_id", "partner_members", ["org_id"])
    op.create_table(
        "partner_api_keys",
        sa.Column("api_key_id", sa.Integer, sa.ForeignKey("api_keys.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("partner_orgs.id", ondelete="CASCADE"), nullable=False),
    )
    op.create_index("ix_partner_api_keys_org_id", "partner_api_keys", ["org_id"])
    op.create_table(
        "partner_grants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("partner_orgs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target", sa.String(40), nullable=False),
        sa.Column("granted_by", NAME, nullable=False),
        sa.Column("granted_at", TS, nullable=False),
        sa.Column("revoked_at", TS),
        sa.UniqueConstraint("org_id", "kind", "target", name="uq_partner_grants_target"),
    )
    op.create_index("ix_partner_grants_org_id", "partner_grants", ["org_id"])
    op.create_table(
        "partner_public_keys",
        sa.Column("fingerprint", sa.String(64), primary_key=True),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("partner_orgs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("added_by", NAME, nullable=False),
        sa.Column("added_at", TS, nullable=False),
    )
    op.create_index("ix_partner_public_keys_org_id", "partner_public_keys", ["org_id"])
    op.create_table(
        "partnerships",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", NAME, nullable=False, unique=True),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("partner_orgs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("secret_ref", sa.String(300), nullable=False),
        sa.Column("created_by", NAME, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_partnerships_org_id", "partnerships", ["org_id"])
    op.create_table(
        "partner_referrals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("package_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("partner_orgs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("their_case", sa.String(40), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("stored_ref", sa.String(300), nullable=False),
        sa.Column("imported_by", NAME, nullable=False),
        sa.Column("imported_at", TS, nullable=False),
    )
    op.create_index("ix_partner_referrals_org_id", "partner_referrals", ["org_id"])
    op.create_table(
        "case_persons",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("added_by", NAME, nullable=False),
        sa.Column("added_at", TS, nullable=False),
    )
    op.create_index("ix_case_persons_case", "case_persons", ["case_id"])
    op.create_table(
        "case_trafficking_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("added_by", NAME, nullable=False),
        sa.Column("added_at", TS, nullable=False),
    )
    op.create_index("ix_case_trafficking_events_case", "case_trafficking_events", ["case_id"])


def downgrade() -> None:
    for table in ("case_trafficking_events", "case_persons", "partner_referrals", "partnerships",
                  "partner_public_keys", "partner_grants", "partner_api_keys", "partner_members", "partner_orgs"):
        op.drop_table(table)

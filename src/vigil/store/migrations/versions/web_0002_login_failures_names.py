"""Web app: failed logins in the database, and user names unique whatever their case.

``login_failures`` holds one row per failed login (case-folded account name, client address,
time), shared by every worker process and pruned past the throttling window. The unique
index on ``lower(name)`` refuses ``ADMIN`` beside ``admin``; a database that already holds
two such names stops this migration with the names' unique-constraint error, and one of
them has to be renamed first.

Revision ID: web_0002
Revises: web_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "web_0002"
down_revision = "web_0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", ID, primary_key=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("account", sa.String(100), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
    )
    op.create_index("ix_login_failures_account_at", "login_failures", ["account", "at"])
    op.create_index("ix_login_failures_address_at", "login_failures", ["address", "at"])
    op.create_index("ix_login_failures_at", "login_failures", ["at"])
    op.execute("CREATE UNIQUE INDEX ux_users_name_lower ON users (lower(name))")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ux_users_name_lower")
    op.drop_table("login_failures")

"""Ingest runs: a status (running, finished, failed, abandoned) and the process that ran them.

Runs recorded before this revision have no process to check: those that finished are
``finished``, the others ``abandoned`` (no run of an older Vigil is still going during the
upgrade that replaces it).

Revision ID: ingest_0001
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ingest_0001"
down_revision = "0001"
branch_labels = ("ingest",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ingest_runs") as batch:
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="running"))
        batch.add_column(sa.Column("pid", sa.Integer))
        batch.add_column(sa.Column("host", sa.String(255)))
        batch.create_index("ix_ingest_runs_status", ["status"])
    runs = sa.table("ingest_runs", sa.column("status", sa.String), sa.column("finished_at", sa.DateTime))
    op.execute(
        runs.update().values(
            status=sa.case((runs.c.finished_at.is_(None), sa.literal("abandoned")), else_=sa.literal("finished"))
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("ingest_runs") as batch:
        batch.drop_index("ix_ingest_runs_status")
        batch.drop_column("host")
        batch.drop_column("pid")
        batch.drop_column("status")

"""Casework: review states and notes of leads, cases with their items and timeline events.

Revision ID: casework_0001
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "casework_0001"
down_revision = "0001"
branch_labels = ("casework",)
depends_on = None

TS = sa.DateTime(timezone=True)
NAME = sa.String(100)
TARGET = sa.String(600)


def upgrade() -> None:
    op.create_table(
        "review_states",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target", TARGET, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("assignee", NAME),
        sa.Column("labels", sa.JSON, nullable=False),
        sa.Column("updated_by", NAME, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("kind", "target", name="uq_review_states_target"),
    )
    op.create_index("ix_review_states_state", "review_states", ["kind", "state"])
    op.create_table(
        "review_notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target", TARGET, nullable=False),
        sa.Column("author", NAME, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_review_notes_target", "review_notes", ["kind", "target"])
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("owner", NAME, nullable=False),
        sa.Column("members", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "case_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target", TARGET, nullable=False),
        sa.Column("label", TARGET, nullable=False),
        sa.Column("body", sa.Text),
        sa.Column("added_by", NAME, nullable=False),
        sa.Column("added_at", TS, nullable=False),
    )
    op.create_index("ix_case_items_case", "case_items", ["case_id", "kind"])
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", NAME, nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
    )
    op.create_index("ix_case_events_case", "case_events", ["case_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_case_events_case", table_name="case_events")
    op.drop_table("case_events")
    op.drop_index("ix_case_items_case", table_name="case_items")
    op.drop_table("case_items")
    op.drop_table("cases")
    op.drop_index("ix_review_notes_target", table_name="review_notes")
    op.drop_table("review_notes")
    op.drop_index("ix_review_states_state", table_name="review_states")
    op.drop_table("review_states")

"""Tables of casework: review states and notes of leads, cases with their items and timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from vigil.store.models import Base, utcnow

#: What can be reviewed (and added to a case, with notes).
DOCUMENT: Final = "document"
NETWORK: Final = "network"
IDENTIFIER: Final = "identifier"
NOTE: Final = "note"
LEAD_KINDS: Final = (DOCUMENT, NETWORK, IDENTIFIER)
ITEM_KINDS: Final = (*LEAD_KINDS, NOTE)

#: Review states of a lead, in the order an analyst moves through them.
REVIEW_STATES: Final = ("new", "in_review", "escalated", "dismissed", "actioned")
#: The state of a lead nobody has reviewed (it has no :class:`ReviewState` row) or that was set back.
NEW: Final = "new"
#: Case statuses of the Human Trafficking Case Data Standard v2.0 (``cas_Status``).
CASE_STATUSES: Final = ("Active", "FollowUp", "Closed", "ClosedReferred")

USER_NAME_CHARS: Final = 100
TARGET_CHARS: Final = 600


class ReviewState(Base):
    """Where a lead stands: its state (with the reason of a dismissal), assignee and labels, and who set them.

    ``target`` is a document's primary key (as text), a network id, or an identifier key
    (``phone:+48501234000``).
    """

    __tablename__ = "review_states"
    __table_args__ = (
        sa.UniqueConstraint("kind", "target", name="uq_review_states_target"),
        sa.Index("ix_review_states_state", "kind", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    target: Mapped[str] = mapped_column(sa.String(TARGET_CHARS))
    state: Mapped[str] = mapped_column(sa.String(16), default="new")
    reason: Mapped[str | None] = mapped_column(sa.Text)
    assignee: Mapped[str | None] = mapped_column(sa.String(USER_NAME_CHARS))
    labels: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    updated_by: Mapped[str] = mapped_column(sa.String(USER_NAME_CHARS))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewNote(Base):
    """A note an analyst wrote on a lead."""

    __tablename__ = "review_notes"
    __table_args__ = (sa.Index("ix_review_notes_target", "kind", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    target: Mapped[str] = mapped_column(sa.String(TARGET_CHARS))
    author: Mapped[str] = mapped_column(sa.String(USER_NAME_CHARS))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Case(Base):
    """A case: leads grouped for an investigation or a referral, with an owner, members and a status."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    owner: Mapped[str] = mapped_column(sa.String(USER_NAME_CHARS))
    members: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    status: Mapped[str] = mapped_column(sa.String(16), default="Active")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseItem(Base):
    """A document, network, identifier or note in a case; ``target`` as in :class:`ReviewState`, a note's text in ``body``."""

    __tablename__ = "case_items"
    __table_args__ = (sa.Index("ix_case_items_case", "case_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    target: Mapped[str] = mapped_column(sa.String(TARGET_CHARS))
    label: Mapped[str] = mapped_column(sa.String(TARGET_CHARS))
    body: Mapped[str | None] = mapped_column(sa.Text)
    added_by: Mapped[str] = mapped_column(sa.String(USER_NAME_CHARS))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseEvent(Base):
    """One analyst action on a case, for its timeline (the audit log keeps the tamper-evident record)."""

    __tablename__ = "case_events"
    __table_args__ = (sa.Index("ix_case_events_case", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(sa.String(USER_NAME_CHARS))
    action: Mapped[str] = mapped_column(sa.String(64))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

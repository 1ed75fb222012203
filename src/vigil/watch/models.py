"""Tables of watches: what an analyst watches, and the notifications new documents raise.

A notification also carries the state of its webhook delivery (when its watch names a
webhook): pending, delivered, failed (to be retried at ``next_attempt_at``), expired (given
up at ``expires_at``) or cancelled (its watch was removed before delivery).
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from vigil.store.models import Base, utcnow

#: What a watch can follow.
IDENTIFIER: Final = "identifier"
NETWORK: Final = "network"
TEMPLATE: Final = "template"
SEARCH: Final = "search"
WATCH_KINDS: Final = (IDENTIFIER, NETWORK, TEMPLATE, SEARCH)


class Watch(Base):
    """One analyst's watch on an identifier, a network, a template or a saved search.

    ``target`` is what matching compares: an identifier key (``phone:+48501234000``), a
    network id, the watched document's id (template) or the search text. ``label`` is what
    the analyst asked for, as shown back. A template watch keeps the watched document's
    MinHash ``signature``; a search watch keeps its filters in ``search``.
    """

    __tablename__ = "watches"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "kind", "target", "search_key", name="uq_watches_user_target"),
        sa.Index("ix_watches_kind_target", "kind", "target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    target: Mapped[str] = mapped_column(sa.String(600))
    label: Mapped[str] = mapped_column(sa.String(600))
    search: Mapped[dict[str, str] | None] = mapped_column(sa.JSON)
    #: The search filters in one canonical string, so the same saved search is not stored twice.
    search_key: Mapped[str] = mapped_column(sa.String(600), default="")
    signature: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    webhook_url: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WatchNotification(Base):
    """A new document that matched a watch: shown to its analyst, and sent to the watch's webhook."""

    __tablename__ = "watch_notifications"
    __table_args__ = (
        sa.UniqueConstraint("watch_id", "document_pk", name="uq_watch_notifications_watch_document"),
        sa.Index("ix_watch_notifications_user_read", "user_id", "read_at"),
        sa.Index("ix_watch_notifications_delivery", "delivery_status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    watch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("watches.id", ondelete="SET NULL"))
    document_pk: Mapped[int] = mapped_column(sa.ForeignKey("documents.pk", ondelete="CASCADE"))
    watch_kind: Mapped[str] = mapped_column(sa.String(16))
    watch_label: Mapped[str] = mapped_column(sa.String(600))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()
    webhook_url: Mapped[str | None] = mapped_column(sa.Text)
    delivery_status: Mapped[str | None] = mapped_column(sa.String(16))
    delivery_attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    expires_at: Mapped[datetime | None] = mapped_column()
    delivered_at: Mapped[datetime | None] = mapped_column()
    delivery_error: Mapped[str | None] = mapped_column(sa.Text)

"""An analyst's notifications: the unread count in every page's header, the list, marking them read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.store.models import DocumentRow, utcnow
from vigil.watch.models import WatchNotification

#: Notifications shown per page, newest first.
PAGE_SIZE: Final = 50


def unread_count(session: Session, user_id: int) -> int:
    return int(
        session.scalar(
            sa.select(sa.func.count())
            .select_from(WatchNotification)
            .where(WatchNotification.user_id == user_id, WatchNotification.read_at.is_(None))
        )
        or 0
    )


def list_notifications(
    session: Session, user_id: int, *, unread_only: bool = False, limit: int = PAGE_SIZE
) -> list[tuple[WatchNotification, str]]:
    """``user_id``'s notifications, newest first, each with the id of the document it names."""
    query = (
        sa.select(WatchNotification, DocumentRow.doc_id)
        .join(DocumentRow, DocumentRow.pk == WatchNotification.document_pk)
        .where(WatchNotification.user_id == user_id)
        .order_by(WatchNotification.id.desc())
        .limit(limit)
    )
    if unread_only:
        query = query.where(WatchNotification.read_at.is_(None))
    return [(n, doc_id) for n, doc_id in session.execute(query).tuples()]


def mark_read(session: Session, user_id: int, ids: Sequence[int] | None = None) -> int:
    """Mark ``user_id``'s notifications read (only ``ids`` when given); returns how many changed."""
    statement = (
        sa.update(WatchNotification)
        .where(WatchNotification.user_id == user_id, WatchNotification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    if ids is not None:
        if not ids:
            return 0
        statement = statement.where(WatchNotification.id.in_(list(ids)))
    return int(getattr(session.execute(statement), "rowcount", 0) or 0)


def notification_json(notification: WatchNotification, doc_id: str) -> dict[str, Any]:
    return {
        "id": notification.id,
        "watch": {"id": notification.watch_id, "kind": notification.watch_kind, "label": notification.watch_label},
        "document": {"pk": notification.document_pk, "id": doc_id},
        "created_at": notification.created_at.isoformat(),
        "read": notification.read_at is not None,
        "webhook": None if notification.delivery_status is None else {
            "status": notification.delivery_status,
            "attempts": notification.delivery_attempts,
            "next_attempt_at": notification.next_attempt_at.isoformat() if notification.next_attempt_at else None,
        },
    }

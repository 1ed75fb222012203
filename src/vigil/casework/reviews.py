"""Review state of leads: set by a named user, with notes, assignment and labels; every change audited.

A lead is a stored document (by primary key), a network (by cluster id) or an identifier
(by its key, read from any written form the way the identifier index reads it, so
``+48 501 234 000`` and ``+48501234000`` are one lead). A lead nobody has touched is ``new``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from vigil.casework.models import (
    DOCUMENT,
    IDENTIFIER,
    LEAD_KINDS,
    NETWORK,
    NEW,
    REVIEW_STATES,
    TARGET_CHARS,
    USER_NAME_CHARS,
    ReviewNote,
    ReviewState,
)
from vigil.errors import InputError, NotFoundError
from vigil.link.models import LinkCluster
from vigil.store.models import DocumentRow

#: ``(session, action, target type, target id, details)``: writes one audit entry in the change's transaction.
AuditHook = Callable[[Session, str, str, str, dict[str, Any]], None]
DISMISSED: Final = "dismissed"
MAX_NOTE_CHARS: Final = 10_000
MAX_REASON_CHARS: Final = 2_000
MAX_LABEL_CHARS: Final = 64
MAX_LABELS: Final = 20
#: Leads changed by one bulk action at most.
MAX_BULK: Final = 500


def no_audit(_session: Session, _action: str, _type: str, _target: str, _details: dict[str, Any]) -> None:
    """An :data:`AuditHook` that writes nothing (tests of the pure bookkeeping only)."""


def check_user(name: str, what: str = "user") -> str:
    value = name.strip()
    if not value or len(value) > USER_NAME_CHARS:
        raise InputError(f"a {what} name has 1 to {USER_NAME_CHARS} characters")
    return value


def check_labels(labels: Iterable[str]) -> list[str]:
    out: list[str] = []
    for raw in labels:
        label = raw.strip()
        if not label:
            continue
        if len(label) > MAX_LABEL_CHARS:
            raise InputError(f"a label has at most {MAX_LABEL_CHARS} characters")
        if label not in out:
            out.append(label)
    if len(out) > MAX_LABELS:
        raise InputError(f"a lead has at most {MAX_LABELS} labels")
    return out


def identifier_target(value: str) -> str:
    """The identifier key (``phone:+48501234000``) of a phone, e-mail, handle or URL as written."""
    from vigil.identifiers.query import read_identifier

    text = value.strip()
    if not text or len(text) > TARGET_CHARS:
        raise InputError(f"an identifier has 1 to {TARGET_CHARS} characters")
    query = read_identifier(text)
    return f"{query.kind}:{query.label}"[:TARGET_CHARS]


def lead_target(session: Session, kind: str, value: str) -> str:
    """The stored target of a lead: a document's primary key, an existing network id, an identifier key.

    A document is named by its primary key (``17``) or, when no key matches, by its id as ingested.
    """
    if kind not in LEAD_KINDS:
        raise InputError(f"a lead is one of {', '.join(LEAD_KINDS)}")
    text = value.strip()
    if kind == DOCUMENT:
        return str(document_pk(session, text))
    if kind == NETWORK:
        if not text or len(text) > 40 or session.get(LinkCluster, text) is None:
            raise NotFoundError(f"no network {text[:80]!r}")
        return text
    return identifier_target(text)


def document_pk(session: Session, value: str) -> int:
    """A stored document's primary key from its key or its ingested id (which must name one document)."""
    if value.isdigit() and len(value) < 19 and session.get(DocumentRow, int(value)) is not None:
        return int(value)
    pks = session.scalars(sa.select(DocumentRow.pk).where(DocumentRow.doc_id == value[:512]).limit(2)).all()
    if not pks:
        raise NotFoundError(f"no stored document {value[:80]!r}")
    if len(pks) > 1:
        raise InputError(f"several sources hold a document {value[:80]!r}; name it by its key")
    return pks[0]


@dataclass(frozen=True)
class ReviewChange:
    """What to change on a lead; ``None`` leaves a field as it is (``assignee=""`` unassigns)."""

    state: str | None = None
    reason: str | None = None
    assignee: str | None = None
    labels: Sequence[str] | None = None
    note: str | None = None

    def check(self) -> None:
        if self.state is not None and self.state not in REVIEW_STATES:
            raise InputError(f"a review state is one of {', '.join(REVIEW_STATES)}")
        if self.state == DISMISSED and not (self.reason or "").strip():
            raise InputError("say why a lead is dismissed (a reason)")
        if self.reason is not None and len(self.reason) > MAX_REASON_CHARS:
            raise InputError(f"a reason has at most {MAX_REASON_CHARS} characters")
        if self.note is not None and len(self.note) > MAX_NOTE_CHARS:
            raise InputError(f"a note has at most {MAX_NOTE_CHARS} characters")
        if self.assignee:
            check_user(self.assignee, "assignee")
        if not any(v is not None for v in (self.state, self.assignee, self.labels)) and not (self.note or "").strip():
            raise InputError("nothing to change: give a state, an assignee, labels or a note")


def set_review(
    session: Session, kind: str, target: str, change: ReviewChange, actor: str, audit: AuditHook
) -> ReviewState:
    """Apply ``change`` to the lead ``(kind, target)`` (a stored target, see :func:`lead_target`) as ``actor``; audited."""
    change.check()
    actor = check_user(actor)
    review = get_review(session, kind, target)
    if review is None:
        review = ReviewState(kind=kind, target=target, state="new", labels=[], updated_by=actor)
        session.add(review)
    details: dict[str, Any] = {"kind": kind}
    if change.state is not None and change.state != review.state:
        details["state"] = [review.state, change.state]
        review.state = change.state
    if change.state is not None:
        reason = (change.reason or "").strip() or None
        if reason != review.reason:
            review.reason = reason
            details["reason"] = reason
    if change.assignee is not None:
        assignee = change.assignee.strip() or None
        if assignee != review.assignee:
            details["assignee"] = [review.assignee, assignee]
            review.assignee = assignee
    if change.labels is not None:
        labels = check_labels(change.labels)
        if labels != list(review.labels or []):
            details["labels"] = labels
            review.labels = labels
    note_text = (change.note or "").strip()
    if note_text:
        session.add(ReviewNote(kind=kind, target=target, author=actor, body=note_text))
        details["note_chars"] = len(note_text)
    review.updated_by = actor
    review.updated_at = datetime.now(UTC)
    session.flush()
    audit(session, "review.set", kind, target, details)
    return review


def set_reviews(
    session: Session, kind: str, targets: Sequence[str], change: ReviewChange, actor: str, audit: AuditHook
) -> list[ReviewState]:
    """The same change on many leads (bulk actions); each lead gets its own audit entry."""
    if not targets:
        raise InputError("choose at least one lead")
    if len(targets) > MAX_BULK:
        raise InputError(f"at most {MAX_BULK} leads at once")
    return [set_review(session, kind, t, change, actor, audit) for t in dict.fromkeys(targets)]


def get_review(session: Session, kind: str, target: str) -> ReviewState | None:
    return session.scalars(sa.select(ReviewState).where(ReviewState.kind == kind, ReviewState.target == target)).first()


def reviews_of(session: Session, kind: str, targets: Iterable[str]) -> dict[str, ReviewState]:
    """Review states of many leads of one kind, by target (leads never reviewed are absent: ``new``)."""
    wanted = list(dict.fromkeys(targets))
    out: dict[str, ReviewState] = {}
    for start in range(0, len(wanted), MAX_BULK):
        chunk = wanted[start : start + MAX_BULK]
        for review in session.scalars(sa.select(ReviewState).where(ReviewState.kind == kind, ReviewState.target.in_(chunk))):
            out[review.target] = review
    return out


def notes_of(session: Session, kind: str, target: str) -> list[ReviewNote]:
    """Notes on one lead, oldest first."""
    query = sa.select(ReviewNote).where(ReviewNote.kind == kind, ReviewNote.target == target).order_by(ReviewNote.id)
    return list(session.scalars(query))


@dataclass(frozen=True)
class ReviewFilter:
    """Leads wanted by their review: any of ``states`` (``new`` also means never reviewed), assigned
    to ``assignee``, carrying ``label``; empty fields do not filter."""

    states: tuple[str, ...] = ()
    assignee: str | None = None
    label: str | None = None

    def __post_init__(self) -> None:
        unknown = sorted(set(self.states) - set(REVIEW_STATES))
        if unknown:
            raise InputError(f"a review state is one of {', '.join(REVIEW_STATES)} (not {unknown[0][:40]!r})")
        if self.assignee is not None and not 0 < len(self.assignee) <= USER_NAME_CHARS:
            raise InputError(f"an assignee's name has 1 to {USER_NAME_CHARS} characters")
        if self.label is not None and not 0 < len(self.label) <= MAX_LABEL_CHARS:
            raise InputError(f"a label has 1 to {MAX_LABEL_CHARS} characters")

    def __bool__(self) -> bool:
        return bool(self.states) or self.assignee is not None or self.label is not None


def has_label(dialect: str, label: str) -> ColumnElement[bool]:
    """``review_states.labels`` (a JSON list) holds ``label``, in the store's own JSON dialect."""
    if dialect == "sqlite":
        each = sa.func.json_each(ReviewState.labels).table_valued("value")
        return sa.exists(sa.select(sa.literal(1)).select_from(each).where(each.c.value == label))
    if dialect == "postgresql":
        return sa.cast(ReviewState.labels, JSONB).op("@>")(sa.func.jsonb_build_array(sa.cast(sa.literal(label), sa.Text)))
    raise InputError(f"filtering by label is not available on the {dialect} database")


def review_condition(dialect: str, kind: str, key: ColumnElement[Any], wanted: ReviewFilter) -> ColumnElement[bool] | None:
    """A condition on ``key`` (the leads' own column: a document's primary key, a network id) keeping
    the leads ``wanted`` names, as one semi-join on the review table (``None``: no filter).

    Never-reviewed leads have no row; when ``new`` is among the states and nothing else is asked,
    the condition keeps every lead but those reviewed into another state (``NOT IN``), so they are found
    without listing every lead. The target is cast in the subquery's result, after its ``WHERE`` has
    kept only targets of ``kind``, so PostgreSQL never casts an identifier key to a number.
    """
    if not wanted:
        return None
    target = sa.cast(ReviewState.target, key.type) if not isinstance(key.type, sa.String) else ReviewState.target
    rows = sa.select(target).where(ReviewState.kind == kind)
    if wanted.assignee is None and wanted.label is None and NEW in wanted.states:
        others = [s for s in REVIEW_STATES if s not in wanted.states]
        return key.not_in(rows.where(ReviewState.state.in_(others))) if others else sa.true()
    if wanted.states:
        rows = rows.where(ReviewState.state.in_(wanted.states))
    if wanted.assignee is not None:
        rows = rows.where(ReviewState.assignee == wanted.assignee)
    if wanted.label is not None:
        rows = rows.where(has_label(dialect, wanted.label))
    return key.in_(rows)


def last_review_join(kind: str, key: ColumnElement[Any]) -> tuple[type[ReviewState], ColumnElement[bool]]:
    """The review table and the ``ON`` clause that outer-joins each lead to its review (at most one row,
    by the unique ``(kind, target)``), for sorting by :attr:`ReviewState.updated_at`."""
    as_text = key if isinstance(key.type, sa.String) else sa.cast(key, sa.String)
    return ReviewState, sa.and_(ReviewState.kind == kind, ReviewState.target == as_text)


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.isoformat()


def review_json(kind: str, target: str, review: ReviewState | None, notes: Sequence[ReviewNote] = ()) -> dict[str, Any]:
    """A lead's review as the API and ``vigil review show --json`` print it."""
    return {
        "kind": kind,
        "target": target,
        "state": review.state if review else "new",
        "reason": review.reason if review else None,
        "assignee": review.assignee if review else None,
        "labels": list(review.labels or []) if review else [],
        "updated_by": review.updated_by if review else None,
        "updated_at": _time(review.updated_at) if review else None,
        "notes": [{"author": n.author, "at": _time(n.created_at), "text": n.body} for n in notes],
    }


__all__ = ["DOCUMENT", "IDENTIFIER", "NETWORK", "AuditHook", "ReviewChange", "ReviewFilter", "review_condition", "set_review", "set_reviews"]

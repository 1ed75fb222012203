"""The append-only, hash-chained audit log.

Each entry stores who (actor), what (action on a target), when, from where (client address)
and the hash of the entry before it; its own hash is SHA-256 over the canonical JSON of all
of that. Editing an entry breaks its hash; removing one breaks the next entry's link; cutting
the tail disagrees with the head row, which also serialises writers so the chain never forks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from fastapi import Request
from sqlalchemy.orm import Session

from vigil.store import Store
from vigil.web.models import AuditEntry, AuditHead
from vigil.web.permissions import Principal

GENESIS_HASH = "0" * 64
LOG_TABLE = cast(sa.Table, AuditEntry.__table__)
HEAD_TABLE = cast(sa.Table, AuditHead.__table__)
HEAD_ID = 1
VERIFY_BATCH = 2000


@dataclass(frozen=True)
class Actor:
    """Who did something, when it was not a web request (the command line, the system itself)."""

    actor_type: str
    user_id: int | None
    name: str
    role: str


SYSTEM = Actor("system", None, "system", "system")


def _timestamp(value: datetime) -> str:
    # SQLite hands back naive datetimes; every stored time is UTC.
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_payload(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": _timestamp(entry.at),
        "actor_type": entry.actor_type,
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "actor_role": entry.actor_role,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "ip": entry.ip,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }


def compute_hash(entry: AuditEntry) -> str:
    canonical = json.dumps(entry_payload(entry), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def client_ip(request: Request | None) -> str | None:
    if request is None or request.client is None:
        return None
    return request.client.host


def _actor_of(principal: Principal | Actor) -> Actor:
    if isinstance(principal, Actor):
        return principal
    name = principal.name if principal.via == "session" else f"{principal.name} (key {principal.api_key_id})"
    return Actor(principal.actor_type, principal.user_id, name, str(principal.role))


def record(
    session: Session,
    principal: Principal | Actor,
    action: str,
    target_type: str,
    target_id: str | int | None,
    request: Request | None = None,
    details: dict[str, Any] | None = None,
    *,
    ip: str | None = None,
) -> AuditEntry:
    """Append one entry in ``session``'s transaction; it becomes part of the chain when that commits.

    ``action`` is a short verb phrase such as ``document.view`` or ``user.create``. Details
    must be plain JSON (strings, integers, booleans, lists, objects). The client address
    comes from ``request``, or from ``ip`` where the caller has no request at hand.
    """
    # Taking the head row first locks it (row lock on PostgreSQL, write lock on SQLite):
    # concurrent writers queue here instead of both chaining onto the same predecessor.
    # Core statements rather than the unit of work: this runs on every page view.
    head = session.execute(
        sa.update(HEAD_TABLE)
        .where(HEAD_TABLE.c.id == HEAD_ID)
        .values(seq=HEAD_TABLE.c.seq + 1)
        .returning(HEAD_TABLE.c.seq, HEAD_TABLE.c.last_hash)
    ).one()
    actor = _actor_of(principal)
    address = client_ip(request) or ip
    entry = AuditEntry(
        seq=head.seq,
        at=datetime.now(UTC),
        actor_type=actor.actor_type,
        actor_id=actor.user_id,
        actor_name=actor.name[:100],
        actor_role=actor.role,
        action=action[:64],
        target_type=target_type[:64],
        target_id=None if target_id is None else str(target_id)[:512],
        ip=address[:64] if address else None,
        details=json.loads(json.dumps(details or {}, ensure_ascii=False)),
        prev_hash=head.last_hash,
    )
    entry.entry_hash = compute_hash(entry)
    session.execute(sa.insert(LOG_TABLE).values({column.name: getattr(entry, column.name) for column in LOG_TABLE.c}))
    session.execute(sa.update(HEAD_TABLE).where(HEAD_TABLE.c.id == HEAD_ID).values(last_hash=entry.entry_hash))
    return entry


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of :func:`verify`: ``ok``, how many entries were checked, and the first break."""

    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "broken_seq": self.broken_seq,
            "reason": self.reason,
        }


def iter_entries(session: Session, after: int = 0) -> Iterator[AuditEntry]:
    """Every entry after entry number ``after``, oldest first, read in batches."""
    last = after
    while True:
        batch = (
            session.execute(sa.select(AuditEntry).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(VERIFY_BATCH))
            .scalars()
            .all()
        )
        if not batch:
            return
        yield from batch
        last = batch[-1].seq
        session.expunge_all()


def verify(store: Store) -> VerifyResult:
    """Walk the whole chain; name the first entry that was edited, or that follows a removed one."""
    with store.session() as session:
        head = session.execute(sa.select(AuditHead.seq, AuditHead.last_hash).where(AuditHead.id == HEAD_ID)).one()
        expected_prev = GENESIS_HASH
        expected_seq = 1
        checked = 0

        def broken(seq: int, reason: str) -> VerifyResult:
            return VerifyResult(False, checked, head.seq, head.last_hash, seq, reason)

        for entry in iter_entries(session):
            if entry.seq != expected_seq:
                return broken(expected_seq, f"entry {expected_seq} is missing (next present is {entry.seq})")
            if entry.prev_hash != expected_prev:
                return broken(entry.seq, "its previous-hash link does not match the entry before it")
            if compute_hash(entry) != entry.entry_hash:
                return broken(entry.seq, "its content does not match its hash (edited)")
            expected_prev = entry.entry_hash
            expected_seq += 1
            checked += 1
        last_seq = expected_seq - 1
        if last_seq != head.seq or expected_prev != head.last_hash:
            return broken(last_seq + 1, f"the log ends at entry {last_seq} but the head names entry {head.seq}")
        return VerifyResult(True, checked, head.seq, head.last_hash)


def page(session: Session, *, before: int | None = None, limit: int = 50, action: str | None = None) -> Sequence[AuditEntry]:
    """Newest entries first, ``limit`` at a time; ``before`` is the ``seq`` to continue below."""
    query = sa.select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if before is not None:
        query = query.where(AuditEntry.seq < before)
    if action:
        query = query.where(AuditEntry.action == action)
    return session.execute(query).scalars().all()


def entry_json(entry: AuditEntry) -> dict[str, Any]:
    return {**entry_payload(entry), "entry_hash": entry.entry_hash}

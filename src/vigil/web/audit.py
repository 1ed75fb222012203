"""The append-only, hash-chained audit log.

Each entry stores who (actor), what (action on a target), when, from where (client address)
and the hash of the entry before it; its own hash is SHA-256 over the canonical JSON of all
of that. Editing an entry breaks its hash; removing one breaks the next entry's link; cutting
the tail disagrees with the head row, which also serialises writers so the chain never forks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
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


def change_recorder(
    principal: Principal | Actor, target_type: str, request: Request | None = None
) -> Callable[[Session, str, int, dict[str, Any]], None]:
    """A function recording ``(session, action, target id, details)`` as done by ``principal``.

    Feature packages take one of these instead of importing the web app, so their writes
    are audited in the same transaction as the change.
    """

    def recorder(session: Session, action: str, target_id: int, details: dict[str, Any]) -> None:
        record(session, principal, action, target_type, target_id, request, details)

    return recorder


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of :func:`verify`: ``ok``, how many entries were checked, and the first fault.

    ``broken_seq`` names the first bad entry; it is None when the chain is whole but the
    database no longer guards the log (``missing_triggers``).
    """

    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    reason: str | None = None
    missing_triggers: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "broken_seq": self.broken_seq,
            "reason": self.reason,
            "missing_triggers": list(self.missing_triggers),
        }


#: Stored values the driver or SQLAlchemy cannot turn back into an entry (a date or JSON
#: edited to garbage, a NULL where a value belongs) raise one of these while loading.
UNREADABLE = (ValueError, TypeError, AttributeError, LookupError, sa.exc.StatementError)


class UnreadableEntry(Exception):
    """An audit row whose stored values cannot be loaded; ``seq`` names it."""

    def __init__(self, seq: int, problem: str) -> None:
        super().__init__(problem)
        self.seq = seq
        self.problem = problem


def _load(session: Session, seqs: Sequence[int]) -> Iterator[AuditEntry]:
    try:
        found = session.execute(sa.select(AuditEntry).where(AuditEntry.seq.in_(seqs)).order_by(AuditEntry.seq))
        batch = list(found.scalars().all())
    except UNREADABLE as exc:
        session.rollback()
        if len(seqs) == 1:
            raise UnreadableEntry(seqs[0], type(exc).__name__) from exc
        # One of the batch is unreadable: go one by one, so those before it are still checked.
        for seq in seqs:
            yield from _load(session, [seq])
        return
    yield from batch


def iter_entries(session: Session, after: int = 0) -> Iterator[AuditEntry]:
    """Every entry after entry number ``after``, oldest first, read in batches.

    Raises :class:`UnreadableEntry` at the first row whose stored values cannot be loaded.
    """
    last = after
    while True:
        # Entry numbers first: an integer key always loads, so a bad row can be named.
        seqs = session.execute(
            sa.select(AuditEntry.seq).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(VERIFY_BATCH)
        ).scalars().all()
        if not seqs:
            return
        yield from _load(session, seqs)
        last = seqs[-1]
        session.expunge_all()


#: The database triggers that refuse UPDATE and DELETE on the log (migration web_0001).
SQLITE_GUARDS: dict[str, str] = {"audit_log_no_update": "UPDATE", "audit_log_no_delete": "DELETE"}
POSTGRES_GUARD = "audit_log_no_change"
# tgtype bits of a PostgreSQL trigger: 8 fires on DELETE, 16 on UPDATE.
PG_DELETE_AND_UPDATE = 8 | 16


def missing_triggers(session: Session) -> list[str]:
    """The append-only guards of the log that are absent, disabled or no longer refuse changes.

    A database other than SQLite or PostgreSQL cannot be checked and is reported as missing
    its guard rather than passed silently.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        rows = session.execute(
            sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
        ).tuples()
        present = {name: sql or "" for name, sql in rows}
        return [
            name
            for name, event in SQLITE_GUARDS.items()
            if not (
                f"BEFORE {event} ON AUDIT_LOG" in " ".join(present.get(name, "").upper().split())
                and "RAISE(ABORT" in present.get(name, "").upper().replace(" ", "")
            )
        ]
    if dialect == "postgresql":
        guarded = session.execute(
            sa.text(
                "SELECT count(*) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
                "WHERE t.tgrelid = to_regclass('audit_log') AND t.tgname = :name AND NOT t.tgisinternal "
                "AND t.tgenabled <> 'D' AND (t.tgtype & :events) = :events AND p.prosrc ILIKE '%raise exception%'"
            ),
            {"name": POSTGRES_GUARD, "events": PG_DELETE_AND_UPDATE},
        ).scalar_one()
        return [] if guarded else [POSTGRES_GUARD]
    return [f"append-only trigger (cannot check on {dialect})"]


def verify(store: Store) -> VerifyResult:
    """Walk the whole chain; name the first entry that was edited, is unreadable, or follows a
    removed one; then check that the database still refuses changes to the log."""
    with store.session() as session:
        head_row = session.execute(sa.select(HEAD_TABLE.c.seq, HEAD_TABLE.c.last_hash).where(HEAD_TABLE.c.id == HEAD_ID)).first()
        head_seq, head_hash = (head_row.seq, head_row.last_hash) if head_row else (0, "")
        expected_prev = GENESIS_HASH
        expected_seq = 1
        checked = 0

        def broken(seq: int, reason: str) -> VerifyResult:
            return VerifyResult(False, checked, head_seq or 0, str(head_hash or ""), seq, reason)

        if head_row is None or not isinstance(head_seq, int) or not isinstance(head_hash, str):
            return broken(1, "the head row naming the newest entry is missing or unreadable")
        try:
            for entry in iter_entries(session):
                if entry.seq != expected_seq:
                    return broken(expected_seq, f"entry {expected_seq} is missing (next present is {entry.seq})")
                if entry.prev_hash != expected_prev:
                    return broken(entry.seq, "its previous-hash link does not match the entry before it")
                try:
                    content_hash = compute_hash(entry)
                except UNREADABLE:
                    return broken(entry.seq, "its stored values cannot be read (corrupted)")
                if content_hash != entry.entry_hash:
                    return broken(entry.seq, "its content does not match its hash (edited)")
                expected_prev = entry.entry_hash
                expected_seq += 1
                checked += 1
        except UnreadableEntry as unreadable:
            if unreadable.seq != expected_seq:
                return broken(expected_seq, f"entry {expected_seq} is missing (next present is {unreadable.seq})")
            return broken(unreadable.seq, f"its stored values cannot be read (corrupted: {unreadable.problem})")
        last_seq = expected_seq - 1
        if last_seq != head_seq or expected_prev != head_hash:
            return broken(last_seq + 1, f"the log ends at entry {last_seq} but the head names entry {head_seq}")
        missing = tuple(missing_triggers(session))
        if missing:
            reason = f"the database no longer refuses changes to the log: {', '.join(missing)} missing or disabled"
            return VerifyResult(False, checked, head_seq, head_hash, None, reason, missing)
        return VerifyResult(True, checked, head_seq, head_hash)


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

"""Cases: documents, networks, identifiers and notes grouped under an owner, members and an HTCDS status.

A case's documents are the ones added to it, the stored ads of its networks, and the stored
ads carrying its identifiers. Its timeline merges the ads' dates with the analysts' actions;
its evidence list names each stored item by the SHA-256 of its canonical JSON (and of the
raw capture, when one is stored), so a case file can be checked against the store.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.casework.models import (
    CASE_STATUSES,
    DOCUMENT,
    IDENTIFIER,
    LEAD_KINDS,
    NETWORK,
    NOTE,
    Case,
    CaseEvent,
    CaseItem,
)
from vigil.casework.reviews import MAX_NOTE_CHARS, AuditHook, check_user, lead_target
from vigil.errors import InputError, NotFoundError, PermissionDenied
from vigil.identifiers.models import DocumentIdentifier
from vigil.link.models import LinkDocument
from vigil.store.analyses import row_to_document
from vigil.store.models import DocumentRow

MAX_TITLE_CHARS: Final = 300
#: Documents one case file holds at most (a network can be large; the report must still print).
MAX_CASE_DOCUMENTS: Final = 2000
MAX_MEMBERS: Final = 50


def canonical_json(value: Any) -> bytes:
    """The one byte form hashed and exported: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _event(session: Session, case: Case, actor: str, action: str, details: dict[str, Any], audit: AuditHook) -> None:
    session.add(CaseEvent(case_id=case.id, actor=actor, action=action, details=details, at=_now()))
    case.updated_at = _now()
    session.flush()
    audit(session, f"case.{action}", "case", str(case.id), details)


def create_case(session: Session, title: str, owner: str, audit: AuditHook, members: Sequence[str] = ()) -> Case:
    """A new ``Active`` case owned by ``owner``; audited."""
    text = " ".join(title.split())
    if not text or len(text) > MAX_TITLE_CHARS:
        raise InputError(f"a case title has 1 to {MAX_TITLE_CHARS} characters")
    owner = check_user(owner, "owner")
    case = Case(title=text, owner=owner, members=_members(members, owner), status="Active", created_at=_now(), updated_at=_now())
    session.add(case)
    session.flush()
    _event(session, case, owner, "create", {"title": text[:200]}, audit)
    return case


def _members(names: Sequence[str], owner: str) -> list[str]:
    out = [n for n in dict.fromkeys(check_user(name, "member") for name in names) if n != owner]
    if len(out) > MAX_MEMBERS:
        raise InputError(f"a case has at most {MAX_MEMBERS} members")
    return out


def get_case(session: Session, case_id: int, viewer: str | None = None) -> Case:
    """The case ``case_id``; with ``viewer``, only when they own it or are a member (else it is not found)."""
    case = session.get(Case, case_id)
    if case is None or (viewer is not None and not is_member(case, viewer)):
        raise NotFoundError(f"no case {case_id}")
    return case


def is_member(case: Case, name: str) -> bool:
    return name == case.owner or name in (case.members or [])


def list_cases(session: Session, viewer: str | None = None, status: str | None = None) -> list[Case]:
    """Cases, most recently changed first (``viewer``'s own and shared ones, when given)."""
    query = sa.select(Case).order_by(Case.updated_at.desc(), Case.id.desc())
    if status is not None:
        if status not in CASE_STATUSES:
            raise InputError(f"a case status is one of {', '.join(CASE_STATUSES)}")
        query = query.where(Case.status == status)
    cases = list(session.scalars(query))
    return [c for c in cases if viewer is None or is_member(c, viewer)]


def add_item(session: Session, case: Case, kind: str, value: str, actor: str, audit: AuditHook) -> CaseItem:
    """Add a document, network or identifier (as the analyst names it) to ``case``; adding one twice keeps one."""
    if kind not in LEAD_KINDS:
        raise InputError(f"a case holds {', '.join(LEAD_KINDS)} and notes")
    target = lead_target(session, kind, value)
    existing = session.scalars(
        sa.select(CaseItem).where(CaseItem.case_id == case.id, CaseItem.kind == kind, CaseItem.target == target)
    ).first()
    if existing is not None:
        return existing
    label = target
    if kind == DOCUMENT:
        label = session.get(DocumentRow, int(target)).doc_id[:600]  # type: ignore[union-attr]  # lead_target checked it
    item = CaseItem(case_id=case.id, kind=kind, target=target, label=label, added_by=actor, added_at=_now())
    session.add(item)
    session.flush()
    _event(session, case, actor, "add", {"kind": kind, "target": target[:200]}, audit)
    return item


def add_note(session: Session, case: Case, text: str, actor: str, audit: AuditHook) -> CaseItem:
    body = text.strip()
    if not body or len(body) > MAX_NOTE_CHARS:
        raise InputError(f"a note has 1 to {MAX_NOTE_CHARS} characters")
    item = CaseItem(case_id=case.id, kind=NOTE, target="", label="", body=body, added_by=actor, added_at=_now())
    session.add(item)
    session.flush()
    item.target = str(item.id)
    _event(session, case, actor, "note", {"note_chars": len(body)}, audit)
    return item


def remove_item(session: Session, case: Case, item_id: int, actor: str, audit: AuditHook) -> None:
    item = session.get(CaseItem, item_id)
    if item is None or item.case_id != case.id:
        raise NotFoundError(f"no item {item_id} in case {case.id}")
    details = {"kind": item.kind, "target": item.target[:200]}
    session.delete(item)
    _event(session, case, actor, "remove", details, audit)


def update_case(
    session: Session,
    case: Case,
    actor: str,
    audit: AuditHook,
    *,
    status: str | None = None,
    title: str | None = None,
    owner: str | None = None,
    members: Sequence[str] | None = None,
) -> Case:
    """Change a case's status, title, owner or members; only what is given changes. Audited."""
    details: dict[str, Any] = {}
    if status is not None and status != case.status:
        if status not in CASE_STATUSES:
            raise InputError(f"a case status is one of {', '.join(CASE_STATUSES)}")
        details["status"] = [case.status, status]
        case.status = status
    if title is not None:
        text = " ".join(title.split())
        if not text or len(text) > MAX_TITLE_CHARS:
            raise InputError(f"a case title has 1 to {MAX_TITLE_CHARS} characters")
        if text != case.title:
            details["title"] = text[:200]
            case.title = text
    if owner is not None and owner.strip() != case.owner:
        new_owner = check_user(owner, "owner")
        details["owner"] = [case.owner, new_owner]
        case.owner = new_owner
    if members is not None:
        chosen = _members(members, case.owner)
        if chosen != list(case.members or []):
            details["members"] = chosen
            case.members = chosen
    if details:
        _event(session, case, actor, "update", details, audit)
    return case


def require_member(case: Case, name: str, is_admin: bool) -> None:
    """Only the owner, members and admins change a case."""
    if not is_admin and not is_member(case, name):
        raise PermissionDenied("only the case's owner and members may change it")


def items_of(session: Session, case_id: int) -> list[CaseItem]:
    return list(session.scalars(sa.select(CaseItem).where(CaseItem.case_id == case_id).order_by(CaseItem.id)))


def events_of(session: Session, case_id: int) -> list[CaseEvent]:
    return list(session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.at, CaseEvent.id)))


def _identifier_condition(key: str) -> sa.ColumnElement[bool]:
    kind, _, written = key.partition(":")
    values = [v for v in written.split(" | ") if v]
    return sa.and_(
        DocumentIdentifier.kind == kind,
        sa.or_(DocumentIdentifier.value.in_(values), DocumentIdentifier.bare.in_(values)),
    )


def linked_to_document() -> sa.ColumnElement[bool]:
    """How a link entry names its stored document: by key when linking recorded it, else by document id."""
    return sa.or_(
        LinkDocument.document_pk == DocumentRow.pk,
        sa.and_(LinkDocument.document_pk.is_(None), LinkDocument.doc_id == DocumentRow.doc_id),
    )


@dataclass(frozen=True)
class CaseDocument:
    """A stored document of a case and why it is in it (``via``: ``document``, ``network:<id>``, ``identifier:<key>``)."""

    pk: int
    via: tuple[str, ...]


def case_documents(session: Session, items: Sequence[CaseItem]) -> list[CaseDocument]:
    """The stored documents of a case, oldest post first, at most :data:`MAX_CASE_DOCUMENTS`."""
    via: dict[int, list[str]] = {}

    def note(pks: Sequence[int], reason: str) -> None:
        for pk in pks:
            via.setdefault(pk, [])
            if reason not in via[pk]:
                via[pk].append(reason)

    for item in items:
        if item.kind == DOCUMENT:
            note([int(item.target)], DOCUMENT)
        elif item.kind == NETWORK:
            found = session.scalars(
                sa.select(DocumentRow.pk).join(LinkDocument, linked_to_document()).where(LinkDocument.cluster == item.target)
                .distinct().limit(MAX_CASE_DOCUMENTS)
            ).all()
            note(list(found), f"{NETWORK}:{item.target}")
        elif item.kind == IDENTIFIER:
            found = session.scalars(
                sa.select(DocumentIdentifier.document_pk).where(_identifier_condition(item.target)).distinct().limit(MAX_CASE_DOCUMENTS)
            ).all()
            note(list(found), f"{IDENTIFIER}:{item.target}")
    if not via:
        return []
    dated = session.execute(
        sa.select(DocumentRow.pk, DocumentRow.posted_at).where(DocumentRow.pk.in_(list(via)))
    ).tuples().all()
    far = datetime.max.replace(tzinfo=UTC)
    order = sorted(dated, key=lambda r: (_aware(r[1]) or far, r[0]))
    return [CaseDocument(pk, tuple(via[pk])) for pk, _ in order[:MAX_CASE_DOCUMENTS]]


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def document_record(row: DocumentRow) -> dict[str, Any]:
    """A stored document in the contract's shape: what the evidence list hashes."""
    return row_to_document(row).to_json()


def evidence_list(session: Session, documents: Sequence[CaseDocument]) -> list[dict[str, Any]]:
    """Each stored item of the case with its SHA-256: the document's canonical JSON and its raw capture, if stored."""
    out: list[dict[str, Any]] = []
    for doc in documents:
        row = session.get(DocumentRow, doc.pk)
        if row is None:
            continue
        out.append({"item": "document", "pk": row.pk, "id": row.doc_id, "sha256": sha256_of(canonical_json(document_record(row)))})
        if row.evidence_sha256:
            out.append({"item": "capture", "pk": row.pk, "id": row.doc_id, "sha256": row.evidence_sha256})
    return out


def timeline(session: Session, case: Case, documents: Sequence[CaseDocument]) -> list[dict[str, Any]]:
    """The ads' posting dates and the analysts' actions, in time order."""
    entries: list[tuple[datetime, int, dict[str, Any]]] = []
    if documents:
        rows = session.execute(
            sa.select(DocumentRow.pk, DocumentRow.doc_id, DocumentRow.posted_at, DocumentRow.location, DocumentRow.platform)
            .where(DocumentRow.pk.in_([d.pk for d in documents]))
        ).all()
        for row in rows:
            at = _aware(row.posted_at)
            if at is not None:
                entries.append((at, 0, {"at": at.isoformat(), "type": "ad", "pk": row.pk, "id": row.doc_id,
                                        "location": row.location, "platform": row.platform}))
    for event in events_of(session, case.id):
        at = _aware(event.at) or _now()
        entries.append((at, 1, {"at": at.isoformat(), "type": "action", "actor": event.actor, "action": event.action,
                                "details": dict(event.details or {})}))
    return [entry for _, _, entry in sorted(entries, key=lambda e: (e[0], e[1]))]


def case_json(case: Case, items: Sequence[CaseItem] = (), with_items: bool = False) -> dict[str, Any]:
    """A case as the API and ``vigil cases list|show --json`` print it."""
    out: dict[str, Any] = {
        "id": case.id,
        "title": case.title,
        "owner": case.owner,
        "members": list(case.members or []),
        "status": case.status,
        "created_at": (_aware(case.created_at) or _now()).isoformat(),
        "updated_at": (_aware(case.updated_at) or _now()).isoformat(),
    }
    if with_items:
        out["items"] = [
            {"id": i.id, "kind": i.kind, "target": i.target, "label": i.label, "text": i.body, "added_by": i.added_by,
             "added_at": (_aware(i.added_at) or _now()).isoformat()}
            for i in items
        ]
    return out

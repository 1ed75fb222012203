"""Adding, listing and removing watches, each value normalized the way matching will see it.

An identifier is read by the same entity extraction as an ad, so ``+48 501 234 000`` and
``+48501234000`` are one watch on ``phone:+48501234000``. A template watch keeps the watched
document's MinHash signature; a search watch keeps its filters. These functions work in
the caller's session, so the caller writes its audit entry in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.documents import Document
from vigil.errors import InputError, NotFoundError
from vigil.link.features import IDENTIFIER_KINDS, identifier_keys, identifier_kind
from vigil.link.models import LinkCluster, LinkDocument
from vigil.search import MAX_QUERY_CHARS, SearchQuery
from vigil.store.models import DocumentRow
from vigil.watch.models import IDENTIFIER, NETWORK, SEARCH, TEMPLATE, WATCH_KINDS, Watch
from vigil.webhooks import check_webhook_url

#: Search form fields a saved search keeps (dates and paging do not apply to new documents).
SEARCH_FIELDS: Final = ("q", "platform", "kind", "lang", "indicator", "risk")
MAX_VALUE_CHARS: Final = 500
#: Identifier kinds a watch may follow: contacts and addresses (image hashes are not typed in).
WATCHABLE_IDENTIFIERS: Final = tuple(k for k in IDENTIFIER_KINDS if k != "image")


def identifier_key(value: str) -> str:
    """The identifier key of a phone, e-mail, handle or URL as an analyst writes it.

    Raises :class:`InputError` when the value holds none; when it holds several (``t.me/name``
    is a handle and a URL), the first kind in :data:`IDENTIFIER_KINDS` order wins.
    """
    from vigil.link.prepare import PipelineEntities

    text = value.strip()
    if not text or len(text) > MAX_VALUE_CHARS:
        raise InputError(f"an identifier has 1 to {MAX_VALUE_CHARS} characters")
    extracted = PipelineEntities()(Document(id="watch", text=text))
    keys = [k for k in identifier_keys(extracted.entities) if identifier_kind(k) in WATCHABLE_IDENTIFIERS]
    if not keys:
        raise InputError(
            "no phone, e-mail, handle or URL found in that value; write phones in international form (+48 ...)"
        )
    return min(keys, key=lambda k: WATCHABLE_IDENTIFIERS.index(identifier_kind(k)))


def search_fields(value: str | Mapping[str, str | None]) -> dict[str, str]:
    """A saved search's fields (words in ``q``, filters by name), checked as the search page checks them."""
    given = {"q": value} if isinstance(value, str) else dict(value)
    unknown = sorted(set(given) - set(SEARCH_FIELDS))
    if unknown:
        raise InputError(f"a saved search takes only {', '.join(SEARCH_FIELDS)} (not {', '.join(unknown)})")
    fields = {k: str(v).strip() for k, v in given.items() if v is not None and str(v).strip()}
    if not fields:
        raise InputError("a saved search needs words or a filter")
    if len(fields.get("q", "")) > MAX_QUERY_CHARS:
        raise InputError(f"a search has at most {MAX_QUERY_CHARS} characters")
    search_query(fields)  # raises InputError when the words or filters are not valid
    return fields


def search_query(fields: Mapping[str, str]) -> SearchQuery:
    return SearchQuery(
        text=fields.get("q", ""),
        platform=fields.get("platform"),
        kind=fields.get("kind"),
        lang=fields.get("lang"),
        indicator=fields.get("indicator"),
        risk_level=fields.get("risk"),
    )


def _search_label(fields: Mapping[str, str]) -> str:
    words = fields.get("q", "")
    filters = " ".join(f"{k}:{v}" for k, v in fields.items() if k != "q")
    return " ".join(p for p in (words, filters) if p)[:600]


def _template_signature(session: Session, doc_id: str) -> bytes:
    stored = sa.select(DocumentRow.pk).where(DocumentRow.doc_id == doc_id)
    row = session.execute(
        sa.select(LinkDocument.signature)
        .where(sa.or_(LinkDocument.doc_id == doc_id, LinkDocument.document_pk.in_(stored)))
        .order_by(LinkDocument.idx)
        .limit(1)
    ).first()
    if row is None:
        raise NotFoundError(f"document {doc_id!r} has not been linked yet; run vigil process first")
    if row.signature is None:
        raise InputError(f"document {doc_id!r} has too little text of its own to define a template")
    return bytes(row.signature)


def new_watch(
    session: Session,
    user_id: int,
    kind: str,
    value: str | Mapping[str, str | None],
    webhook_url: str | None = None,
) -> Watch:
    """Add a watch for ``user_id``; the same watch asked for twice is kept once (and its webhook updated)."""
    if kind not in WATCH_KINDS:
        raise InputError(f"a watch is one of {', '.join(WATCH_KINDS)}")
    hook = check_webhook_url(webhook_url) if webhook_url and webhook_url.strip() else None
    search: dict[str, str] | None = None
    search_key = ""
    signature: bytes | None = None
    if kind == SEARCH:
        search = search_fields(value)
        search_key = json.dumps(search, sort_keys=True, ensure_ascii=False)[:600]
        target = search.get("q", "")[:600]
        label = _search_label(search)
    elif not isinstance(value, str):
        raise InputError(f"a {kind} watch takes one value")
    elif kind == IDENTIFIER:
        target = identifier_key(value)
        label = target
    else:
        target = value.strip()
        if not target or len(target) > MAX_VALUE_CHARS:
            raise InputError(f"a {kind} watch needs a value of 1 to {MAX_VALUE_CHARS} characters")
        label = target
        if kind == NETWORK and session.get(LinkCluster, target) is None:
            raise NotFoundError(f"no network {target!r}")
        if kind == TEMPLATE:
            signature = _template_signature(session, target)
    existing = session.scalars(
        sa.select(Watch).where(
            Watch.user_id == user_id, Watch.kind == kind, Watch.target == target, Watch.search_key == search_key
        )
    ).first()
    if existing is not None:
        existing.webhook_url = hook
        return existing
    watch = Watch(
        user_id=user_id, kind=kind, target=target, label=label, search=search, search_key=search_key,
        signature=signature, webhook_url=hook,
    )
    session.add(watch)
    session.flush()
    return watch


def remove_watch(session: Session, watch_id: int, user_id: int | None = None) -> Watch:
    """Remove a watch (only one of ``user_id``'s, when given); its undelivered webhook notices are cancelled.

    Its notifications stay, so what was seen is not forgotten.
    """
    from vigil.watch.delivery import cancel_deliveries

    watch = session.get(Watch, watch_id)
    if watch is None or (user_id is not None and watch.user_id != user_id):
        raise NotFoundError(f"no watch {watch_id}")
    cancel_deliveries(session, watch.id)
    session.delete(watch)
    session.flush()
    return watch


def list_watches(session: Session, user_id: int | None = None) -> list[Watch]:
    """Watches, oldest first (one analyst's when ``user_id`` is given)."""
    query = sa.select(Watch).order_by(Watch.id)
    if user_id is not None:
        query = query.where(Watch.user_id == user_id)
    return list(session.scalars(query))


def watch_json(watch: Watch, user_name: str | None = None) -> dict[str, Any]:
    """A watch as the API and ``vigil watch list --json`` show it."""
    out: dict[str, Any] = {
        "id": watch.id,
        "kind": watch.kind,
        "target": watch.target,
        "label": watch.label,
        "search": dict(watch.search) if watch.search else None,
        "webhook_url": watch.webhook_url,
        "created_at": watch.created_at.isoformat() if watch.created_at else None,
    }
    if user_name is not None:
        out["user"] = user_name
    return out

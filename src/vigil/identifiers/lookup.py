"""Which stored documents carry an identifier: one index read, joined to source and network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from vigil.identifiers.models import DocumentIdentifier
from vigil.identifiers.query import IdentifierQuery
from vigil.link.models import LinkDocument, linked_entry
from vigil.store.db import Store
from vigil.store.models import AnalysisRow, DocumentRow, Source


@dataclass(frozen=True, slots=True)
class Match:
    """One stored document carrying the identifier looked up."""

    pk: int
    id: str
    source: str
    identifier: str
    kind: str
    cluster: str | None
    posted_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        """The line ``vigil find --json`` prints (DESIGN.md)."""
        return {
            "id": self.id,
            "source": self.source,
            "identifier": self.identifier,
            "cluster": self.cluster,
            "posted_at": self.posted_at.isoformat() if self.posted_at else None,
        }


def _condition(query: IdentifierQuery) -> sa.ColumnElement[bool]:
    if query.value is not None:
        return sa.and_(DocumentIdentifier.kind == query.kind, DocumentIdentifier.value == query.value)
    return sa.and_(DocumentIdentifier.kind == query.kind, DocumentIdentifier.bare.in_(query.bares))


def find_documents(store: Store, query: IdentifierQuery, limit: int | None = None) -> list[Match]:
    """Documents carrying ``query``'s identifier, oldest post first (undated last), one per document."""
    statement = (
        sa.select(
            DocumentIdentifier.document_pk,
            DocumentIdentifier.value,
            DocumentRow.doc_id,
            Source.name,
            DocumentRow.posted_at,
            LinkDocument.cluster,
        )
        .join(DocumentRow, DocumentRow.pk == DocumentIdentifier.document_pk)
        .join(Source, Source.id == DocumentRow.source_id)
        .outerjoin(LinkDocument, linked_entry(DocumentRow.pk, DocumentRow.doc_id))
        .where(_condition(query))
        .order_by(sa.nulls_last(DocumentRow.posted_at.asc()), DocumentRow.doc_id, DocumentRow.pk, DocumentIdentifier.value)
    )
    matches: list[Match] = []
    seen: set[int] = set()
    with store.session() as session:
        for pk, value, doc_id, source, posted_at, cluster in session.execute(statement):
            if pk in seen:
                continue
            seen.add(pk)
            matches.append(Match(pk, doc_id, source, value, query.kind, cluster, posted_at))
            if limit is not None and len(matches) >= limit:
                break
    return matches


def unanalysed_documents(store: Store) -> int:
    """Stored documents without an analysis: the index cannot know their identifiers yet."""
    with store.session() as session:
        count = session.scalar(
            sa.select(sa.func.count())
            .select_from(DocumentRow)
            .where(~sa.exists().where(AnalysisRow.document_pk == DocumentRow.pk))
        )
    return int(count or 0)

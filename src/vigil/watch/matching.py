"""Matching newly analysed and linked documents against every watch, and raising notifications.

- identifier: the document's extracted identifiers (its stored analysis) include the key;
  as extraction turns every written form of a phone into E.164, so does matching.
- network: the document's link cluster is the watched one.
- template: the document's MinHash signature agrees with the watched document's on at least
  ``link_template_threshold`` of its values (the estimate of their Jaccard similarity that
  makes two texts one template when linking). Comparing signatures, rather than following
  the watched document's cluster, also catches a re-used template written with new
  contacts, which linking may keep out of that cluster.
- search: the saved search's words and filters match the document (the search module's own
  matching, restricted to the new documents).

A document raises at most one notification per watch, however often it is processed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.link.config import PERMUTATIONS, LinkConfig
from vigil.link.features import identifier_keys
from vigil.link.minhash import estimated_jaccard
from vigil.link.models import LinkDocument, linked_entry
from vigil.search import matching_documents
from vigil.store import Store
from vigil.store.models import AnalysisRow, DocumentRow, utcnow
from vigil.watch.models import IDENTIFIER, NETWORK, SEARCH, TEMPLATE, Watch, WatchNotification
from vigil.watch.watches import search_query
from vigil.webhooks import PENDING, RetrySchedule

#: Documents read per query.
CHUNK: Final = 500


@dataclass(frozen=True, slots=True)
class _Facts:
    """What matching needs of one new document."""

    pk: int
    doc_id: str
    identifiers: frozenset[str]
    cluster: str | None
    signature: npt.NDArray[np.uint32] | None


def _chunks(values: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _facts(session: Session, pks: Sequence[int]) -> list[_Facts]:
    out: list[_Facts] = []
    for chunk in _chunks(pks):
        rows = session.execute(
            sa.select(DocumentRow.pk, DocumentRow.doc_id, DocumentRow.images, AnalysisRow.result,
                      LinkDocument.cluster, LinkDocument.signature)
            .outerjoin(AnalysisRow, AnalysisRow.document_pk == DocumentRow.pk)
            .outerjoin(LinkDocument, linked_entry(DocumentRow.pk, DocumentRow.doc_id))
            .where(DocumentRow.pk.in_(chunk))
            .order_by(DocumentRow.pk, LinkDocument.document_pk.is_(None))
        ).all()
        seen: set[int] = set()
        for row in rows:
            if row.pk in seen:
                continue
            seen.add(row.pk)
            result = row.result if isinstance(row.result, dict) else {}
            entities = result.get("entities") if isinstance(result.get("entities"), dict) else {}
            images = [str(i) for i in row.images] if isinstance(row.images, list) else []
            blob = row.signature
            signature = np.frombuffer(blob, dtype=np.uint32) if blob is not None and len(blob) == 4 * PERMUTATIONS else None
            out.append(_Facts(row.pk, row.doc_id, frozenset(identifier_keys(entities or {}, images)), row.cluster, signature))
    return out


def _template_matches(watches: Sequence[Watch], facts: Sequence[_Facts], threshold: float) -> Iterator[tuple[Watch, int]]:
    signed = [f for f in facts if f.signature is not None]
    if not signed:
        return
    matrix = np.stack([f.signature for f in signed if f.signature is not None])
    for watch in watches:
        if watch.signature is None or len(watch.signature) != 4 * PERMUTATIONS:
            continue
        watched = np.frombuffer(watch.signature, dtype=np.uint32)
        similarity = estimated_jaccard(matrix, np.broadcast_to(watched, matrix.shape))
        for fact, value in zip(signed, similarity.tolist(), strict=True):
            if value >= threshold and fact.doc_id != watch.target:
                yield watch, fact.pk


def find_matches(store: Store, watches: Sequence[Watch], facts: Sequence[_Facts]) -> set[tuple[int, int]]:
    """``(watch id, document pk)`` for every watch a document matches."""
    found: set[tuple[int, int]] = set()
    by_kind: dict[str, list[Watch]] = defaultdict(list)
    for watch in watches:
        by_kind[watch.kind].append(watch)
    by_identifier: dict[str, list[Watch]] = defaultdict(list)
    for watch in by_kind[IDENTIFIER]:
        by_identifier[watch.target].append(watch)
    by_network: dict[str, list[Watch]] = defaultdict(list)
    for watch in by_kind[NETWORK]:
        by_network[watch.target].append(watch)
    for fact in facts:
        for key in fact.identifiers:
            found.update((w.id, fact.pk) for w in by_identifier.get(key, ()))
        if fact.cluster is not None:
            found.update((w.id, fact.pk) for w in by_network.get(fact.cluster, ()))
    threshold = LinkConfig.from_settings(store.settings).template_threshold
    found.update((w.id, pk) for w, pk in _template_matches(by_kind[TEMPLATE], facts, threshold))
    pks = [f.pk for f in facts]
    for watch in by_kind[SEARCH]:
        if watch.search:
            found.update((watch.id, pk) for pk in matching_documents(store, search_query(watch.search), pks))
    return found


def match_new_documents(store: Store, document_pks: Sequence[int]) -> int:
    """Raise a notification for each watch each of these (newly analysed and linked) documents matches.

    Returns how many notifications were raised; a document already notified for a watch is not
    notified again.
    """
    pks = sorted(set(document_pks))
    if not pks:
        return 0
    with store.session() as session:
        watches = list(session.scalars(sa.select(Watch).order_by(Watch.id)))
        if not watches:
            return 0
        facts = _facts(session, pks)
    matches = find_matches(store, watches, facts)
    if not matches:
        return 0
    schedule = RetrySchedule.from_settings(store.settings)
    by_id = {w.id: w for w in watches}
    raised = 0
    with store.session() as session:
        known: set[tuple[int | None, int]] = set()
        for chunk in _chunks(pks):
            known.update(
                session.execute(
                    sa.select(WatchNotification.watch_id, WatchNotification.document_pk).where(
                        WatchNotification.document_pk.in_(chunk)
                    )
                ).tuples()
            )
        present = set(session.scalars(sa.select(Watch.id).where(Watch.id.in_(list(by_id)))))
        now = utcnow()
        for watch_id, pk in sorted(matches):
            if (watch_id, pk) in known or watch_id not in present:
                continue  # already notified, or the watch was removed meanwhile
            watch = by_id[watch_id]
            session.add(
                WatchNotification(
                    user_id=watch.user_id,
                    watch_id=watch.id,
                    document_pk=pk,
                    watch_kind=watch.kind,
                    watch_label=watch.label,
                    created_at=now,
                    webhook_url=watch.webhook_url,
                    delivery_status=PENDING if watch.webhook_url else None,
                    delivery_attempts=0,
                    expires_at=schedule.expiry(now) if watch.webhook_url else None,
                )
            )
            raised += 1
    return raised

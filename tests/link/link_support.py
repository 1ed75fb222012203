"""Helpers shared by the link tests: features from literal texts and entities."""

from __future__ import annotations

from typing import Any

from vigil.documents import parse_document
from vigil.link.clusters import cluster_ids
from vigil.link.config import LinkConfig
from vigil.link.core import link_documents
from vigil.link.features import LinkFeatures, build_features


def features(doc_id: str, text: str, **entities: Any) -> LinkFeatures:
    record: dict[str, Any] = {"id": doc_id, "text": text}
    for field in ("posted_at", "location", "images"):
        if field in entities:
            record[field] = entities.pop(field)
    return build_features(parse_document(record), entities)


def clusters_of(docs: list[LinkFeatures], config: LinkConfig | None = None) -> dict[str, str | None]:
    result = link_documents(docs, config or LinkConfig())
    return dict(zip((d.id for d in docs), cluster_ids([d.id for d in docs], result.roots), strict=True))

"""Fixtures for watches: a store with accounts, documents analysed and linked as processing does it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from vigil.engine import LocalEngine
from vigil.link.config import LinkConfig
from vigil.link.features import build_features
from vigil.link.state import StoredLinks
from vigil.pipeline import Pipeline, build_pipeline
from vigil.store import Store
from vigil.store.analyses import analyze_store, row_to_document
from vigil.store.models import AnalysisRow, DocumentRow, Source
from vigil.web.models import User
from vigil.web.permissions import Role
from webhook_receiver import receiver

__all__ = ["receiver"]

Ingest = Callable[[Sequence[dict[str, Any]]], list[int]]


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return build_pipeline(None)


def add_user(store: Store, name: str, role: Role = Role.ANALYST) -> int:
    """An account row (the password is never used by these tests)."""
    with store.session() as session:
        user = User(name=name, password_hash="not-a-password", role=role.value, active=True)
        session.add(user)
        session.flush()
        return user.id


@pytest.fixture
def make_user(store: Store) -> Callable[[str], int]:
    """A factory: the id of a new analyst account."""

    def make(name: str) -> int:
        return add_user(store, name)

    return make


def ingest_documents(store: Store, pipeline: Pipeline, documents: Sequence[dict[str, Any]]) -> list[int]:
    """Store, analyse and link ``documents`` (each needs ``id`` and ``text``); returns their primary keys."""
    with store.session() as session:
        source = session.scalars(sa.select(Source).where(Source.name == "synthetic")).first()
        if source is None:
            source = Source(name="synthetic")
            session.add(source)
            session.flush()
        rows = [
            DocumentRow(
                source_id=source.id, doc_id=d["id"], text=d["text"], title=d.get("title"), kind=d.get("kind", "other"),
                platform=d.get("platform"), lang=d.get("lang"), location=d.get("location"),
                posted_at=datetime(2026, 5, 4, tzinfo=UTC), images=[], meta={},
            )
            for d in documents
        ]
        session.add_all(rows)
        session.flush()
        pks = [r.pk for r in rows]
    analyze_store(store, pipeline, LocalEngine(workers=1))
    with store.session() as session:
        stored = session.execute(
            sa.select(DocumentRow, AnalysisRow.result).join(AnalysisRow).where(DocumentRow.pk.in_(pks)).order_by(DocumentRow.pk)
        ).tuples().all()
    features = [build_features(row_to_document(doc), (result or {}).get("entities") or {}) for doc, result in stored]
    StoredLinks(store, LinkConfig.from_settings(store.settings)).add(features, [doc.pk for doc, _ in stored])
    return pks


@pytest.fixture
def ingest(store: Store, pipeline: Pipeline) -> Ingest:
    def run(documents: Sequence[dict[str, Any]]) -> list[int]:
        return ingest_documents(store, pipeline, documents)

    return run


@pytest.fixture
def ingest_into(pipeline: Pipeline) -> Callable[[Store, Sequence[dict[str, Any]]], list[int]]:
    """Like ``ingest``, into a store the test opened itself (the web app's)."""

    def run(target: Store, documents: Sequence[dict[str, Any]]) -> list[int]:
        return ingest_documents(target, pipeline, documents)

    return run

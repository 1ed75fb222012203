"""Fixtures for casework: a store with synthetic ads ingested and processed (analysed, linked) the real way.

The store is built once per session and copied for each test, so every test starts from the
same documents and network without running the pipeline again.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from casework_support import ADS, Corpus
from fastapi import FastAPI

from vigil.ingest import ingest_input
from vigil.link.models import LinkDocument
from vigil.processing import process_store
from vigil.settings import Settings, load_settings
from vigil.store import Store
from vigil.store.models import DocumentRow
from vigil.web import security
from vigil.web.app import create_app


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(security, "PASSWORDS", security.Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)))


@pytest.fixture(scope="session")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Corpus]:
    root = tmp_path_factory.mktemp("casework")
    source = root / "ads.jsonl"
    source.write_text("".join(json.dumps(ad, ensure_ascii=False) + "\n" for ad in ADS), encoding="utf-8")
    settings = load_settings(data_dir=root / "vigil-data", database_url="")
    with Store.open(settings) as store:
        ingest_input(store, source, fmt="jsonl", source="synthetic")
        process_store(store, settings, trends=False)
        with store.session() as session:
            pks = dict(session.execute(sa.select(DocumentRow.doc_id, DocumentRow.pk)).tuples().all())
            network = session.scalars(sa.select(LinkDocument.cluster).where(LinkDocument.doc_id == "ad-1")).one()
    assert network is not None, "the two ads sharing a phone were not linked"
    return root / "vigil-data", Corpus(pks, network)


@pytest.fixture
def corpus(prepared: tuple[Path, Corpus]) -> Corpus:
    return prepared[1]


@pytest.fixture
def data_dir(prepared: tuple[Path, Corpus], tmp_path: Path) -> Path:
    """A private copy of the prepared data directory."""
    target = tmp_path / "vigil-data"
    shutil.copytree(prepared[0], target)
    return target


@pytest.fixture
def case_settings(data_dir: Path) -> Settings:
    return load_settings(data_dir=data_dir, database_url="")


@pytest.fixture
def case_store(case_settings: Settings) -> Iterator[Store]:
    store = Store.open(case_settings)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def case_app(case_settings: Settings, case_store: Store) -> FastAPI:
    return create_app(case_settings, store=case_store)

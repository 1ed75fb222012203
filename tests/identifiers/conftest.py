"""A store holding synthetic ads, ingested with ``vigil ingest``, analysed and linked, copied per test.

Two networks are planted: one UK phone written three ways across three cities (with a
Telegram handle and an e-mail in "at" form), and one Polish phone written with and without
its country code. A decoy carries a phone one digit away.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from fastapi import FastAPI
from identifier_support import ADS, run_vigil
from web_support import TestClient, create_account, login, new_client

from vigil.engine import create_engine
from vigil.link import LinkConfig, build_features
from vigil.link.state import StoredLinks
from vigil.pipeline import build_pipeline
from vigil.settings import Settings, load_settings
from vigil.store import Store
from vigil.store.analyses import analyze_store, row_to_document
from vigil.store.models import AnalysisRow, DocumentRow
from vigil.web import security
from vigil.web.app import create_app
from vigil.web.permissions import Role


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id with small parameters: the same code path, milliseconds per hash."""
    monkeypatch.setattr(security, "PASSWORDS", security.Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)))


def analyse_and_link(settings: Settings) -> None:
    """What ``vigil ingest`` leaves to do: analyse what has no analysis, then link it."""
    with Store.open(settings) as store:
        engine = create_engine(settings, name="local", workers=1)
        try:
            analyze_store(store, build_pipeline(settings), engine)
        finally:
            engine.close()
        with store.session() as session:
            rows = session.execute(
                sa.select(DocumentRow, AnalysisRow.result).join(AnalysisRow, AnalysisRow.document_pk == DocumentRow.pk)
            ).all()
        StoredLinks(store, LinkConfig.from_settings(settings)).add(
            [build_features(row_to_document(doc), result.get("entities", {})) for doc, result in rows]
        )


@pytest.fixture(scope="session")
def loaded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("identifiers")
    ads = root / "ads.jsonl"
    ads.write_text("".join(json.dumps(ad, ensure_ascii=False) + "\n" for ad in ADS), encoding="utf-8")
    data_dir = root / "vigil-data"
    ingested = run_vigil(data_dir, "ingest", str(ads), "--source", "planted")
    assert ingested.returncode == 0, ingested.stderr
    analyse_and_link(load_settings(data_dir=data_dir, database_url=""))
    return data_dir


@pytest.fixture
def loaded_settings(loaded_template: Path, tmp_path: Path) -> Settings:
    """Settings on a private copy of the loaded store."""
    data_dir = tmp_path / "vigil-data"
    shutil.copytree(loaded_template, data_dir)
    return load_settings(data_dir=data_dir, database_url="")


@pytest.fixture
def loaded_app(loaded_settings: Settings) -> Iterator[FastAPI]:
    store = Store.open(loaded_settings)
    try:
        yield create_app(loaded_settings, store=store)
    finally:
        store.close()


@pytest.fixture
def client_as(loaded_app: FastAPI) -> Iterator[Callable[[Role], TestClient]]:
    """A factory: a client logged in as a fresh account of the given role."""
    clients: list[TestClient] = []

    def make(role: Role) -> TestClient:
        account = create_account(loaded_app, role, name=f"{role.value}-{len(clients)}")
        client = new_client(loaded_app)
        assert login(client, account.name, account.password).status_code == 303
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()

"""Two Vigil instances, each its own data directory and store: an NGO (A) and a police unit (B).

Both are ingested and processed the real way once per session and copied for each test. A
holds a case of its network; each side has the organisation records of itself and the other.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from partners_support import ADS_A, ADS_B, Instance

from vigil.ingest import ingest_input
from vigil.processing import process_store
from vigil.settings import load_settings
from vigil.store import Store
from vigil.web import security


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(security, "PASSWORDS", security.Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)))


def _prepare(root: Path, name: str, ads: list[dict[str, Any]]) -> Path:
    source = root / f"{name}.jsonl"
    source.write_text("".join(json.dumps(ad, ensure_ascii=False) + "\n" for ad in ads), encoding="utf-8")
    settings = load_settings(data_dir=root / name, database_url="")
    with Store.open(settings) as store:
        ingest_input(store, source, fmt="jsonl", source=f"{name}-ads")
        process_store(store, settings, trends=False)
    return root / name


@pytest.fixture(scope="session")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("partners")
    return _prepare(root, "ngo-a", ADS_A), _prepare(root, "police-b", ADS_B)


def _copy(source: Path, target: Path) -> Instance:
    shutil.copytree(source, target)
    return Instance(target, load_settings(data_dir=target, database_url=""))


@pytest.fixture
def instance_a(prepared: tuple[Path, Path], tmp_path: Path) -> Instance:
    return _copy(prepared[0], tmp_path / "ngo-a")


@pytest.fixture
def instance_b(prepared: tuple[Path, Path], tmp_path: Path) -> Instance:
    return _copy(prepared[1], tmp_path / "police-b")


@pytest.fixture
def store_a(instance_a: Instance) -> Iterator[Store]:
    with Store.open(instance_a.settings) as store:
        yield store


@pytest.fixture
def store_b(instance_b: Instance) -> Iterator[Store]:
    with Store.open(instance_b.settings) as store:
        yield store

"""Shared fixtures: settings on a temporary data directory, a store per database backend, one Dask cluster.

The ``store`` fixture runs every storage test against SQLite and, when
``VIGIL_TEST_POSTGRES_URL`` is set, against PostgreSQL too. In CI (``CI=true``) the
PostgreSQL URL is required: a PostgreSQL test is never silently skipped there.
"""

from __future__ import annotations

import gc
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa

from vigil.settings import Settings, load_settings
from vigil.store import Store

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

POSTGRES_URL = os.environ.get("VIGIL_TEST_POSTGRES_URL")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def pytest_sessionstart(session: pytest.Session) -> None:
    if IN_CI and not POSTGRES_URL:
        raise pytest.UsageError("CI=true but VIGIL_TEST_POSTGRES_URL is not set: the PostgreSQL half would not run")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``make test`` runs ``pytest -n``), every test of the shared Dask
    cluster goes to one worker process (``--dist loadgroup``), so the run starts one
    cluster, not one per worker."""
    for item in items:
        if {"dask_cluster", "dask_client"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.xdist_group("dask"))


@pytest.fixture
def cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector off for one test that measures CPU time.

    A full collection walks the whole test process's heap (gigabytes late in a run), and a
    budget of a second must not be spent on another test's garbage. Reference counting still
    frees almost everything; the collector runs again after the test.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on a fresh temporary data directory with the SQLite default."""
    return load_settings(data_dir=tmp_path / "vigil-data", database_url="")


def _postgres_database() -> Iterator[str]:
    """A fresh database on the test server, dropped afterwards."""
    assert POSTGRES_URL is not None
    name = f"vigil_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(_with_driver(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(_with_driver(POSTGRES_URL)).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _with_driver(url: str) -> str:
    parsed = sa.engine.make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def backend_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for each database backend (SQLite always; PostgreSQL when configured)."""
    if request.param == "sqlite":
        yield load_settings(data_dir=tmp_path / "vigil-data", database_url="")
        return
    if not POSTGRES_URL:
        pytest.skip("VIGIL_TEST_POSTGRES_URL is not set (local run without PostgreSQL)")
    for url in _postgres_database():
        yield load_settings(data_dir=tmp_path / "vigil-data", database_url=url)


@pytest.fixture
def store(backend_settings: Settings) -> Iterator[Store]:
    """An opened, migrated store on each backend."""
    opened = Store.open(backend_settings)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="session")
def dask_cluster() -> Iterator[LocalCluster]:
    """One real two-worker LocalCluster for every Dask test of the run, closed at its end.

    Starting one costs seconds of the run's two cores; the tests give each run its own data
    directory or store, so sharing the workers changes nothing they check.
    """
    from distributed import LocalCluster

    with LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
    ) as running:
        yield running


@pytest.fixture(scope="session")
def dask_client(dask_cluster: LocalCluster) -> Iterator[Client]:
    """A client of :func:`dask_cluster`."""
    from distributed import Client

    with Client(dask_cluster) as connected:  # type: ignore[no-untyped-call]
        yield connected

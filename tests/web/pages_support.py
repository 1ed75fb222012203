"""A store per database backend shared by a whole test module (the read-only page and search tests)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from vigil.settings import load_settings
from vigil.store import Store

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def backend_store(backend: str, data_dir: Path) -> Iterator[Store]:
    """An opened store on SQLite in ``data_dir`` or on a fresh PostgreSQL database (dropped afterwards)."""
    if backend == "sqlite":
        opened = Store.open(load_settings(data_dir=data_dir, database_url=""))
        try:
            yield opened
        finally:
            opened.close()
        return
    server = os.environ.get("VIGIL_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("VIGIL_TEST_POSTGRES_URL is not set (local run without PostgreSQL)")
    server_url = sa.engine.make_url(server)
    if server_url.drivername == "postgresql":
        server_url = server_url.set(drivername="postgresql+psycopg")
    name = f"vigil_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = server_url.set(database=name).render_as_string(hide_password=False)
    opened = Store.open(load_settings(data_dir=data_dir, database_url=url))
    try:
        yield opened
    finally:
        opened.close()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

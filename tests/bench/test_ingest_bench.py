"""The ingest benchmark's reading of the PostgreSQL server's CPU: only for a server on this machine."""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa

from bench_modules import load_bench


def _bench() -> ModuleType:
    return load_bench("ingest")


@pytest.mark.parametrize(
    ("url", "enabled"),
    [
        ("postgresql+psycopg://vigil@db.example.org:5432/vigil", False),
        ("postgresql+psycopg://vigil@10.1.2.3/vigil", False),
        (None, False),
        ("postgresql+psycopg://vigil@127.0.0.1:5432/vigil", True),
        ("postgresql+psycopg://vigil@localhost/vigil", True),
        ("postgresql+psycopg://vigil@/vigil?host=/var/run/postgresql", True),
    ],
)
def test_only_a_server_on_this_machine_is_read(url: str | None, enabled: bool) -> None:
    server = _bench().ServerCpu(url)
    assert server.enabled == (enabled and Path("/proc").is_dir())
    if not server.enabled:
        with server:
            pass
        assert server.seconds is None


def _local_server() -> tuple[str, Any]:
    """The test server's URL and a :class:`ServerCpu` reading it; skips where there is none on this machine."""
    url = os.environ.get("VIGIL_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("VIGIL_TEST_POSTGRES_URL is not set (local run without PostgreSQL)")
    server = _bench().ServerCpu(url)
    if not server.enabled:
        pytest.skip("the test server is not on this machine")
    return url, server


def test_the_server_cpu_of_a_query_is_counted() -> None:
    url, server = _local_server()
    engine = sa.create_engine(sa.engine.make_url(url).set(drivername="postgresql+psycopg"))
    try:
        with server, engine.connect() as conn:
            conn.execute(sa.text("SELECT count(*) FROM generate_series(1, 3000000)")).scalar_one()
    finally:
        engine.dispose()
    assert server.seconds is not None and server.seconds > 0.05, server.seconds


def test_a_backend_that_exits_inside_the_block_is_counted() -> None:
    """Its CPU is read from its postmaster's waited-for children once it has gone."""
    url, server = _local_server()
    engine = sa.create_engine(sa.engine.make_url(url).set(drivername="postgresql+psycopg"), poolclass=sa.pool.NullPool)
    with server:
        with engine.connect() as conn:
            pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
            conn.execute(sa.text("SELECT count(*) FROM generate_series(1, 3000000)")).scalar_one()
        for _ in range(100):  # the connection is closed: wait for its backend to be gone
            if not Path(f"/proc/{pid}").exists():
                break
            time.sleep(0.02)
        time.sleep(0.1)  # and waited for by the postmaster
    assert not Path(f"/proc/{pid}").exists()
    assert server.seconds is not None and server.seconds > 0.05, server.seconds

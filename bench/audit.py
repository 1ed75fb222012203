"""Audit log cost: appends per second (one transaction per entry, as a page view does) and verification speed.

    .venv/bin/python bench/audit.py [--entries 5000] [--threads 4] [--postgres URL]

Appends run from ``--threads`` threads at once, as concurrent requests would, so the
figure includes the wait on the head row that keeps the chain from forking. Verification
walks the whole chain once. PostgreSQL is measured when ``--postgres`` or
``VIGIL_TEST_POSTGRES_URL`` names a server (a fresh database is created and dropped).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from vigil.settings import load_settings
from vigil.store import Store
from vigil.web.audit import record, verify
from vigil.web.permissions import Principal, Role

VIEWER = Principal(1, "bench", Role.ANALYST, "session", csrf_token="-")


@contextmanager
def postgres_database(url: str) -> Iterator[str]:
    name = f"vigil_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def measure(database_url: str, data_dir: Path, entries: int, threads: int) -> dict[str, float]:
    store = Store.open(load_settings(data_dir=data_dir, database_url=database_url))
    per_thread = entries // threads

    def append(worker: int) -> None:
        for n in range(per_thread):
            with store.session() as session:
                record(session, VIEWER, "document.view", "document", f"{worker}-{n}", details={"n": n})

    started = time.perf_counter()
    pool = [threading.Thread(target=append, args=(w,)) for w in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    append_seconds = time.perf_counter() - started
    started = time.perf_counter()
    result = verify(store)
    verify_seconds = time.perf_counter() - started
    store.close()
    assert result.ok and result.checked == per_thread * threads, result
    return {
        "entries": result.checked,
        "appends_per_s": result.checked / append_seconds,
        "verify_entries_per_s": result.checked / verify_seconds,
        "verify_s": verify_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--postgres", default=os.environ.get("VIGIL_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = {"sqlite": measure("", Path(tmp) / "sqlite", args.entries, args.threads)}
        if args.postgres:
            with postgres_database(args.postgres) as url:
                rows["postgresql"] = measure(url, Path(tmp) / "pg", args.entries, args.threads)
    for backend, row in rows.items():
        print(
            f"{backend:10s} {row['entries']:.0f} entries: {row['appends_per_s']:.0f} appends/s "
            f"({args.threads} threads), verify {row['verify_entries_per_s']:.0f} entries/s ({row['verify_s']:.2f} s)",
            file=sys.stdout,
        )


if __name__ == "__main__":
    main()

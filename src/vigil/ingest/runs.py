"""The life of an ingest run in the store: started, finished or failed, or found abandoned.

A run records the process id and host that run it. A process killed mid-run (power cut,
``kill -9``, out of memory) cannot mark its own run, so the next ingest on the same host, or
``vigil db upgrade``, marks ``running`` runs whose process is gone as ``abandoned``. Runs of
another host are left alone: their process cannot be checked from here.
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from vigil.store.db import Store
from vigil.store.models import IngestRun


def this_host() -> str:
    return socket.gethostname()[:255]


def start_run(store: Store, source_id: int, path: str, fmt: str) -> int:
    """Record a new ``running`` run of this process; returns its id."""
    with store.session() as session:
        run = IngestRun(
            source_id=source_id,
            path=path,
            format=fmt,
            accepted=0,
            rejected=0,
            duplicates=0,
            errors=[],
            status="running",
            pid=os.getpid(),
            host=this_host(),
        )
        session.add(run)
        session.flush()
        return run.id


def end_run(store: Store, run_id: int, status: str, counts: dict[str, Any]) -> None:
    """Close a run as ``finished`` or ``failed`` with its counts (``accepted``, ``rejected``, ...)."""
    with store.session() as session:
        session.execute(
            sa.update(IngestRun)
            .where(IngestRun.id == run_id)
            .values(status=status, finished_at=datetime.now(UTC), **counts)
        )


def process_is_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, but belongs to another user
        return True
    return True


def mark_abandoned_runs(store: Store) -> int:
    """Mark this host's ``running`` runs whose process is gone as ``abandoned``; returns how many."""
    host = this_host()
    with store.session() as session:
        running = session.execute(
            sa.select(IngestRun.id, IngestRun.pid).where(IngestRun.status == "running", IngestRun.host == host)
        ).all()
        gone = [run_id for run_id, pid in running if pid is None or not process_is_alive(pid)]
        if gone:
            session.execute(
                sa.update(IngestRun)
                .where(IngestRun.id.in_(gone), IngestRun.status == "running")
                .values(status="abandoned", finished_at=datetime.now(UTC))
            )
    return len(gone)

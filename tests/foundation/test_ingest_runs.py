"""Ingest runs: concurrent ingests of one source, and runs that finish, fail or are abandoned."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from typer.testing import CliRunner
from warc_support import gzipped, pages

from vigil.cli import app
from vigil.errors import FormatError, InputError
from vigil.ingest import ingest_input, ingest_inputs
from vigil.ingest.runs import mark_abandoned_runs, this_host
from vigil.settings import Settings, load_settings
from vigil.store import Store
from vigil.store.db import alembic_config, create_db_engine
from vigil.store.models import DocumentRow, Evidence, IngestRun, Source

DOCUMENTS = 600


def _write_documents(path: Path, count: int = DOCUMENTS) -> None:
    lines = (json.dumps({"id": f"ad-{i}", "text": f"Praca w Niemczech nr {i}", "lang": "pl"}) for i in range(count))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _ingest_in_a_process(data_dir: str, database_url: str, path: str, start: Any, results: Any) -> None:
    settings = load_settings(data_dir=Path(data_dir), database_url=database_url, ingest_batch_size=25)
    start.wait(timeout=60)
    try:
        with Store.open(settings) as store:
            report = ingest_input(store, Path(path), source="shared-export")
        results.put(("ok", report.accepted, report.duplicates, report.rejected))
    except Exception as exc:  # reported to the test, which fails with it
        results.put(("error", repr(exc), 0, 0))


@pytest.mark.parametrize(("name", "count"), [("export.jsonl", DOCUMENTS), ("crawl.warc.gz", 40)])
def test_two_concurrent_ingests_of_one_source_count_duplicates(
    backend_settings: Settings, tmp_path: Path, name: str, count: int
) -> None:
    path = tmp_path / name
    if name.endswith(".jsonl"):
        _write_documents(path, count)
    else:  # the same captures too: evidence rows are written once
        path.write_bytes(gzipped(pages(count)))
    Store.open(backend_settings).close()  # migrate once, as `vigil db upgrade` would
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    results = context.Queue()
    args = (str(backend_settings.data_dir), backend_settings.database_url, str(path), start, results)
    workers = [context.Process(target=_ingest_in_a_process, args=args) for _ in range(2)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=240) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert [outcome[0] for outcome in outcomes] == ["ok", "ok"], outcomes
    assert sum(outcome[1] for outcome in outcomes) == count
    assert sum(outcome[2] for outcome in outcomes) == count
    assert all(outcome[3] == 0 for outcome in outcomes)
    with Store.open(backend_settings) as store, store.session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(DocumentRow)) == count
        if name.endswith(".warc.gz"):
            assert session.scalar(sa.select(sa.func.count()).select_from(Evidence)) == count
        assert session.scalar(sa.select(sa.func.count()).select_from(Source)) == 1
        runs = session.scalars(sa.select(IngestRun)).all()
    assert sorted(run.status for run in runs) == ["finished", "finished"]
    assert sorted(run.accepted for run in runs) == sorted(outcome[1] for outcome in outcomes)


def test_documents_stored_meanwhile_are_duplicates_not_errors(store: Store, tmp_path: Path) -> None:
    """The batch writer looks up stored ids first; a row stored after that look-up is skipped too."""
    from vigil.store.bulk import insert_documents

    path = tmp_path / "export.jsonl"
    _write_documents(path, 3)
    first = ingest_input(store, path)
    assert first.accepted == 3
    with store.session() as session:
        row = session.scalars(sa.select(DocumentRow).where(DocumentRow.doc_id == "ad-0")).one()
        again = {c: getattr(row, c) for c in DocumentRow.__table__.columns.keys() if c != "pk"}  # noqa: SIM118
        fresh = {**again, "doc_id": "ad-new"}
        assert insert_documents(session, [again, fresh, again]) == 1
    with store.session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(DocumentRow)) == 4


# --- run status ---------------------------------------------------------------------------------


def _runs(store: Store) -> list[IngestRun]:
    with store.session() as session:
        return list(session.scalars(sa.select(IngestRun).order_by(IngestRun.id)))


def test_a_finished_run_records_its_process(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    _write_documents(path, 3)
    ingest_input(store, path)
    (run,) = _runs(store)
    assert (run.status, run.pid, run.host, run.accepted) == ("finished", os.getpid(), this_host(), 3)
    assert run.finished_at is not None


class _Interrupted(KeyboardInterrupt):
    pass


def _stop_at_line_two(line: int) -> None:
    if line == 2:
        raise _Interrupted


@pytest.mark.parametrize(
    ("name", "content", "kwargs", "error", "reason"),
    [
        ("x.warc", b"not a warc\n", {}, FormatError, "FormatError"),
        ("x.csv", b"a,b\n1,2\n", {}, InputError, "needs columns"),
        (
            "x.jsonl",
            b'{"id": "1", "text": "a"}\n{"id": "2", "text": "b"}\n',
            {"on_item": _stop_at_line_two},
            _Interrupted,
            "_Interrupted",
        ),
    ],
)
def test_a_run_that_stops_on_an_error_is_marked_failed(
    store: Store,
    tmp_path: Path,
    name: str,
    content: bytes,
    kwargs: dict[str, Any],
    error: type[BaseException],
    reason: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error):
        ingest_input(store, path, **kwargs)
    (run,) = _runs(store)
    assert run.status == "failed"
    assert run.finished_at is not None
    assert reason in run.errors[-1]["reason"]


def _gone_pid() -> int:
    """The id of a process that has exited (ids are not reused this quickly)."""
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    return int(child.stdout)


def _add_run(store: Store, status: str, pid: int | None, host: str | None) -> int:
    with store.session() as session:
        source = session.scalar(sa.select(Source).where(Source.name == "s"))
        if source is None:
            source = Source(name="s")
            session.add(source)
            session.flush()
        run = IngestRun(source_id=source.id, path="x.jsonl", format="jsonl", status=status, pid=pid, host=host)
        session.add(run)
        session.flush()
        return run.id


def _status_cases() -> list[Any]:
    return [
        pytest.param("running", "gone", "here", "abandoned", id="dead-process-here"),
        pytest.param("running", None, "here", "abandoned", id="no-process-recorded"),
        pytest.param("running", "self", "here", "running", id="this-process"),
        pytest.param("running", "parent", "here", "running", id="live-process"),
        pytest.param("running", "gone", "elsewhere", "running", id="other-host-left-alone"),
        pytest.param("finished", "gone", "here", "finished", id="finished-stays"),
        pytest.param("failed", "gone", "here", "failed", id="failed-stays"),
    ]


def _pid(kind: str | None) -> int | None:
    return {"gone": _gone_pid, "self": os.getpid, "parent": os.getppid}[kind]() if kind else None


@pytest.mark.parametrize(("status", "pid", "host", "expected"), _status_cases())
def test_the_next_ingest_marks_runs_of_dead_processes_abandoned(
    store: Store, tmp_path: Path, status: str, pid: str | None, host: str, expected: str
) -> None:
    run_id = _add_run(store, status, _pid(pid), this_host() if host == "here" else "another-host.example")
    path = tmp_path / "in.jsonl"
    _write_documents(path, 2)
    ingest_inputs(store, [path])
    with store.session() as session:
        run = session.get(IngestRun, run_id)
        assert run is not None
        assert run.status == expected
        assert (run.finished_at is not None) == (expected == "abandoned")


def test_db_upgrade_marks_abandoned_runs(settings: Settings) -> None:
    with Store.open(settings) as store:
        gone = _add_run(store, "running", _gone_pid(), this_host())
        alive = _add_run(store, "running", os.getppid(), this_host())
    result = CliRunner().invoke(app, ["--data-dir", str(settings.data_dir), "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "marked 1 abandoned ingest run" in result.stderr
    with Store.open(settings) as store, store.session() as session:
        assert session.get(IngestRun, gone).status == "abandoned"  # type: ignore[union-attr]
        assert session.get(IngestRun, alive).status == "running"  # type: ignore[union-attr]
        assert mark_abandoned_runs(store) == 0


def test_migration_gives_old_runs_a_status(settings: Settings) -> None:
    engine = create_db_engine(settings.resolved_database_url)
    try:
        command.upgrade(alembic_config(engine), "0001")
        now = datetime.now(UTC)
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO sources (id, name, created_at) VALUES (1, 's', :now)"), {"now": now})
            for finished in (now, None):
                conn.execute(
                    sa.text(
                        "INSERT INTO ingest_runs (source_id, path, format, started_at, finished_at, accepted,"
                        " rejected, duplicates, errors) VALUES (1, 'x', 'jsonl', :now, :finished, 0, 0, 0, '[]')"
                    ),
                    {"now": now, "finished": finished},
                )
        command.upgrade(alembic_config(engine), "heads")
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT status, pid, host FROM ingest_runs ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [("finished", None, None), ("abandoned", None, None)]
    finally:
        engine.dispose()

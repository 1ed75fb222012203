"""The store is the system: ingest analyses and links; ``process`` catches up, resumes, skips failures.

Runs on SQLite and, when configured, PostgreSQL (the ``store`` fixture).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from vigil.documents import Document
from vigil.engine import LocalEngine
from vigil.ingest import ingest_input
from vigil.link.models import LinkDocument
from vigil.pipeline import Pipeline, build_pipeline
from vigil.processing import process_store
from vigil.settings import Settings
from vigil.store import Store
from vigil.store.analyses import analyze_store
from vigil.store.models import AnalysisRow, DocumentRow, ProcessingFailure

NETWORK_PHONE = "+48 501 234 567"


def _ads(prefix: str, count: int = 6) -> list[dict[str, Any]]:
    """A small file: a three-ad network sharing a phone written three ways, and distinct others."""
    forms = [NETWORK_PHONE, "501-234-567", "+48501234567"]
    ads = [
        {"id": f"{prefix}{n}", "text": f"Praca w magazynie, wysokie zarobki. Tel {forms[n]}", "kind": "job_ad",
         "posted_at": f"2026-0{n + 1}-10T10:00:00Z"}
        for n in range(3)
    ]
    ads += [
        {"id": f"{prefix}{n}", "text": f"Sprzedam rower nr {n}, kontakt mailowy jan{n}@example.org", "kind": "classified",
         "posted_at": "2026-02-01T10:00:00Z"}
        for n in range(3, count)
    ]
    return ads


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


class _FailOn:
    """A real pipeline that raises on chosen documents: stands for a bug that one ad triggers."""

    def __init__(self, pipeline: Pipeline, bad: set[str], exc: type[BaseException] = ValueError) -> None:
        self.pipeline = pipeline
        self.bad = bad
        self.exc = exc

    def __call__(self, document: Document | Mapping[str, Any]) -> dict[str, Any]:
        doc_id = document.id if isinstance(document, Document) else document["id"]
        if doc_id in self.bad:
            raise self.exc(f"span 0:9 outside normalized text of length 8 ({doc_id})")
        return self.pipeline(document)


def _unanalysed(store: Store) -> int:
    with store.session() as session:
        return int(
            session.scalar(
                sa.select(sa.func.count())
                .select_from(DocumentRow)
                .where(~sa.exists().where(AnalysisRow.document_pk == DocumentRow.pk))
            )
            or 0
        )


def test_process_analyses_links_and_is_idempotent(store: Store, tmp_path: Path) -> None:
    ingest_input(store, _write(tmp_path / "a.jsonl", _ads("a")), source="a")
    first = process_store(store, store.settings)
    assert (first.analysed, first.failed) == (6, 0)
    assert first.linked == 6
    assert _unanalysed(store) == 0
    with store.session() as session:
        clusters = dict(
            session.execute(sa.select(LinkDocument.doc_id, LinkDocument.cluster).where(LinkDocument.doc_id.in_(["a0", "a1", "a2"])))
            .tuples()
            .all()
        )
    assert len(set(clusters.values())) == 1 and None not in clusters.values(), clusters
    again = process_store(store, store.settings)
    assert (again.analysed, again.linked, again.failed, again.relinked) == (0, 0, 0, False)


def test_same_id_in_two_sources_is_two_documents_in_one_network(store: Store, tmp_path: Path) -> None:
    ingest_input(store, _write(tmp_path / "a.jsonl", _ads("x")), source="a")
    ingest_input(store, _write(tmp_path / "b.jsonl", _ads("x")), source="b")
    report = process_store(store, store.settings)
    assert (report.analysed, report.linked) == (12, 12)
    with store.session() as session:
        rows = session.execute(sa.select(LinkDocument.doc_id, LinkDocument.cluster, LinkDocument.document_pk)).all()
    assert len({r.document_pk for r in rows}) == 12
    network = {r.doc_id for r in rows if r.doc_id in {"x0", "x1", "x2", "b:x0", "b:x1", "b:x2"}}
    assert len(network) == 6
    assert len({r.cluster for r in rows if r.doc_id in network}) == 1


def test_a_failing_document_is_recorded_skipped_and_not_retried(settings: Settings, tmp_path: Path) -> None:
    with Store.open(settings) as store:
        ingest_input(store, _write(tmp_path / "a.jsonl", _ads("f")), source="a")
        engine = LocalEngine(workers=1)
        counts = analyze_store(store, _FailOn(build_pipeline(settings), {"f1", "f4"}), engine, version="v-test")
        assert (counts.analysed, counts.failed) == (4, 2)
        assert sorted(f.error for _, f in counts.failures) == ["ValueError", "ValueError"]
        with store.session() as session:
            failed = session.execute(sa.select(ProcessingFailure.stage, ProcessingFailure.error)).all()
        assert [tuple(r) for r in failed] == [("analyze", "ValueError")] * 2
        # The same version does not retry them; a new version does, and success clears the record.
        retry = analyze_store(store, _FailOn(build_pipeline(settings), {"f1", "f4"}), engine, version="v-test")
        assert (retry.analysed, retry.failed) == (0, 0)
        fixed = analyze_store(store, build_pipeline(settings), engine, version="v-fixed")
        assert (fixed.analysed, fixed.failed) == (6, 0)
        with store.session() as session:
            assert session.scalar(sa.select(sa.func.count()).select_from(ProcessingFailure)) == 0


def test_a_killed_run_resumes_where_it_stopped(settings: Settings, tmp_path: Path) -> None:
    ads = _ads("k", count=30)
    with Store.open(settings) as store:
        ingest_input(store, _write(tmp_path / "k.jsonl", ads), source="k")
        killer = _FailOn(build_pipeline(settings), {"k25"}, KeyboardInterrupt)
        with pytest.raises(KeyboardInterrupt):
            analyze_store(store, killer, LocalEngine(workers=1), partition_size=10, version="v1")
        assert _unanalysed(store) == 10  # two partitions of ten were committed before the kill
        resumed = analyze_store(store, build_pipeline(settings), LocalEngine(workers=1), partition_size=10, version="v1")
        assert resumed.analysed == 10
        assert _unanalysed(store) == 0


def test_a_new_pipeline_version_reanalyses_and_relinks(store: Store, tmp_path: Path) -> None:
    ingest_input(store, _write(tmp_path / "a.jsonl", _ads("v")), source="a")
    process_store(store, store.settings)
    with store.session() as session:
        session.execute(sa.update(AnalysisRow).values(pipeline_version="0.0.1+old"))
    report = process_store(store, store.settings)
    assert (report.analysed, report.relinked, report.linked) == (6, True, 6)
    with store.session() as session:
        versions = set(session.scalars(sa.select(AnalysisRow.pipeline_version)))
        linked = session.scalar(sa.select(sa.func.count()).select_from(LinkDocument))
    assert versions == {report.pipeline_version}
    assert linked == 6


def _vigil(args: list[str], data_dir: Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VIGIL_DATA_DIR": str(data_dir), "VIGIL_DATABASE_URL": ""}
    return subprocess.run(
        [sys.executable, "-m", "vigil.cli", *args], capture_output=True, text=True, env=env, timeout=300, check=False,
        cwd=cwd,
    )


def test_cli_ingest_process_show(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = _write(tmp_path / "ads.jsonl", _ads("c"))
    deferred = _vigil(["ingest", str(path), "--no-analyze", "--json"], data)
    assert deferred.returncode == 0, deferred.stderr
    assert json.loads(deferred.stdout)["processing"] is None
    assert "store: sqlite:///" in deferred.stderr
    processed = _vigil(["process", "--json"], data)
    assert processed.returncode == 0, processed.stderr
    summary = json.loads(processed.stdout)
    assert (summary["analysed"], summary["linked"], summary["failed"]) == (6, 6, 0)
    again = json.loads(_vigil(["process", "--json"], data).stdout)
    assert (again["analysed"], again["linked"]) == (0, 0)
    shown = _vigil(["show", "c0", "--json"], data)
    assert shown.returncode == 0, shown.stderr
    record = json.loads(shown.stdout)
    assert record["document"]["id"] == "c0"
    assert record["analysis"]["entities"]["phones"] == ["+48501234567"]
    assert record["cluster"] is not None
    missing = _vigil(["show", "nope", "--json"], data)
    assert missing.returncode != 0
    assert "no stored document" in missing.stderr

"""No single document stops a batch: in every path, a document whose processing raises is reported and skipped.

The failing step is the real pipeline wrapped so that it raises on chosen documents: it
stands for any bug one ad may trigger (the city-name span crash was one).
"""

from __future__ import annotations

import json
import multiprocessing
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import cloudpickle
import pytest
from typer.testing import CliRunner

from vigil.cli import app
from vigil.documents import Document
from vigil.engine import DaskEngine, LocalEngine
from vigil.failures import RecordFailure, guarded
from vigil.ingest import ingest_input
from vigil.link.prepare import PipelineEntities, Rejected, prepare
from vigil.pipeline import Pipeline, build_pipeline
from vigil.settings import Settings
from vigil.store import Store
from vigil.store.analyses import analyze_store
from vigil.trends.report import collect_records
from vigil.trends.segments import build_segmenter

DOCS = [
    {"id": f"d{n}", "text": f"Praca w magazynie nr {n}, tel 501 234 56{n}", "posted_at": f"2026-03-0{n}T10:00:00Z"}
    for n in range(1, 7)
]
BAD = {"d2", "d5"}


class FailOn:
    """Raises ``ValueError`` for the documents in ``bad``; otherwise ``step(document)``."""

    def __init__(self, step: Any, bad: set[str]) -> None:
        self.step = step
        self.bad = bad

    def __call__(self, document: Document | Mapping[str, Any]) -> Any:
        doc_id = document.id if isinstance(document, Document) else document["id"]
        if doc_id in self.bad:
            raise ValueError(f"span 9:18 outside normalized text of length 17 ({doc_id})")
        return self.step(document)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (ValueError("bad span"), RecordFailure("ValueError", "bad span")),
        (OverflowError("too big"), RecordFailure("OverflowError", "too big")),
        (KeyError("k"), RecordFailure("KeyError", "'k'")),
    ],
)
def test_guarded_turns_an_exception_into_a_failure(exc: Exception, expected: RecordFailure) -> None:
    def boom() -> None:
        raise exc

    assert guarded(boom) == expected
    assert guarded(lambda: 3) == 3


@pytest.mark.parametrize("signal", [KeyboardInterrupt, SystemExit])
def test_guarded_lets_a_stop_through(signal: type[BaseException]) -> None:
    def stop() -> None:
        raise signal

    with pytest.raises(signal):
        guarded(stop)


def test_link_preparation_rejects_the_failing_document_and_keeps_the_rest() -> None:
    items = [(n, json.dumps(d).encode()) for n, d in enumerate(DOCS, start=1)]
    out = list(prepare(items, extractor=FailOn(PipelineEntities(), BAD)))
    rejected = [o for o in out if isinstance(o, Rejected)]
    assert [r.line for r in rejected] == [2, 5]
    assert all(r.reason.startswith("ValueError: span") for r in rejected)
    assert [o.id for o in out if not isinstance(o, Rejected)] == ["d1", "d3", "d4", "d6"]


def test_trend_counting_rejects_the_failing_document_and_counts_the_rest(settings: Settings) -> None:
    collected = collect_records(
        list(enumerate(DOCS, start=1)), build_segmenter(with_places=False), FailOn(build_pipeline(settings), BAD)
    )
    assert collected.read == 6
    assert len(collected.errors) == 2
    assert all("ValueError" in e for e in collected.errors)


@pytest.mark.parametrize(
    "options",
    [
        [],
        pytest.param(
            ["--workers", "2", "--partition-size", "2"],
            marks=pytest.mark.skipif(
                multiprocessing.get_start_method() != "fork", reason="workers see the patched step only when forked"
            ),
        ),
    ],
    ids=["in-process", "process-pool"],
)
def test_cli_analyze_reports_the_failing_document_and_writes_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: list[str]
) -> None:
    import vigil.cli.analyze as analyze_cli

    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in DOCS), encoding="utf-8")
    real = analyze_cli._pipeline_for(Settings())
    monkeypatch.setattr(analyze_cli, "_pipeline_for", lambda _settings: FailOn(real, BAD))
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "analyze", str(path), "-o", str(out), *options])
    assert result.exit_code == 1
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["d1", "d3", "d4", "d6"]
    assert "line 2" in result.output and "ValueError" in result.output


@pytest.mark.slow
def test_store_analysis_on_dask_records_the_failing_documents(settings: Settings, tmp_path: Path) -> None:
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in DOCS), encoding="utf-8")
    engine = DaskEngine(workers=1)
    try:
        with Store.open(settings) as store:
            ingest_input(store, path, source="t")
            counts = analyze_store(store, FailOn(build_pipeline(settings), BAD), engine, partition_size=2)
    finally:
        engine.close()
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert (counts.analysed, counts.failed) == (4, 2)


def test_store_analysis_on_a_process_pool_records_the_failing_documents(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in DOCS), encoding="utf-8")
    with Store.open(settings) as store:
        ingest_input(store, path, source="t")
        pipeline: Pipeline = build_pipeline(settings)
        counts = analyze_store(store, FailOn(pipeline, BAD), LocalEngine(workers=1), partition_size=2)
    assert (counts.analysed, counts.failed) == (4, 2)

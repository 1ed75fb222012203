"""``vigil trends --store`` and the web trend pages read the kept (day, segment) counts.

The reference is what they did before: :func:`vigil.trends.report.collect_pairs` over every
stored document (:func:`store_pairs`), segmenting each one. On a demo store in every state
the counts can be in (documents without a trend row, documents segmented without an
analysis, a document removed behind the counts), the series, alerts and summary must be the
same, and only the documents without a row (or, with an analyzer, without an analysis) are
segmented. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from pages_support import BACKENDS, backend_store
from typer.testing import CliRunner

from vigil.cli import app
from vigil.demo import generate_corpus, write_jsonl
from vigil.documents import Document
from vigil.engine import LocalEngine
from vigil.ingest import ingest_input
from vigil.pipeline import shared_pipeline
from vigil.processing import process_store
from vigil.store import Store
from vigil.store.models import DocumentRow
from vigil.store.segment_counts import counts_agree
from vigil.trends.detect import DetectionParams
from vigil.trends.periods import Freq
from vigil.trends.report import Analyzer, Collected, collect_pairs, run_detection, series_rows, store_pairs
from vigil.trends.segments import Segmenter, build_segmenter
from vigil.trends.stored import catch_up, stored_counts
from vigil.web.pages import trends_data

#: Stored after processing, then segmented by the trends step without an analysis.
SEGMENTED_UNANALYSED = [
    {"id": "late-a1", "text": "Praca w magazynie, mieszkanie zapewnione", "kind": "job_ad", "posted_at": "2026-03-02"},
    {"id": "late-a2", "text": "Робота в Польщі, житло безкоштовно", "kind": "job_ad", "posted_at": "2026-03-10"},
    {"id": "late-a3", "text": "No date on this one"},
]
#: Stored after processing and never segmented: no trend row.
WITHOUT_ROW = [
    {"id": "late-b1", "text": "Нова дівчина в місті, тільки сьогодні", "kind": "sex_ad", "platform": "board.example",
     "posted_at": "2026-03-03"},
    {"id": "late-b2", "text": "Warehouse work, visa and flight paid", "kind": "job_ad", "posted_at": "2026-03-17"},
    {"id": "late-b3", "text": "Undated classified", "kind": "classified"},
]


@dataclass(frozen=True)
class CountingSegmenter(Segmenter):
    """The shipped segmenter, noting which documents it segmented."""

    seen: list[str] = field(default_factory=list)

    def segments(self, document: Document, analysis: Mapping[str, Any] | None = None) -> tuple[str, ...]:
        self.seen.append(document.id)
        return super().segments(document, analysis)


def counting_segmenter() -> CountingSegmenter:
    shipped = build_segmenter()
    return CountingSegmenter(terms=shipped.terms, sectors=shipped.sectors, places=shipped.places)


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=BACKENDS)
def demo_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The processed demo corpus, then documents in every state the kept counts can miss."""
    directory = tmp_path_factory.mktemp("stored-readers")
    with backend_store(request.param, directory / "vigil-data") as store:
        write_jsonl(generate_corpus(), directory / "demo.jsonl")
        ingest_input(store, directory / "demo.jsonl")
        process_store(store, store.settings, engine=LocalEngine(workers=1))
        ingest_input(store, _write(directory / "a.jsonl", SEGMENTED_UNANALYSED))
        assert catch_up(store, build_segmenter()) == len(SEGMENTED_UNANALYSED)
        ingest_input(store, _write(directory / "b.jsonl", WITHOUT_ROW))
        with store.session() as session:  # removed behind the counts' back
            session.execute(sa.delete(DocumentRow).where(DocumentRow.doc_id == "demo-000007"))
            assert not counts_agree(session.connection())
        yield store


def _full_pass(store: Store, analyzer: Analyzer | None) -> Collected:
    return collect_pairs(store_pairs(store), build_segmenter(), analyzer)


def _analyzer(store: Store) -> Analyzer:
    return shared_pipeline(store.settings)


@pytest.mark.parametrize(
    ("analyse", "segmented"),
    [
        (False, [r["id"] for r in WITHOUT_ROW]),
        (True, [r["id"] for r in SEGMENTED_UNANALYSED + WITHOUT_ROW]),  # rows made without an analysis are redone
    ],
)
def test_stored_counts_are_the_full_pass(demo_store: Store, analyse: bool, segmented: list[str]) -> None:
    analyzer = _analyzer(demo_store) if analyse else None
    full = _full_pass(demo_store, analyzer)
    segmenter = counting_segmenter()
    kept = stored_counts(demo_store, lambda: segmenter, analyzer)
    assert sorted(segmenter.seen) == sorted(segmented)
    assert (kept.read, kept.rejected, kept.undated, kept.counted) == (full.read, full.rejected, full.undated, len(full.builder))
    assert kept.undated == 3 - 1  # late-a3 and late-b3; demo documents all have a date
    for freq in Freq:
        expected, table = full.builder.build(freq), kept.table(freq)
        assert table.segments == expected.segments
        assert table.first_period == expected.first_period
        assert (table.documents, table.undated) == (expected.documents, expected.undated)
        np.testing.assert_array_equal(table.values, expected.values)
        np.testing.assert_array_equal(table.totals, expected.totals)
    alerts = run_detection(full.builder.build(Freq.WEEK), DetectionParams()).alerts
    assert alerts, "the demo corpus has a planted trend"
    assert run_detection(kept.table(Freq.WEEK), DetectionParams()).alerts == alerts


def _cli(store: Store, *args: str) -> Any:
    base = ["--data-dir", str(store.settings.data_dir), "--database-url", store.settings.resolved_database_url]
    return CliRunner().invoke(app, [*base, "trends", "--store", "--no-save", *args], catch_exceptions=False)


def _rows(store: Store, analyzer: Analyzer | None, freq: Freq) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    report = run_detection(_full_pass(store, analyzer).builder.build(freq), DetectionParams.from_settings(store.settings))
    return list(series_rows(report)), [a.to_json() for a in report.alerts]


@pytest.mark.parametrize(("analyse", "freq"), [(False, Freq.WEEK), (True, Freq.WEEK), (False, Freq.DAY)])
def test_cli_store_mode_writes_the_full_pass(demo_store: Store, analyse: bool, freq: Freq) -> None:
    analyzer = _analyzer(demo_store) if analyse else None
    series, alerts = _rows(demo_store, analyzer, freq)
    options = ["--freq", freq.value, "--analyze" if analyse else "--no-analyze"]
    written = _cli(demo_store, "--series", *options)
    assert written.exit_code == 0, written.stderr
    assert [json.loads(line) for line in written.stdout.splitlines()] == json.loads(json.dumps(series))
    raised = _cli(demo_store, *options)
    assert [json.loads(line) for line in raised.stdout.splitlines()] == json.loads(json.dumps(alerts))
    full = _full_pass(demo_store, analyzer)
    summary = json.loads(raised.stderr.strip().splitlines()[-1])
    assert summary == {
        "read": full.read, "rejected": full.rejected, "undated": full.undated, "counted": len(full.builder),
        "segments": len(full.builder.build(freq).segments), "periods": full.builder.build(freq).n_periods,
        "alerts": len(alerts),
    }


def test_web_series_are_the_full_pass(demo_store: Store) -> None:
    for freq in Freq:
        series, alerts = _rows(demo_store, None, freq)
        computed = trends_data.compute_series(demo_store, freq.value)
        assert [row for rows in computed.rows_by_segment.values() for row in rows] == series
        assert computed.alerts == [trends_data.with_window(a) for a in alerts]


def _refuse() -> Segmenter:
    raise AssertionError("every stored document has its trend row: nothing is segmented again")


@pytest.fixture
def counted_store(store: Store, tmp_path: Path) -> Store:
    """A few documents, ingested and processed: every one has its trend row and analysis."""
    ingest_input(store, _write(tmp_path / "d.jsonl", SEGMENTED_UNANALYSED + WITHOUT_ROW))
    process_store(store, store.settings, engine=LocalEngine(workers=1))
    return store


@pytest.mark.parametrize(
    "read",
    [
        pytest.param(lambda store: stored_counts(store, _refuse, _analyzer(store)), id="stored_counts"),
        pytest.param(lambda store: trends_data.compute_series(store, "W"), id="web"),
        pytest.param(lambda store: _cli(store, "--series"), id="cli"),
    ],
)
def test_nothing_is_segmented_when_every_document_has_its_row(
    counted_store: Store, read: Callable[[Store], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("vigil.trends.segments.build_segmenter", _refuse)
    monkeypatch.setattr(trends_data, "_segmenter", _refuse)
    result = read(counted_store)
    assert getattr(result, "exit_code", 0) == 0

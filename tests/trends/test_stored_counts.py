"""Trends from the kept (day, segment) counts give what a full pass over every stored analysis gives.

The full pass (:func:`vigil.trends.report.collect_pairs` over :func:`store_pairs`) is what
detection did before the counts existed; it stays the reference. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa

from vigil.demo import generate_corpus, write_jsonl
from vigil.documents import Document
from vigil.engine import LocalEngine
from vigil.ingest import ingest_input
from vigil.processing import process_store, shared_describer
from vigil.store import Store
from vigil.store.analyses import row_to_document, save_analyses
from vigil.store.models import AnalysisRow, DocumentRow
from vigil.store.segment_counts import TREND_COUNTS, TREND_DOCUMENTS, counts_agree
from vigil.trends.detect import DetectionParams
from vigil.trends.models import TrendDocument, TrendSegmentCount
from vigil.trends.periods import Freq
from vigil.trends.report import collect_pairs, run_detection, store_pairs
from vigil.trends.series import SeriesTable
from vigil.trends.stored import catch_up, stored_table, table_from_counts, trend_row


@pytest.fixture
def demo_store(store: Store, tmp_path: Path) -> Iterator[Store]:
    """The demo corpus (about 4,000 ads with a planted trend), ingested and processed."""
    path = tmp_path / "demo.jsonl"
    write_jsonl(generate_corpus(), path)
    ingest_input(store, path)
    process_store(store, store.settings, engine=LocalEngine(workers=1))
    yield store


def _full_pass(store: Store, freq: Freq = Freq.WEEK) -> SeriesTable:
    return collect_pairs(store_pairs(store), shared_describer().segmenter).builder.build(freq)


def _assert_same(store: Store) -> None:
    catch_up(store, shared_describer().segmenter)
    for freq in Freq:
        full, kept = _full_pass(store, freq), stored_table(store, freq)
        assert kept.segments == full.segments
        assert kept.first_period == full.first_period
        assert kept.documents == full.documents
        assert kept.undated == full.undated
        np.testing.assert_array_equal(kept.values, full.values)
        np.testing.assert_array_equal(kept.totals, full.totals)
    params = DetectionParams()
    full_alerts = run_detection(_full_pass(store), params).alerts
    assert full_alerts, "the demo corpus has a planted trend"
    assert run_detection(stored_table(store, Freq.WEEK), params).alerts == full_alerts


def _documents(store: Store) -> int:
    with store.session() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(DocumentRow)) or 0)


def test_counts_written_with_the_analyses_match_a_full_pass(demo_store: Store) -> None:
    with demo_store.session() as session:
        rows = session.scalar(sa.select(sa.func.count()).select_from(TREND_DOCUMENTS))
    assert rows == _documents(demo_store)  # the workers segmented every document
    assert catch_up(demo_store, shared_describer().segmenter) == 0
    _assert_same(demo_store)


def _changed(analysis: dict[str, Any], n: int) -> dict[str, Any]:
    """A different analysis: an indicator more (or all taken away), another language."""
    out = dict(analysis)
    out["indicators"] = [] if n % 3 == 0 else [*analysis.get("indicators", []), {"id": "upfront_fee"}]
    out["lang"] = "uk" if analysis.get("lang") != "uk" else "pl"
    return out


@pytest.mark.parametrize("segmented_by_writer", [True, False])
def test_a_changed_analysis_moves_the_counts(demo_store: Store, segmented_by_writer: bool) -> None:
    with demo_store.session() as session:
        chosen = session.execute(
            sa.select(AnalysisRow.document_pk, AnalysisRow.result).order_by(AnalysisRow.document_pk).limit(300)
        ).tuples().all()
    results = [(pk, _changed(result, n)) for n, (pk, result) in enumerate(chosen)]
    trend_rows = None
    if segmented_by_writer:
        documents = _documents_by_pk(demo_store, [pk for pk, _ in results])
        trend_rows = {pk: trend_row(shared_describer().segmenter, documents[pk], a) for pk, a in results}
    before = run_detection(stored_table(demo_store, Freq.WEEK), DetectionParams()).table.values.copy()
    save_analyses(demo_store, results, trend_rows=trend_rows)
    if not segmented_by_writer:  # the old rows went with the old analyses; the trends step segments again
        with demo_store.session() as session:
            missing = session.scalar(sa.select(sa.func.count()).select_from(TREND_DOCUMENTS))
        assert missing == _documents(demo_store) - len(results)
    _assert_same(demo_store)
    assert not np.array_equal(stored_table(demo_store, Freq.WEEK).values[:, : before.shape[1]], before)


def _documents_by_pk(store: Store, pks: list[int]) -> dict[int, Document]:
    with store.session() as session:
        return {row.pk: row_to_document(row) for row in session.scalars(sa.select(DocumentRow).where(DocumentRow.pk.in_(pks)))}


def test_documents_removed_behind_the_counts_are_recounted(demo_store: Store, tmp_path: Path) -> None:
    extra = tmp_path / "extra.jsonl"
    extra.write_text('{"id": "extra-1", "text": "Praca w magazynie", "kind": "job_ad", "posted_at": "2026-03-02"}\n')
    ingest_input(demo_store, extra)  # stored, not processed: the trends step segments it
    assert catch_up(demo_store, shared_describer().segmenter) == 1
    with demo_store.session() as session:
        session.execute(sa.delete(DocumentRow).where(DocumentRow.doc_id == "extra-1"))
        assert not counts_agree(session.connection())
    _assert_same(demo_store)
    with demo_store.session() as session:
        assert counts_agree(session.connection())


@pytest.mark.parametrize(
    ("counts", "segments", "totals"),
    [
        ([], ["all"], []),
        ([(0, "*", 2), (0, "kind:job_ad", 2)], ["kind:job_ad", "all"], [2.0]),  # 1970-01-01, a Thursday
        ([(0, "*", 1), (4, "*", 3), (4, "lang:uk", 1)], ["lang:uk", "all"], [1.0, 3.0]),  # the next Monday
        ([(0, "*", 1), (14, "*", 1)], ["all"], [1.0, 0.0, 1.0]),  # an empty week in between
    ],
)
def test_table_from_counts(counts: list[tuple[int, str, int]], segments: list[str], totals: list[float]) -> None:
    table = table_from_counts(counts, Freq.WEEK)
    assert table.segments == segments
    assert table.totals.tolist() == totals
    np.testing.assert_array_equal(table.values[-1], table.totals)


def test_bare_tables_match_the_models() -> None:
    for bare, model in ((TREND_DOCUMENTS, TrendDocument), (TREND_COUNTS, TrendSegmentCount)):
        assert bare.name == model.__tablename__
        assert [c.name for c in bare.columns] == [c.name for c in model.__table__.columns]

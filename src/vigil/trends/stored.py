"""Trends over the store from its kept counts, not from every stored analysis.

Each document's segments are written with its analysis (:mod:`vigil.store.segment_counts`),
computed in the worker that analysed it. The trends step then only:

1. **catches up** documents that have no trend row yet (stored before the counts existed,
   never analysed, or saved by a writer that does not segment), segmenting them from their
   stored analysis exactly as a full pass would; and recounts from the rows when the counts
   disagree with them (documents were removed behind their back);
2. **reads** the (day, segment) counts into a :class:`~vigil.trends.series.SeriesTable`
   with the same rows, columns and values as :func:`vigil.trends.report.collect_pairs`
   over the whole store would give.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import sqlalchemy as sa

from vigil.documents import Document
from vigil.errors import InputError
from vigil.failures import RecordFailure, guarded
from vigil.store import Store
from vigil.store.models import DocumentRow
from vigil.store.segment_counts import (
    ALL_DOCUMENTS,
    TREND_DOCUMENTS,
    TrendRow,
    counts_agree,
    read_counts,
    rebuild_counts,
    replace_trend_rows,
    undated_documents,
)
from vigil.trends.periods import Freq, period_of_days
from vigil.trends.report import STORE_BATCH, stored_analyses
from vigil.trends.segments import Segmenter, document_day
from vigil.trends.series import ALL, MAX_CELLS, SeriesTable


def trend_row(segmenter: Segmenter, document: Document, analysis: Mapping[str, Any] | None) -> TrendRow:
    """The trend row of one document: its day number and sorted segments (what a full pass counts)."""
    return document_day(document), segmenter.segments(document, analysis)


def _missing(store: Store) -> bool:
    with store.session() as session:
        documents = session.scalar(sa.select(sa.func.count()).select_from(DocumentRow)) or 0
        rows = session.scalar(sa.select(sa.func.count()).select_from(TREND_DOCUMENTS)) or 0
    return int(documents) != int(rows)


def catch_up(store: Store, segmenter: Segmenter) -> int:
    """Segment the stored documents that have no trend row; recount when the counts disagree. Returns how many."""
    added = 0
    if _missing(store):
        lacking = ~sa.exists().where(TREND_DOCUMENTS.c.document_pk == DocumentRow.pk)
        page: dict[int, TrendRow] = {}
        for pk, document, analysis in stored_analyses(store, lacking):
            row = guarded(trend_row, segmenter, document, analysis)
            if not isinstance(row, RecordFailure):  # a full pass rejects it too: counted nowhere
                page[pk] = row
            if len(page) >= STORE_BATCH:
                added += _save(store, page)
                page = {}
        added += _save(store, page)
    with store.session() as session:
        if not counts_agree(session.connection()):
            rebuild_counts(session.connection())
    return added


def _save(store: Store, rows: dict[int, TrendRow]) -> int:
    if rows:
        with store.session() as session:
            replace_trend_rows(session.connection(), list(rows), rows)
    return len(rows)


def stored_table(store: Store, freq: Freq) -> SeriesTable:
    """The series table of every stored document, from the kept counts (call :func:`catch_up` first)."""
    with store.session() as session:
        counts = read_counts(session.connection())
        undated = undated_documents(session.connection())
    return table_from_counts(counts, freq, undated=undated)


def table_from_counts(counts: list[tuple[int, str, int]], freq: Freq, *, undated: int = 0) -> SeriesTable:
    """Like :func:`vigil.trends.series.build_table`, from (day, segment, documents) counts."""
    names = sorted({segment for _, segment, _ in counts if segment != ALL_DOCUMENTS})
    n_segments = len(names)
    all_days = [(day, n) for day, segment, n in counts if segment == ALL_DOCUMENTS]
    if not all_days:
        return SeriesTable(
            freq, 0, [*names, ALL], np.zeros((n_segments + 1, 0)), np.zeros(0),
            np.array([True] * n_segments + [False]), undated=undated,
        )
    days = np.fromiter((d for d, _ in all_days), dtype=np.int64, count=len(all_days))
    weights = np.fromiter((n for _, n in all_days), dtype=np.float64, count=len(all_days))
    periods = period_of_days(days, freq)
    first = int(periods.min())
    n_periods = int(periods.max()) - first + 1
    if (n_segments + 1) * n_periods > MAX_CELLS:
        raise InputError(f"{n_segments} segments over {n_periods} periods is too large a table; check the dates")
    totals = np.bincount(periods - first, weights=weights, minlength=n_periods).astype(np.float64)
    index = {name: i for i, name in enumerate(names)}
    rows = [(index[segment], day, n) for day, segment, n in counts if segment != ALL_DOCUMENTS]
    seg = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    seg_days = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
    seg_counts = np.fromiter((r[2] for r in rows), dtype=np.float64, count=len(rows))
    cells = seg * n_periods + (period_of_days(seg_days, freq) - first)
    values = np.bincount(cells, weights=seg_counts, minlength=n_segments * n_periods).astype(np.float64)
    has_share = np.ones(n_segments + 1, dtype=bool)
    has_share[-1] = False
    return SeriesTable(
        freq,
        first,
        [*names, ALL],
        np.vstack([values.reshape(n_segments, n_periods), totals[np.newaxis, :]]),
        totals,
        has_share,
        undated=undated,
        documents=int(weights.sum()),
    )

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

Readers that must not write (``vigil trends --store``, the web trend pages) use
:func:`stored_counts`: the same counts, with the documents a catch-up would segment
segmented in memory instead.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from vigil.documents import Document
from vigil.errors import InputError
from vigil.failures import RecordFailure, guarded
from vigil.store import Store
from vigil.store.models import AnalysisRow, DocumentIndicator, DocumentRow
from vigil.store.segment_counts import (
    ALL_DOCUMENTS,
    TREND_DOCUMENTS,
    TrendRow,
    count_trend_rows,
    counts_agree,
    read_counts,
    rebuild_counts,
    replace_trend_rows,
    undated_documents,
)
from vigil.trends.periods import Freq, period_of_days, period_start_day
from vigil.trends.report import MAX_KEPT_ERRORS, STORE_BATCH, Analyzer, Collected, collect_pairs, stored_analyses
from vigil.trends.segments import Segmenter, document_day
from vigil.trends.series import ALL, MAX_CELLS, SeriesTable

#: The period a worker counts by: days, so that any period can be built from the sum.
COUNTED_BY: Final = Freq.DAY


@dataclass
class TrendCounts:
    """Documents per (day, segment), with :data:`ALL_DOCUMENTS` for every dated document, and what was read."""

    counts: Counter[tuple[int, str]] = field(default_factory=Counter)
    read: int = 0
    rejected: int = 0
    undated: int = 0
    errors: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, collected: Collected) -> TrendCounts:
        """The counts of one partition's :class:`Collected` (from its daily table)."""
        table = collected.builder.build(COUNTED_BY)
        counts: Counter[tuple[int, str]] = Counter()
        if table.n_periods:
            days = period_start_day(np.arange(table.n_periods, dtype=np.int64) + table.first_period, COUNTED_BY)
            rows, cols = np.nonzero(table.values[:-1])  # the last row is the total, kept below
            for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
                counts[int(days[col]), table.segments[row]] = int(table.values[row, col])
            for col in np.nonzero(table.totals)[0].tolist():
                counts[int(days[col]), ALL_DOCUMENTS] = int(table.totals[col])
        return cls(counts, collected.read, collected.rejected, collected.undated, list(collected.errors))

    def add(self, other: TrendCounts) -> None:
        """Sum another partition's counts into these (partitions in input order keep the first errors)."""
        self.counts.update(other.counts)
        self.read += other.read
        self.rejected += other.rejected
        self.undated += other.undated
        self.errors.extend(other.errors[: MAX_KEPT_ERRORS - len(self.errors)])

    @property
    def counted(self) -> int:
        """Dated documents counted."""
        return sum(n for (_, segment), n in self.counts.items() if segment == ALL_DOCUMENTS)

    def table(self, freq: Freq) -> SeriesTable:
        """The series table of everything summed, as one pass over all the records builds it."""
        rows = [(day, segment, n) for (day, segment), n in sorted(self.counts.items()) if n > 0]
        return table_from_counts(rows, freq, undated=self.undated)


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


#: Stored documents with neither an analysis nor indicator rows: a full pass hands them to its analyzer.
#: (Correlated on the document only: the readers' own queries join the analyses too.)
_UNANALYSED: Final = ~(
    sa.select(AnalysisRow.document_pk).where(AnalysisRow.document_pk == DocumentRow.pk).correlate_except(AnalysisRow).exists()
) & ~(
    sa.select(DocumentIndicator.document_pk)
    .where(DocumentIndicator.document_pk == DocumentRow.pk)
    .correlate_except(DocumentIndicator)
    .exists()
)
_WITHOUT_ROW: Final = ~sa.exists().where(TREND_DOCUMENTS.c.document_pk == DocumentRow.pk)


def stored_counts(store: Store, segmenter: Callable[[], Segmenter], analyzer: Analyzer | None = None) -> TrendCounts:
    """What :func:`~vigil.trends.report.collect_pairs` over every stored document counts, without writing.

    The kept counts are read (or, when they disagree with the trend rows, the rows are
    counted here); only documents without a trend row are segmented, from their stored
    analysis. With ``analyzer``, documents without a stored analysis are analysed and
    segmented here in place of their row, as a full pass with that analyzer does.
    ``segmenter`` is called only when a document has to be segmented.
    """
    with store.session() as session:
        connection = session.connection()
        counts = (
            Counter({(day, segment): n for day, segment, n in read_counts(connection)})
            if counts_agree(connection)
            else count_trend_rows(connection)
        )
        with_row = int(session.scalar(sa.select(sa.func.count()).select_from(TREND_DOCUMENTS)) or 0)
        undated = undated_documents(connection)
        documents = int(session.scalar(sa.select(sa.func.count()).select_from(DocumentRow)) or 0)
        redo: sa.ColumnElement[bool] | None = _WITHOUT_ROW if documents != with_row else None
        if analyzer is not None:
            replaced = _rows_of_unanalysed(connection)
            for row in replaced:
                _uncount(counts, row)
            with_row -= len(replaced)
            undated -= sum(1 for day, _ in replaced if day is None)
            if replaced:
                redo = _WITHOUT_ROW | _UNANALYSED
    total = TrendCounts(counts, with_row, undated=undated)
    if redo is not None:
        pairs = ((document, analysis) for _, document, analysis in stored_analyses(store, redo))
        total.add(TrendCounts.of(collect_pairs(pairs, segmenter(), analyzer)))
    return total


def _rows_of_unanalysed(connection: Connection) -> list[TrendRow]:
    found = connection.execute(
        sa.select(TREND_DOCUMENTS.c.day, TREND_DOCUMENTS.c.segments)
        .join(DocumentRow, DocumentRow.pk == TREND_DOCUMENTS.c.document_pk)
        .where(_UNANALYSED)
    ).tuples()
    return [(day, tuple(json.loads(segments)) if segments else ()) for day, segments in found]


def _uncount(counts: Counter[tuple[int, str]], row: TrendRow) -> None:
    day, segments = row
    if day is not None:
        counts[day, ALL_DOCUMENTS] -= 1
        for segment in segments:
            counts[day, segment] -= 1


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

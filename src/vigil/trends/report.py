"""From documents to a trend report: collect segments, count, detect, and lay out series rows.

I/O stays with the callers (the command line, the web app): this module takes iterables of
records or (document, analysis) pairs and returns plain data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import sqlalchemy as sa

from vigil.documents import Document, parse_document
from vigil.errors import InputError, VigilError
from vigil.failures import RecordFailure, guarded
from vigil.store import Store
from vigil.store.analyses import row_to_document
from vigil.store.models import AnalysisRow, DocumentIndicator, DocumentRow
from vigil.trends.changepoints import segment_levels
from vigil.trends.detect import Alert, Baselines, DetectionParams, baselines, detect
from vigil.trends.periods import Freq
from vigil.trends.segments import Segmenter, document_day
from vigil.trends.series import SeriesBuilder, SeriesTable

Analyzer = Callable[[Document], Mapping[str, Any]]
#: Key of a JSONL record that carries a ready analysis next to the document fields.
ANALYSIS_KEY: Final = "analysis"
#: Rejected-record messages kept for the summary (the count is always exact).
MAX_KEPT_ERRORS: Final = 20
STORE_BATCH: Final = 2000


@dataclass
class Collected:
    """The series builder plus honest counts of what was read."""

    builder: SeriesBuilder = field(default_factory=SeriesBuilder)
    read: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def undated(self) -> int:
        return self.builder.undated

    def reject(self, line: int | None, reason: str) -> None:
        self.rejected += 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(f"line {line}: {reason}" if line is not None else reason)


def collect_records(
    records: Iterable[tuple[int, Any]], segmenter: Segmenter, analyzer: Analyzer | None = None
) -> Collected:
    """Read JSONL records (``(line, object-or-error)``); a record may carry its analysis under ``analysis``."""
    out = Collected()
    for line, record in records:
        out.read += 1
        if isinstance(record, InputError):
            out.reject(line, record.message)
            continue
        analysis: Mapping[str, Any] | None = None
        if isinstance(record, dict) and isinstance(record.get(ANALYSIS_KEY), Mapping):
            record = dict(record)
            analysis = record.pop(ANALYSIS_KEY)
        try:
            document = parse_document(record)
        except VigilError as exc:
            out.reject(line, exc.message)
            continue
        added = guarded(_count_one, out, segmenter, document, analysis, analyzer)
        if isinstance(added, RecordFailure):
            out.reject(line, f"document {document.id!r}: {added.reason}")
    return out


def store_pairs(store: Store) -> Iterator[tuple[Document, dict[str, Any] | None]]:
    """Stored documents with their stored analyses (None when never analysed; indicator rows fill in gaps)."""
    for _pk, document, analysis in stored_analyses(store):
        yield document, analysis


def stored_analyses(
    store: Store, where: sa.ColumnElement[bool] | None = None
) -> Iterator[tuple[int, Document, dict[str, Any] | None]]:
    """(pk, document, analysis) of the stored documents matching ``where`` (all by default), page by page."""
    with store.session() as session:
        last = 0
        while True:
            query = (
                sa.select(DocumentRow, AnalysisRow)
                .outerjoin(AnalysisRow, AnalysisRow.document_pk == DocumentRow.pk)
                .where(DocumentRow.pk > last)
                .order_by(DocumentRow.pk)
                .limit(STORE_BATCH)
            )
            rows = session.execute(query if where is None else query.where(where)).all()
            if not rows:
                return
            pks = [doc.pk for doc, _ in rows]
            indicators: dict[int, list[str]] = {}
            for pk, ident in session.execute(
                sa.select(DocumentIndicator.document_pk, DocumentIndicator.indicator).where(
                    DocumentIndicator.document_pk.in_(pks)
                )
            ):
                indicators.setdefault(pk, []).append(ident)
            for doc, analysis_row in rows:
                if analysis_row is None and doc.pk not in indicators:
                    yield doc.pk, row_to_document(doc), None
                    continue
                analysis: dict[str, Any] = dict(analysis_row.result or {}) if analysis_row is not None else {}
                if analysis_row is not None and analysis_row.lang and not analysis.get("lang"):
                    analysis["lang"] = analysis_row.lang
                if not analysis.get("indicators") and doc.pk in indicators:
                    analysis["indicators"] = [{"id": ident} for ident in indicators[doc.pk]]
                yield doc.pk, row_to_document(doc), analysis
            last = pks[-1]
            session.expunge_all()


def collect_pairs(
    pairs: Iterable[tuple[Document, Mapping[str, Any] | None]], segmenter: Segmenter, analyzer: Analyzer | None = None
) -> Collected:
    """Count (document, analysis) pairs; a missing analysis is computed by ``analyzer`` when given."""
    out = Collected()
    for document, analysis in pairs:
        out.read += 1
        added = guarded(_count_one, out, segmenter, document, analysis, analyzer)
        if isinstance(added, RecordFailure):
            out.reject(None, f"document {document.id!r}: {added.reason}")
    return out


def _count_one(
    out: Collected,
    segmenter: Segmenter,
    document: Document,
    analysis: Mapping[str, Any] | None,
    analyzer: Analyzer | None,
) -> None:
    """Count one document (analysed first when it has no analysis and ``analyzer`` is given)."""
    if analysis is None and analyzer is not None:
        analysis = analyzer(document)
    segments = segmenter.segments(document, analysis)
    out.builder.add(document_day(document), segments)


@dataclass
class TrendReport:
    table: SeriesTable
    alerts: list[Alert]
    base: Baselines


def run_detection(table: SeriesTable, params: DetectionParams) -> TrendReport:
    return TrendReport(table, detect(table, params), baselines(table, params))


def _num(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 3)


def series_rows(report: TrendReport, *, min_documents: int = 1) -> Iterator[dict[str, Any]]:
    """One row per segment-period, for charts: counts, shares, expectations, levels, change points, alerts."""
    table = report.table
    starts = [d.isoformat() for d in table.period_starts()]
    shares = table.shares()
    alerted = {(a.segment, a.period_start.isoformat()): a for a in report.alerts}
    for row, segment in enumerate(table.segments):
        values = table.values[row]
        if np.nansum(values) < min_documents:
            continue
        seg = segment_levels(values)
        changes = set(seg.changes)
        for col, start in enumerate(starts):
            alert = alerted.get((segment, start))
            yield {
                "segment": segment,
                "freq": table.freq.value,
                "period_start": start,
                "count": _num(values[col]),
                "total": float(table.totals[col]),
                "share": _num(shares[row, col]),
                "expected": _num(report.base.expected[row, col]),
                "expected_share_count": _num(report.base.expected_share_count[row, col]),
                "level": round(float(seg.level[col]), 3),
                "change_point": col in changes,
                "alert": None if alert is None else alert.direction,
            }


def build_table(collected: Collected, freq: Freq) -> SeriesTable:
    return collected.builder.build(freq)

"""Trend counts over a documents file on the batch engine (``vigil trends FILE --engine dask``).

Each partition of records goes to a worker, which decodes them, analyses those that carry
no analysis (when asked), segments them exactly as :func:`vigil.trends.report.collect_records`
does, and sends back only its (day, segment) counts: a few thousand numbers for a partition
of thousands of ads. This process sums the counts partition by partition and builds the
same series table a single pass over the whole file builds (:func:`table_from_counts`), so
detection sees the same numbers and raises the same alerts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

import numpy as np

from vigil.documents import parse_json_line
from vigil.engine import Engine, partitioned
from vigil.errors import DocumentError
from vigil.store.segment_counts import ALL_DOCUMENTS
from vigil.trends.periods import Freq, period_start_day
from vigil.trends.report import MAX_KEPT_ERRORS, Analyzer, Collected, collect_records
from vigil.trends.segments import Segmenter, build_segmenter
from vigil.trends.series import SeriesTable
from vigil.trends.stored import table_from_counts

#: The period a worker counts by: days, so that any period can be built from the sum.
COUNTED_BY: Final = Freq.DAY

Records = list[tuple[int, object]]


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
        rows = [(day, segment, n) for (day, segment), n in sorted(self.counts.items())]
        return table_from_counts(rows, freq, undated=self.undated)


@lru_cache(maxsize=1)
def shared_segmenter() -> Segmenter:
    """One segmenter per worker process (its lexicons and gazetteer load once)."""
    return build_segmenter()


class PartitionCounter:
    """Picklable ``records -> TrendCounts`` for one partition; ``analyzer`` analyses records without one.

    Records are ``(line, decoded object or raw JSONL bytes or DocumentError)``; raw lines are
    decoded here, on the worker.
    """

    def __init__(self, analyzer: Analyzer | None = None) -> None:
        self.analyzer = analyzer

    def __call__(self, records: Records) -> TrendCounts:
        collected = collect_records((_decoded(line, record) for line, record in records), shared_segmenter(), self.analyzer)
        return TrendCounts.of(collected)


def _decoded(line: int, record: object) -> tuple[int, object]:
    if not isinstance(record, bytes):
        return line, record
    try:
        return line, parse_json_line(record)
    except DocumentError as exc:
        return line, DocumentError(str(exc), line=line)


def count_on_engine(
    engine: Engine,
    records: Iterable[tuple[int, object]],
    analyzer: Analyzer | None,
    *,
    partition_size: int,
    on_partition: Callable[[int], None] | None = None,
) -> TrendCounts:
    """Count every record on ``engine``'s workers, a partition per task, and sum the counts here."""
    total = TrendCounts()
    counter = PartitionCounter(analyzer)
    for [counts] in engine.map_partitions(counter, _one_per_task(partitioned(records, partition_size))):
        total.add(counts)
        if on_partition is not None:
            on_partition(counts.read)
    return total


def _one_per_task(partitions: Iterable[Records]) -> Iterator[list[Records]]:
    # the engine maps a function over the items of a partition: here the item is the partition
    for partition in partitions:
        yield [partition]

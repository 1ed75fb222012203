"""Trend counts over a documents file on the batch engine (``vigil trends FILE --engine dask``).

Each partition of records goes to a worker, which decodes them, analyses those that carry
no analysis (when asked), segments them exactly as :func:`vigil.trends.report.collect_records`
does, and sends back only its (day, segment) counts: a few thousand numbers for a partition
of thousands of ads. This process sums the counts partition by partition and builds the
same series table a single pass over the whole file builds (:class:`~vigil.trends.stored.TrendCounts`), so
detection sees the same numbers and raises the same alerts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

from vigil.documents import parse_json_line
from vigil.engine import Engine, partitioned
from vigil.errors import DocumentError
from vigil.trends.report import Analyzer, collect_records
from vigil.trends.segments import Segmenter, build_segmenter
from vigil.trends.stored import TrendCounts

Records = list[tuple[int, object]]


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

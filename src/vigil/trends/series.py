"""Counting documents per segment and period, vectorised.

Documents are reduced to integers early: a day number per document and a segment id per
(document, segment) pair. :func:`build_table` turns those arrays into a count matrix with
one ``numpy.bincount``, so a year of a million ads is counted in well under a second.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final

import numpy as np
import numpy.typing as npt

from vigil.errors import InputError
from vigil.trends.periods import Freq, IntArray, day_to_date, period_of_days, period_start_day

FloatArray = npt.NDArray[np.float64]

#: Name of the row holding every document (the market as a whole).
ALL: Final = "all"
#: Most cells (segments × periods) one table may hold; beyond this the input is not a market series.
MAX_CELLS: Final = 200_000_000


@dataclass
class SeriesTable:
    """Counts per segment (rows) and period (columns), the total per period, and where shares apply.

    ``values`` is float so external series (search interest) fit; NaN means "no value for
    that period" (only external series have gaps; a segment with no documents counts 0).
    ``has_share`` is False for rows that are not part of the document total (``all`` and
    ``search:`` rows).
    """

    freq: Freq
    first_period: int
    segments: list[str]
    values: FloatArray
    totals: FloatArray
    has_share: npt.NDArray[np.bool_]
    undated: int = 0
    documents: int = 0
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def n_periods(self) -> int:
        return int(self.values.shape[1])

    def period_starts(self) -> list[date]:
        periods = np.arange(self.first_period, self.first_period + self.n_periods, dtype=np.int64)
        return [day_to_date(int(d)) for d in period_start_day(periods, self.freq)]

    def row(self, segment: str) -> FloatArray:
        try:
            row: FloatArray = self.values[self.segments.index(segment)]
            return row
        except ValueError as exc:
            raise InputError(f"no series for segment {segment!r}") from exc

    def shares(self) -> FloatArray:
        """Share of the period's documents per row (NaN where the row has no share or the period is empty)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            out = self.values / self.totals[np.newaxis, :]
        out[~self.has_share] = np.nan
        out[:, self.totals == 0] = np.nan
        return out


def build_table(
    days: IntArray,
    segment_ids: IntArray,
    segment_docs: IntArray,
    names: Sequence[str],
    freq: Freq,
    *,
    undated: int = 0,
) -> SeriesTable:
    """Count documents per (segment, period).

    ``days[i]`` is the day number of document ``i``; ``segment_ids[j]`` and
    ``segment_docs[j]`` say that document ``segment_docs[j]`` belongs to segment
    ``names[segment_ids[j]]`` (each pair once). A row ``all`` with every document is added.
    """
    n_segments = len(names)
    if days.size == 0:
        return SeriesTable(
            freq, 0, [*names, ALL], np.zeros((n_segments + 1, 0)), np.zeros(0),
            np.array([True] * n_segments + [False]), undated=undated,
        )
    periods = period_of_days(days.astype(np.int64, copy=False), freq)
    first = int(periods.min())
    offsets = periods - first
    n_periods = int(offsets.max()) + 1
    if (n_segments + 1) * n_periods > MAX_CELLS:
        raise InputError(f"{n_segments} segments over {n_periods} periods is too large a table; check the dates")
    totals = np.bincount(offsets, minlength=n_periods).astype(np.float64)
    cells = segment_ids.astype(np.int64, copy=False) * n_periods + offsets[segment_docs]
    counts = np.bincount(cells, minlength=n_segments * n_periods).astype(np.float64)
    values = np.vstack([counts.reshape(n_segments, n_periods), totals[np.newaxis, :]])
    has_share = np.ones(n_segments + 1, dtype=bool)
    has_share[-1] = False
    return SeriesTable(freq, first, [*names, ALL], values, totals, has_share, undated=undated, documents=int(days.size))


class SeriesBuilder:
    """Collects (day, segments) per document, then builds tables for any frequency."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._days = array("q")
        self._seg_ids = array("q")
        self._seg_docs = array("q")
        self.undated = 0

    def add(self, day: int | None, segments: Iterable[str]) -> None:
        """Count one document; ``day`` None means it has no date and is only counted as skipped."""
        if day is None:
            self.undated += 1
            return
        doc = len(self._days)
        self._days.append(day)
        ids = self._ids
        for name in segments:
            index = ids.get(name)
            if index is None:
                index = ids[name] = len(ids)
            self._seg_ids.append(index)
            self._seg_docs.append(doc)

    def __len__(self) -> int:
        return len(self._days)

    def build(self, freq: Freq) -> SeriesTable:
        names = sorted(self._ids, key=self._ids.__getitem__)
        order = sorted(range(len(names)), key=names.__getitem__)
        remap = np.empty(len(names), dtype=np.int64)
        remap[order] = np.arange(len(names), dtype=np.int64)
        seg_ids = np.frombuffer(self._seg_ids, dtype=np.int64)
        table = build_table(
            np.frombuffer(self._days, dtype=np.int64),
            remap[seg_ids] if seg_ids.size else seg_ids,
            np.frombuffer(self._seg_docs, dtype=np.int64),
            [names[i] for i in order],
            freq,
            undated=self.undated,
        )
        return table

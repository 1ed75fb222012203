"""Trend series and alerts as the pages show them.

Alerts are read from the stored ``trend_alerts``. Series are built from the store's kept
(day, segment) counts (:func:`vigil.trends.stored.stored_counts`; only documents without a
trend row are segmented here), then kept for :data:`SERIES_TTL_SECONDS` per frequency.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import sqlalchemy as sa

from vigil.store import Store
from vigil.trends.models import TrendAlertRow
from vigil.trends.periods import day_number, day_to_date, parse_freq, period_of_days, period_start_day

if TYPE_CHECKING:
    from vigil.trends.segments import Segmenter

SERIES_TTL_SECONDS: Final = 300.0
FREQS: Final = ("W", "D")


def summed_window_start(freq: str, period_start: date, periods: int) -> date:
    """First day of the ``periods`` periods ending with the one starting on ``period_start``.

    A block alert's observed and expected counts are sums over the last ``periods`` periods
    (detection's sustain blocks); a single-period alert sums one, its own.
    """
    last = period_of_days(np.asarray([day_number(period_start)], dtype=np.int64), parse_freq(freq))
    return day_to_date(int(period_start_day(last - (max(periods, 1) - 1), parse_freq(freq))[0]))


def with_window(alert: dict[str, Any]) -> dict[str, Any]:
    """``alert`` with ``periods`` (how many periods observed and expected sum) and their first day."""
    start = date.fromisoformat(str(alert["period_start"]))
    periods = int(alert.get("periods") or 1)
    first = summed_window_start(alert["freq"], start, periods)
    return {**alert, "periods": periods, "window_start": first.isoformat(), "window_date": first}


def alert_json(row: TrendAlertRow) -> dict[str, Any]:
    # Alerts stored before block tests carry no ``periods``: they were all single-period.
    periods = row.payload.get("periods", 1) if isinstance(row.payload, dict) else 1
    return with_window(
        {
            "id": row.id,
            "segment": row.segment,
            "freq": row.freq,
            "period_start": row.period_start.isoformat()
            if isinstance(row.period_start, date)
            else str(row.period_start),
            "period_date": row.period_start if isinstance(row.period_start, date) else None,
            "observed": row.observed,
            "expected": row.expected,
            "ratio": row.ratio,
            "p_value": row.p_value,
            "q_value": row.q_value,
            "direction": row.direction,
            "test": row.test,
            "periods": periods,
        }
    )


def newest_alerts(
    store: Store, limit: int, *, segment: str | None = None, freq: str | None = None, since: date | None = None
) -> list[dict[str, Any]]:
    """The most recent stored alerts, newest period first."""
    query = (
        sa.select(TrendAlertRow)
        .order_by(TrendAlertRow.period_start.desc(), TrendAlertRow.q_value, TrendAlertRow.id)
        .limit(limit)
    )
    if segment is not None:
        query = query.where(TrendAlertRow.segment == segment)
    if freq is not None:
        query = query.where(TrendAlertRow.freq == freq)
    if since is not None:
        query = query.where(TrendAlertRow.period_start >= since)
    with store.session() as session:
        return [alert_json(row) for row in session.scalars(query)]


@dataclass(frozen=True)
class TrendSeries:
    """Every segment's series at one frequency, and the alerts detection raised on them."""

    freq: str
    rows_by_segment: dict[str, list[dict[str, Any]]]
    alerts: list[dict[str, Any]]
    computed_at: float

    def segments(self) -> list[tuple[str, int, int]]:
        """(segment, documents, alerts), segments with alerts first, then by volume."""
        alerted: dict[str, int] = defaultdict(int)
        for alert in self.alerts:
            alerted[alert["segment"]] += 1
        out = [
            (seg, int(sum(r["count"] or 0 for r in rows)), alerted[seg]) for seg, rows in self.rows_by_segment.items()
        ]
        return sorted(out, key=lambda s: (-s[2], -s[1], s[0]))


def _is_fresh(series: TrendSeries) -> bool:
    return time.monotonic() - series.computed_at < SERIES_TTL_SECONDS


class SeriesCache:
    """Series per frequency, recomputed at most every :data:`SERIES_TTL_SECONDS`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: dict[str, TrendSeries] = {}

    def fresh(self, freq: str) -> TrendSeries | None:
        """The series kept for ``freq`` while still fresh, without computing them."""
        with self._lock:
            found = self._cached.get(freq)
        return found if found is not None and _is_fresh(found) else None

    def get(self, store: Store, freq: str) -> TrendSeries:
        with self._lock:
            found = self._cached.get(freq)
            if found is not None and _is_fresh(found):
                return found
            made = compute_series(store, freq)
            self._cached[freq] = made
            return made


@cache
def _segmenter() -> Segmenter:
    # Loading the lexicons and the gazetteer takes seconds; they are read-only, so load them once.
    from vigil.trends.segments import build_segmenter

    return build_segmenter()


def load_segmenter() -> Segmenter:
    """The pages' segmenter, loaded now if it is not yet (the app's start-up does it)."""
    return _segmenter()


def compute_series(store: Store, freq: str) -> TrendSeries:
    """Every segment's counts per period, from the store's kept counts, and spike detection on them."""
    # Detection pulls in SciPy: imported on first use so the app (and every worker) starts fast.
    from vigil.trends.detect import DetectionParams
    from vigil.trends.periods import parse_freq
    from vigil.trends.report import run_detection, series_rows
    from vigil.trends.stored import stored_counts

    settings = store.settings
    params = DetectionParams.from_settings(settings)
    report = run_detection(stored_counts(store, _segmenter).table(parse_freq(freq)), params)
    rows_by_segment: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in series_rows(report):
        rows_by_segment[row["segment"]].append(row)
    return TrendSeries(freq, dict(rows_by_segment), [with_window(a.to_json()) for a in report.alerts], time.monotonic())


def chart_data(series: TrendSeries, segment: str, stored_alerts: list[dict[str, Any]]) -> dict[str, Any]:
    """What the ECharts chart of one segment draws: counts, expected counts, levels, alert periods."""
    rows = series.rows_by_segment.get(segment, [])
    periods = {a["period_start"] for a in series.alerts if a["segment"] == segment}
    periods |= {a["period_start"] for a in stored_alerts if a["segment"] == segment and a["freq"] == series.freq}
    return {
        "segment": segment,
        "freq": series.freq,
        "periods": [r["period_start"] for r in rows],
        "count": [r["count"] for r in rows],
        "expected": [r["expected"] for r in rows],
        "level": [r["level"] for r in rows],
        "share": [r["share"] for r in rows],
        "alerts": sorted(periods),
    }

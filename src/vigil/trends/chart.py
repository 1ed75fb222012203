"""Charts of one segment's series with its alert periods marked, as SVG bytes (matplotlib, Agg).

Only lines, bands and text: counts per period, the expected count, the change-point
levels, and a marker per alert. No images of any kind are drawn or embedded.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt

_UNSAFE_FILENAME: Final = re.compile(r"[^\w.-]+")


@dataclass(frozen=True)
class ChartSeries:
    """The points of one segment (as written by ``vigil trends --series``)."""

    segment: str
    freq: str
    period_start: Sequence[date]
    count: Sequence[float | None]
    expected: Sequence[float | None]
    level: Sequence[float | None]

    @classmethod
    def from_rows(cls, rows: Sequence[dict[str, Any]]) -> ChartSeries:
        """From series rows of one segment (``segment``, ``freq``, ``period_start``, ``count``, …)."""
        if not rows:
            raise ValueError("no rows")
        ordered = sorted(rows, key=lambda r: str(r["period_start"]))
        return cls(
            segment=str(ordered[0]["segment"]),
            freq=str(ordered[0].get("freq", "W")),
            period_start=[_as_date(r["period_start"]) for r in ordered],
            count=[r.get("count") for r in ordered],
            expected=[r.get("expected") for r in ordered],
            level=[r.get("level") for r in ordered],
        )


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _values(seq: Sequence[float | None]) -> list[float]:
    return [float("nan") if v is None else float(v) for v in seq]


def render_chart(series: ChartSeries | Sequence[dict[str, Any]], alerts: Sequence[dict[str, Any]] = ()) -> bytes:
    """An SVG chart of one segment's series (a :class:`ChartSeries` or its ``--series`` rows).

    ``alerts`` are alert records (``period_start``, ``direction``) to mark.
    """
    if not isinstance(series, ChartSeries):
        series = ChartSeries.from_rows(series)
    figure, axes = plt.subplots(figsize=(8, 3.2), dpi=100)
    try:
        x: Any = list(series.period_start)
        axes.plot(x, _values(series.count), color="#1f4e79", linewidth=1.6, marker="o", markersize=2.5, label="documents")
        if any(v is not None for v in series.expected):
            axes.plot(x, _values(series.expected), color="#888888", linewidth=1.0, linestyle="--", label="expected")
        if any(v is not None for v in series.level):
            axes.step(x, _values(series.level), where="mid", color="#e07b00", linewidth=1.0, label="level (change points)")
        by_date = dict(zip(x, _values(series.count), strict=True))
        for alert in alerts:
            day = _as_date(alert["period_start"])
            up = alert.get("direction", "up") == "up"
            marked: Any = day  # dates go through matplotlib's unit registry
            axes.axvline(marked, color="#c00000" if up else "#2e7d32", alpha=0.25, linewidth=4)
            if day in by_date:
                axes.plot([marked], [by_date[day]], marker="^" if up else "v", color="#c00000" if up else "#2e7d32", markersize=8)
        unit = "week" if series.freq == "W" else "day"
        axes.set_title(f"{series.segment} — documents per {unit}", fontsize=10)
        axes.set_ylim(bottom=0)
        axes.grid(alpha=0.3)
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))  # type: ignore[no-untyped-call]
        figure.autofmt_xdate()
        axes.legend(fontsize=7, loc="upper left")
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
        return buffer.getvalue()
    finally:
        plt.close(figure)


def chart_filename(segment: str) -> str:
    """A safe file name for a segment's chart (``term:ukrainian`` → ``term_ukrainian.svg``)."""
    return _UNSAFE_FILENAME.sub("_", segment).strip("_")[:150] + ".svg"

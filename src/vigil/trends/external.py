"""External series (search interest, other counts) from CSV, as ``search:<term>`` rows of a table.

Two layouts are read:

* plain ``date,value`` (a header row; the value column's name, when it is not ``value``,
  names the term, else the file name does). Values are counts and are summed per period.
* the Google Trends export: a ``Category: ...`` line, a blank line, then a header
  ``Week,<term>: (<geo>)`` (or ``Day``/``Month``; several terms may follow) and rows whose
  values may be ``<1``. Values are a 0–100 interest index and are averaged per period.
  Google's weeks start on Sunday; each is put in the ISO week that holds its Monday.

Every malformed row raises :class:`~vigil.errors.FormatError` naming the file and line.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Final

import numpy as np

from vigil.errors import FormatError, InputError
from vigil.trends.periods import day_number, period_of_days
from vigil.trends.series import SeriesTable

#: What "<1" (interest below one, but not zero) counts as.
BELOW_ONE: Final = 0.5
SEARCH_PREFIX: Final = "search:"
_GOOGLE_DATE_COLUMNS: Final = {"week": 1, "day": 0, "month": 0}


@dataclass(frozen=True)
class ExternalSeries:
    """One imported series: ``points`` are (date, value); ``aggregate`` is ``sum`` or ``mean``."""

    term: str
    points: tuple[tuple[date, float], ...]
    aggregate: str
    geo: str | None = None
    source: str = ""

    @property
    def segment(self) -> str:
        return f"{SEARCH_PREFIX}{self.term}"


def _parse_date(text: str, where: str) -> date:
    text = text.strip()
    try:
        if len(text) == 7:
            return date.fromisoformat(text + "-01")
        return date.fromisoformat(text[:10])
    except ValueError as exc:
        raise FormatError(f"{where}: not a date (YYYY-MM-DD or YYYY-MM): {text[:30]!r}") from exc


def _parse_value(text: str, where: str) -> float:
    text = text.strip()
    if text == "<1":
        return BELOW_ONE
    try:
        value = float(text.replace(",", ""))
    except ValueError as exc:
        raise FormatError(f"{where}: not a number: {text[:30]!r}") from exc
    if not math.isfinite(value) or value < 0:
        raise FormatError(f"{where}: value must be a finite number ≥ 0, got {text[:30]!r}")
    return value


def _term_and_geo(header: str) -> tuple[str, str | None]:
    name = header.strip()
    geo = None
    if name.endswith(")") and ": (" in name:
        name, _, rest = name.rpartition(": (")
        geo = rest[:-1].strip() or None
    return " ".join(name.casefold().split()), geo


def parse_search_csv(text: str, source: str = "<csv>") -> list[ExternalSeries]:
    """Parse one CSV export (either layout) into one series per value column."""
    lines = text.lstrip("\ufeff").splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise FormatError(f"{source}: the file is empty")
    google = lines[first].lower().startswith("category:")
    header_index = first
    if google:
        header_index = next((i for i in range(first + 1, len(lines)) if lines[i].strip()), -1)
        if header_index < 0:
            raise FormatError(f"{source}: a Google Trends export needs a header line after 'Category:'")
    rows = list(csv.reader(io.StringIO("\n".join(lines[header_index:]))))
    header = [cell.strip() for cell in rows[0]]
    if len(header) < 2:
        raise FormatError(f"{source}:{header_index + 1}: expected a header like 'date,value' or 'Week,<term>: (<geo>)'")
    date_kind = header[0].casefold()
    if google and date_kind not in _GOOGLE_DATE_COLUMNS:
        raise FormatError(f"{source}:{header_index + 1}: first column must be Week, Day or Month, got {header[0][:30]!r}")
    if not google and date_kind not in {"date", "day", "week", "month", *_GOOGLE_DATE_COLUMNS}:
        raise FormatError(f"{source}:{header_index + 1}: first column must be 'date', got {header[0][:30]!r}")
    shift = timedelta(days=_GOOGLE_DATE_COLUMNS.get(date_kind, 0) if google else 0)
    terms: list[tuple[str, str | None]] = []
    for column in header[1:]:
        term, geo = _term_and_geo(column)
        if not google and term in {"value", "count", ""}:
            term = " ".join(Path(source).stem.replace("_", " ").casefold().split())
        if not term:
            raise FormatError(f"{source}:{header_index + 1}: a value column has no name")
        terms.append((term, geo))
    points: list[list[tuple[date, float]]] = [[] for _ in terms]
    for offset, row in enumerate(rows[1:], start=1):
        line_no = header_index + 1 + offset
        where = f"{source}:{line_no}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise FormatError(f"{where}: expected {len(header)} columns, found {len(row)}")
        day = _parse_date(row[0], where) + shift
        for i, cell in enumerate(row[1:]):
            points[i].append((day, _parse_value(cell, where)))
    if not points or not points[0]:
        raise FormatError(f"{source}: no data rows")
    aggregate = "mean" if google else "sum"
    return [
        ExternalSeries(term, tuple(pts), aggregate, geo, source)
        for (term, geo), pts in zip(terms, points, strict=True)
    ]


def read_search_csv(path: Path) -> list[ExternalSeries]:
    """Read a CSV file of search interest (or any counts) by date."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"no such file: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(f"cannot read {path}: {exc}") from exc
    return parse_search_csv(text, str(path))


def add_external(table: SeriesTable, series: Sequence[ExternalSeries]) -> SeriesTable:
    """A table with one more row per external series (period range widened to cover them)."""
    if not series:
        return table
    per_series: list[tuple[np.ndarray, np.ndarray, str]] = []
    lo = table.first_period if table.n_periods else None
    hi = table.first_period + table.n_periods - 1 if table.n_periods else None
    for item in series:
        days = np.array([day_number(d) for d, _ in item.points], dtype=np.int64)
        values = np.array([v for _, v in item.points], dtype=np.float64)
        periods = period_of_days(days, table.freq)
        per_series.append((periods, values, item.aggregate))
        lo = int(periods.min()) if lo is None else min(lo, int(periods.min()))
        hi = int(periods.max()) if hi is None else max(hi, int(periods.max()))
    assert lo is not None and hi is not None
    width = hi - lo + 1
    shift = table.first_period - lo if table.n_periods else 0
    values = np.zeros((len(table.segments) + len(series), width))
    totals = np.zeros(width)
    if table.n_periods:
        values[: len(table.segments), shift : shift + table.n_periods] = table.values
        totals[shift : shift + table.n_periods] = table.totals
    names = list(table.segments)
    for row, ((periods, vals, how), item) in enumerate(zip(per_series, series, strict=True), start=len(table.segments)):
        offsets = periods - lo
        sums = np.bincount(offsets, weights=vals, minlength=width)
        counts = np.bincount(offsets, minlength=width)
        with np.errstate(invalid="ignore", divide="ignore"):
            row_values = sums / counts if how == "mean" else sums
        row_values[counts == 0] = np.nan
        values[row] = row_values
        names.append(item.segment)
    has_share = np.concatenate([table.has_share, np.zeros(len(series), dtype=bool)])
    return SeriesTable(table.freq, lo, names, values, totals, has_share, table.undated, table.documents, dict(table.meta))

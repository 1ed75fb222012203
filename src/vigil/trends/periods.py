"""Calendar buckets: days and ISO weeks (Monday first), as integer indexes for fast counting.

A timestamp becomes an integer day (days since 1970-01-01 in UTC) once, and every later
step works on integer arrays: a weekly period index is ``(day + 3) // 7`` because
1970-01-01 was a Thursday, three days after the Monday that starts its ISO week.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Final

import numpy as np
import numpy.typing as npt

EPOCH: Final = date(1970, 1, 1)
#: Days from the Monday that starts the ISO week of 1970-01-01 (a Thursday) to that day.
_EPOCH_WEEKDAY: Final = EPOCH.weekday()

IntArray = npt.NDArray[np.int64]


class Freq(StrEnum):
    """Period length of a series: ``D`` (days) or ``W`` (ISO weeks, Monday first)."""

    DAY = "D"
    WEEK = "W"


def parse_freq(value: str) -> Freq:
    """``"W"``/``"D"`` (any case) to :class:`Freq`; raises ValueError otherwise."""
    return Freq(value.strip().upper())


def day_number(moment: datetime | date) -> int:
    """Days since 1970-01-01 of a date, or of an aware datetime's UTC date."""
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        moment = moment.date()
    return (moment - EPOCH).days


def period_of_days(days: IntArray, freq: Freq) -> IntArray:
    """Period index of each day number (vectorised)."""
    if freq is Freq.DAY:
        return days
    return (days + _EPOCH_WEEKDAY) // 7


def period_start_day(periods: IntArray, freq: Freq) -> IntArray:
    """Day number of the first day of each period index."""
    if freq is Freq.DAY:
        return periods
    return periods * 7 - _EPOCH_WEEKDAY


def day_to_date(day: int) -> date:
    return EPOCH + timedelta(days=int(day))


def period_start(moment: datetime | date, freq: Freq) -> date:
    """The first day of the period holding ``moment`` (its UTC date for datetimes)."""
    day = np.asarray([day_number(moment)], dtype=np.int64)
    return day_to_date(int(period_start_day(period_of_days(day, freq), freq)[0]))


def weekday_of_days(days: IntArray) -> IntArray:
    """Monday=0 … Sunday=6 for day numbers."""
    return (days + _EPOCH_WEEKDAY) % 7

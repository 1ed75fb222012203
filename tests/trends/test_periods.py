from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pytest

from vigil.trends.periods import Freq, day_number, parse_freq, period_of_days, period_start, period_start_day


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (date(2024, 1, 1), date(2024, 1, 1)),  # a Monday starts its own week
        (date(2024, 1, 7), date(2024, 1, 1)),  # Sunday belongs to the week before
        (date(2024, 1, 8), date(2024, 1, 8)),
        (date(2021, 1, 3), date(2020, 12, 28)),  # ISO week 53 of 2020 reaches into 2021
        (date(2020, 12, 31), date(2020, 12, 28)),
        (date(2027, 1, 1), date(2026, 12, 28)),  # Friday 1 January: week starts in the old year
        (date(2025, 12, 29), date(2025, 12, 29)),  # ISO week 1 of 2026 starts in 2025
        (date(1970, 1, 1), date(1969, 12, 29)),  # the epoch is a Thursday
        (date(1969, 12, 28), date(1969, 12, 22)),  # before the epoch
    ],
)
def test_iso_week_start(moment: date, expected: date) -> None:
    start = period_start(moment, Freq.WEEK)
    assert start == expected
    assert start.weekday() == 0
    assert start.isocalendar()[:2] == moment.isocalendar()[:2]


def test_every_day_of_a_decade_lands_in_its_iso_week() -> None:
    days = np.arange(day_number(date(2019, 12, 20)), day_number(date(2030, 1, 10)), dtype=np.int64)
    starts = period_start_day(period_of_days(days, Freq.WEEK), Freq.WEEK)
    epoch = date(1970, 1, 1)
    for day, start in zip(days[::37], starts[::37], strict=True):
        d = epoch + timedelta(days=int(day))
        s = epoch + timedelta(days=int(start))
        assert s == d - timedelta(days=d.weekday())


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2024, 3, 5, 23, 59, tzinfo=UTC), date(2024, 3, 5)),
        # 01:30 in Kyiv (UTC+2) is still the previous day in UTC: buckets are UTC days.
        (datetime(2024, 3, 6, 1, 30, tzinfo=timezone(timedelta(hours=2))), date(2024, 3, 5)),
        (datetime(2024, 12, 31, 22, 0, tzinfo=timezone(timedelta(hours=-5))), date(2025, 1, 1)),
        (date(2024, 2, 29), date(2024, 2, 29)),
    ],
)
def test_daily_buckets_are_utc_dates(moment: datetime | date, expected: date) -> None:
    assert period_start(moment, Freq.DAY) == expected


@pytest.mark.parametrize(("text", "freq"), [("W", Freq.WEEK), ("w", Freq.WEEK), (" D ", Freq.DAY)])
def test_parse_freq(text: str, freq: Freq) -> None:
    assert parse_freq(text) is freq


@pytest.mark.parametrize("text", ["M", "", "week"])
def test_parse_freq_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_freq(text)

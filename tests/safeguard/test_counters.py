"""Aggregate counters: upserts accumulate; stats are pure arithmetic on counts."""

from __future__ import annotations

from datetime import date

from vigil.safeguard.counters import Counters, query_stats, summarize
from vigil.store import Store


def test_summarize_share_and_repeat_rate() -> None:
    rows = [
        (date(2026, 3, 1), "exploitation", "en", 12, 3),
        (date(2026, 3, 1), "neutral", "en", 9988, 0),
        (date(2026, 3, 2), "exploitation", "uk", 8, 1),
        (date(2026, 3, 2), "at_risk", "uk", 92, 0),
    ]
    report = summarize(rows, date(2026, 3, 1), date(2026, 3, 3))
    day1, day2, day3 = report["days"]
    assert day1["exploitation_share"] == 12 / 10000
    assert day1["repeat_rate"] == 3 / 12
    assert day2["exploitation_share"] == 8 / 100
    assert day3["queries"] == 0 and day3["exploitation_share"] is None
    assert report["total"]["queries"] == 10100
    assert report["total"]["repeat_rate"] == 4 / 20
    assert report["by_lang"]["uk"]["at_risk"] == 92


def test_counters_flush_accumulates(store: Store) -> None:
    counters = Counters(store)
    day = date(2026, 2, 1)
    for _ in range(5):
        counters.count_query("exploitation", "en", day=day)
    counters.count_query("exploitation", "en", prior_deterrence=True, day=day)
    counters.count_query("neutral", "uk", day=day)
    counters.flush()
    counters.count_query("exploitation", "en", day=day)
    counters.flush()
    counters.flush()
    report = query_stats(store, days=1, until=day)
    assert report["total"]["exploitation"] == 7
    assert report["total"]["repeats"] == 1
    assert report["total"]["queries"] == 8


def test_counters_without_store_do_nothing() -> None:
    counters = Counters(None)
    counters.count_query("neutral", "en")
    counters.flush()
    assert counters.due() is False

"""A seeded synthetic ad market for benchmarks and tests: counts per segment and period.

The market posts ``weekly_ads`` ads a week on average, spread over days with a weekly
rhythm (busier weekends), with a common week-to-week shock (gamma, coefficient of
variation ``market_cv``) that moves every segment together — the kind of variation the
share test is there to see through. Each segment holds a share of the ads, itself
wobbling from period to period (``share_cv``). A planted change multiplies one segment's
share by ``rise`` from a given week on. Everything is drawn from ``numpy.random.Generator``
seeded by the caller, so a run is reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from vigil.trends.periods import Freq, period_of_days
from vigil.trends.series import SeriesTable, build_table

#: Relative posting volume Monday..Sunday.
WEEKDAY_PROFILE = np.array([0.9, 0.9, 0.95, 1.0, 1.1, 1.15, 1.0])
#: Monday 2024-01-01 as a day number, where synthetic markets start.
START_DAY = 19723
#: Shares of the background segments (a market has many, of all sizes).
BACKGROUND_SHARES = (0.3, 0.2, 0.15, 0.1, 0.1, 0.08, 0.05, 0.05, 0.04, 0.03, 0.03, 0.02, 0.02, 0.02, 0.01, 0.01, 0.01, 0.005, 0.005)


@dataclass(frozen=True)
class Market:
    weeks: int = 43
    weekly_ads: float = 300.0
    target_share: float = 0.05
    rise: float = 1.0
    rise_week: int = 30
    market_cv: float = 0.1
    share_cv: float = 0.1
    background: tuple[float, ...] = field(default=BACKGROUND_SHARES)


def market_table(market: Market, seed: int, freq: Freq) -> SeriesTable:
    """A table of the market: rows ``target`` and ``bg<i>`` (and ``all``), daily or weekly."""
    rng = np.random.default_rng(seed)
    n_days = market.weeks * 7
    day_index = np.arange(n_days)
    week_of_day = day_index // 7
    shock = rng.gamma(1 / market.market_cv**2, market.market_cv**2, market.weeks) if market.market_cv > 0 else np.ones(market.weeks)
    mean_daily = market.weekly_ads / WEEKDAY_PROFILE.sum() * WEEKDAY_PROFILE[day_index % 7] * shock[week_of_day]
    totals = rng.poisson(mean_daily)
    shares = np.array([market.target_share, *market.background])
    names = ["target", *(f"bg{i}" for i in range(len(market.background)))]
    wobble = (
        rng.gamma(1 / market.share_cv**2, market.share_cv**2, (len(shares), market.weeks))
        if market.share_cv > 0
        else np.ones((len(shares), market.weeks))
    )
    rate = shares[:, np.newaxis] * wobble[:, week_of_day]
    rate[0, week_of_day >= market.rise_week] *= market.rise
    counts = rng.binomial(totals[np.newaxis, :], np.minimum(rate, 1.0))
    days = np.repeat(START_DAY + day_index, totals)
    # One synthetic document per ad; segment membership by counts per day, which is all a table needs.
    doc_of_day_start = np.concatenate([[0], np.cumsum(totals)[:-1]])
    seg_ids: list[np.ndarray] = []
    seg_docs: list[np.ndarray] = []
    for row in range(len(shares)):
        per_day = counts[row]
        seg_ids.append(np.full(int(per_day.sum()), row, dtype=np.int64))
        seg_docs.append(np.repeat(doc_of_day_start, per_day) + _ranks(per_day))
    return build_table(days, np.concatenate(seg_ids), np.concatenate(seg_docs), names, freq)


def _ranks(per_day: np.ndarray) -> np.ndarray:
    """0, 1, …, k-1 for each day with k members (which documents of the day belong)."""
    total = int(per_day.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.repeat(np.cumsum(per_day) - per_day, per_day)
    ranks: np.ndarray = np.arange(total) - starts
    return ranks


def rise_period(market: Market, freq: Freq) -> int:
    """Column index of the first period of the planted rise."""
    first = int(period_of_days(np.array([START_DAY]), freq)[0])
    day = START_DAY + market.rise_week * 7
    return int(period_of_days(np.array([day]), freq)[0]) - first

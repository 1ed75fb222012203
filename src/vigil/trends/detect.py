"""Spike detection: is this period's count (or share) beyond what the segment's own history explains?

For every segment and period, the trailing ``window`` periods give a baseline:

* **count test** — expected count = trailing mean (for daily series rescaled by a
  day-of-week factor taken from the whole market's trailing window); the predictive
  distribution is negative binomial with the segment's overdispersion (method of moments
  on the trailing window, shrunk towards the mean overdispersion of all segments in that
  period, because a dozen values say little about a variance) plus the uncertainty of the
  estimated mean;
* **share test** — expected count = this period's total × the trailing share, with the
  between-period overdispersion of the share, so a market that grows as a whole does not
  make every segment look like it rises;
* **block tests** — both tests again on the sum of the last ``sustain`` periods (2 and 4
  weeks; 7 and 14 days), so a rise that is modest each period but held is caught.

Each p-value is two-sided (twice the smaller tail). Within a period, all tests of all
segments form one family and Benjamini–Hochberg q-values control the false-discovery rate.
A segment alerts on its share; it alerts on its count only when its share moved the same
way too (``share_support``), so a market-wide surge is one alert on ``all`` rather than one
per segment. Rows outside the document total (``all``, ``search:``) use the count test.
An alert also needs ``p ≤ max_p`` (an absolute guard for small families), and the
minimum-volume rule: rises need observed ≥ ``min_count``, observed − expected ≥
``min_excess`` and observed/expected ≥ ``min_ratio``; falls the mirror image.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt
from scipy import stats

from vigil.trends.periods import Freq
from vigil.trends.series import FloatArray, SeriesTable

if TYPE_CHECKING:
    from vigil.settings import Settings

BoolArray = npt.NDArray[np.bool_]

#: Periods in the week, for day-of-week seasonality of daily series.
WEEK: Final = 7
#: Smallest trailing mean used to estimate a segment's overdispersion (noise below it).
DISPERSION_MIN_MEAN: Final = 3.0

#: Periods of history a period is compared with.
DEFAULT_WINDOW: Final = 12


@dataclass(frozen=True, slots=True)
class DetectionParams:
    """Settings of the detector; defaults are the tuned values in ``docs/trends.md``."""

    window: int = DEFAULT_WINDOW
    gap: int = 1
    min_history: int = 4
    fdr: float = 0.05
    max_p: float = 5e-5
    min_count: float = 5.0
    min_excess: float = 3.0
    min_ratio: float = 1.5
    dispersion_prior: float = 8.0
    share_support: float = 0.05
    sustain: tuple[int, ...] = (2, 4)
    sustain_daily: tuple[int, ...] = (7, 14)
    directions: tuple[str, ...] = ("up", "down")

    @classmethod
    def from_settings(cls, settings: Settings, window: int | None = None) -> DetectionParams:
        """The detector as the settings configure it (the one place settings become parameters)."""
        return cls(
            window=window or DEFAULT_WINDOW,
            fdr=settings.trends_fdr,
            max_p=settings.trends_max_p,
            min_count=settings.trends_min_count,
            min_excess=settings.trends_min_excess,
        )

    def for_freq(self, freq: Freq) -> DetectionParams:
        """Daily series look back ``window`` weeks of days so every weekday is seen ``window`` times."""
        if freq is Freq.DAY:
            return DetectionParams(
                **{
                    **asdict(self),
                    "window": self.window * WEEK,
                    "min_history": self.min_history * WEEK,
                    "sustain": self.sustain_daily,
                }
            )
        return self


@dataclass(frozen=True, slots=True)
class Alert:
    """One segment-period whose count or share left its expected range."""

    segment: str
    freq: str
    period_start: date
    observed: float
    expected: float
    ratio: float | None
    p_value: float
    q_value: float
    direction: str
    test: str
    total: float
    share: float | None
    expected_share: float | None
    periods: int = 1

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["period_start"] = self.period_start.isoformat()
        return out


@dataclass
class Baselines:
    """Per-cell results of both tests (rows = segments, columns = periods); NaN where untested."""

    expected: FloatArray
    p_count: FloatArray
    expected_share_count: FloatArray
    p_share: FloatArray
    observed: FloatArray
    totals: FloatArray
    span: int = 1


def _window_sums(x: FloatArray, window: int, gap: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Trailing sums over ``window`` periods ending ``gap`` periods before each column: sum, sum of squares, non-NaN count."""
    valid = ~np.isnan(x)
    filled = np.where(valid, x, 0.0)
    n_rows, n_cols = x.shape
    zeros = np.zeros((n_rows, 1))
    c1 = np.hstack([zeros, np.cumsum(filled, axis=1)])
    c2 = np.hstack([zeros, np.cumsum(filled * filled, axis=1)])
    cn = np.hstack([zeros, np.cumsum(valid, axis=1, dtype=np.float64)])
    hi = np.maximum(np.arange(n_cols) - gap, 0)
    lo = np.maximum(hi - window, 0)
    return c1[:, hi] - c1[:, lo], c2[:, hi] - c2[:, lo], cn[:, hi] - cn[:, lo]


def weekday_factors(totals: FloatArray, window: int) -> FloatArray:
    """Each day's expected share of a week from the market's trailing window (1.0 where unknown)."""
    n = totals.size
    factors = np.ones(n)
    weeks = max(window // WEEK, 1)
    padded = np.concatenate([np.zeros(weeks * WEEK), totals])
    same_day = np.zeros(n)
    for k in range(1, weeks + 1):
        same_day += padded[weeks * WEEK - k * WEEK : weeks * WEEK - k * WEEK + n]
    cum = np.concatenate([[0.0], np.cumsum(totals)])
    idx = np.arange(n)
    all_days = cum[idx] - cum[np.maximum(idx - weeks * WEEK, 0)]
    seen = np.minimum(idx, weeks * WEEK)
    ok = (idx >= weeks * WEEK) & (all_days > 0)
    factors[ok] = (same_day[ok] / weeks) / (all_days[ok] / seen[ok])
    return np.clip(factors, 0.05, 20.0)


def _nb_two_sided(observed: FloatArray, mean: FloatArray, variance: FloatArray) -> FloatArray:
    """Two-sided p-values of observed counts under a negative binomial (Poisson when not overdispersed)."""
    obs = np.round(observed)
    p = np.ones_like(mean)
    over = variance > mean * (1 + 1e-9)
    if over.any():
        size = mean[over] ** 2 / (variance[over] - mean[over])
        prob = size / (size + mean[over])
        upper = stats.nbinom.sf(obs[over] - 1, size, prob)
        lower = stats.nbinom.cdf(obs[over], size, prob)
        p[over] = np.minimum(1.0, 2 * np.minimum(upper, lower))
    pois = ~over
    if pois.any():
        upper = stats.poisson.sf(obs[pois] - 1, mean[pois])
        lower = stats.poisson.cdf(obs[pois], mean[pois])
        p[pois] = np.minimum(1.0, 2 * np.minimum(upper, lower))
    return p


def _shrunk(raw: FloatArray, weight_mask: BoolArray, n: FloatArray, prior_n: float) -> FloatArray:
    """Shrink per-row dispersion estimates towards each column's mean over well-filled rows (the median sits low: the estimates are skewed)."""
    masked = np.where(weight_mask, raw, np.nan)
    with np.errstate(all="ignore"):
        pooled = np.nanmean(np.where(np.isnan(masked).all(axis=0, keepdims=True), 0.0, masked), axis=0)
    pooled = np.nan_to_num(pooled, nan=0.0)
    shrunk: FloatArray = (n * np.nan_to_num(raw, nan=0.0) + prior_n * pooled[np.newaxis, :]) / (n + prior_n)
    return shrunk


def _eligible(observed: FloatArray, expected: FloatArray, params: DetectionParams) -> BoolArray:
    up = (
        (observed >= params.min_count)
        & (observed - expected >= params.min_excess)
        & (observed >= params.min_ratio * expected)
    )
    down = (
        (expected >= params.min_count)
        & (expected - observed >= params.min_excess)
        & (expected >= params.min_ratio * observed)
    )
    if "up" not in params.directions:
        up[:] = False
    if "down" not in params.directions:
        down[:] = False
    return up | down


def _block(x: FloatArray, span: int) -> FloatArray:
    """Sums over the ``span`` periods ending at each column (NaN where the block is incomplete or has gaps)."""
    if span == 1:
        return x
    n_cols = x.shape[1]
    gaps = np.isnan(x)
    zeros = np.zeros((x.shape[0], 1))
    c1 = np.hstack([zeros, np.cumsum(np.where(gaps, 0.0, x), axis=1)])
    cg = np.hstack([zeros, np.cumsum(gaps, axis=1, dtype=np.float64)])
    hi = np.arange(1, n_cols + 1)
    lo = np.maximum(hi - span, 0)
    out: FloatArray = c1[:, hi] - c1[:, lo]
    out[(cg[:, hi] - cg[:, lo] > 0) | (hi - lo < span)[np.newaxis, :]] = np.nan
    return out


def baselines(table: SeriesTable, params: DetectionParams, span: int = 1) -> Baselines:
    """Expected counts and p-values of both tests for every cell with enough history.

    ``span`` > 1 tests the sum of the last ``span`` periods against a baseline that ends
    before them (the sustained-rise test); each period's figures are then block sums.
    """
    if table.freq is Freq.DAY and span > 1:
        return _daily_block_baselines(table, params, span)
    p = params.for_freq(table.freq)
    x = table.values
    n_cols = x.shape[1]
    lag = p.gap + span - 1
    s1, _, n = _window_sums(x, p.window, lag)
    factors = np.ones(n_cols)
    if table.freq is Freq.DAY and n_cols:
        factors = weekday_factors(table.totals, p.window)
    xs = x / factors[np.newaxis, :]
    a1, a2, _ = _window_sums(xs, p.window, lag)
    enough = n >= p.min_history
    with np.errstate(divide="ignore", invalid="ignore"):
        level = (a1 + 0.5) / n
        var = np.maximum(a2 / n - (a1 / n) ** 2, 0.0) * n / np.maximum(n - 1, 1)
        mean_adj = a1 / n
        raw_alpha = np.maximum(var - mean_adj, 0.0) / np.maximum(mean_adj, 1e-9) ** 2
    alpha = _shrunk(raw_alpha, enough & (mean_adj >= DISPERSION_MIN_MEAN), n, p.dispersion_prior)
    block_x = _block(x, span)
    block_factors = _block(factors[np.newaxis, :], span)[0]
    expected = level * block_factors[np.newaxis, :]
    enough &= ~np.isnan(block_factors)[np.newaxis, :]
    expected[~enough] = np.nan
    # Periods are taken as independent given the baseline, so over a block the
    # overdispersion adds up (μ + αμ²/span); plus the uncertainty of the estimated mean.
    variance = (expected + alpha * expected**2 / span) * (1 + span / np.maximum(n, 1))
    observed = np.nan_to_num(block_x, nan=0.0)
    tested = enough & ~np.isnan(block_x)
    candidates = tested & _eligible(observed, np.nan_to_num(expected), p)
    p_count = np.where(tested, 1.0, np.nan)
    if candidates.any():
        p_count[candidates] = _nb_two_sided(observed[candidates], expected[candidates], variance[candidates])

    totals = np.broadcast_to(table.totals, x.shape)
    period_block_totals = np.nan_to_num(_block(table.totals[np.newaxis, :], span)[0])
    block_totals = np.broadcast_to(period_block_totals, x.shape)
    t1, _, _ = _window_sums(np.where(np.isnan(x), np.nan, totals), p.window, lag)
    with np.errstate(divide="ignore", invalid="ignore"):
        p0 = (s1 + 0.5) / (t1 + 1.0)
        # Pearson dispersion of the share, from each period's residual against its own baseline;
        # only periods with an established baseline give a meaningful residual.
        shares_ok = table.has_share[:, np.newaxis] & (totals > 0) & enough & (t1 > 0)
        var_unit = totals * p0 * (1 - p0)
        resid = np.where(shares_ok, (np.nan_to_num(x) - totals * p0) ** 2 / np.maximum(var_unit, 1e-9), 0.0)
    r1, _, rn = _window_sums(np.where(shares_ok, resid, np.nan), p.window, p.gap)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi_raw = np.maximum(r1 / np.maximum(rn - 1, 1) - 1.0, 0.0)
    phi = 1.0 + _shrunk(phi_raw, enough & (s1 / np.maximum(n, 1) >= DISPERSION_MIN_MEAN), n, p.dispersion_prior)
    share_ok = tested & table.has_share[:, np.newaxis] & (block_totals > 0) & (t1 > 0)
    exp_share = np.where(share_ok, block_totals * p0, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        share_var = phi * exp_share * (1 - p0) * (1 + block_totals / np.maximum(t1, 1.0))
    p_share = np.where(share_ok, 1.0, np.nan)
    # Share p-values are also needed where only the count moved: they say whether the market explains it.
    cand_share = share_ok & (_eligible(observed, np.nan_to_num(exp_share), p) | candidates)
    if cand_share.any():
        p_share[cand_share] = _nb_two_sided(observed[cand_share], exp_share[cand_share], share_var[cand_share])
    return Baselines(expected, p_count, exp_share, p_share, block_x, period_block_totals, span)


def _daily_block_baselines(table: SeriesTable, params: DetectionParams, span: int) -> Baselines:
    """Block tests of a daily series: each block of ``span`` days against the earlier blocks that end on the same weekday.

    Days of one week share its shocks (a busy week lifts all its days), and daily counts are
    too small to estimate that from; non-overlapping blocks are compared with each other
    instead, like weeks, so their overdispersion is measured where it lives.
    """
    p = params.for_freq(table.freq)
    blocks = _block(table.values, span)
    block_totals = _block(table.totals[np.newaxis, :], span)[0]
    n_rows, n_cols = blocks.shape
    as_weeks = DetectionParams(
        **{
            **asdict(params),
            "window": max(p.window // span, 2),
            "gap": 1,
            "min_history": max(p.min_history // span, 3),
            "sustain": (),
        }
    )
    out = [np.full((n_rows, n_cols), np.nan) for _ in range(5)]
    totals_out = np.nan_to_num(block_totals)
    for phase in range(min(span, n_cols)):
        cols = np.arange(phase, n_cols, span)
        sub = SeriesTable(
            Freq.WEEK, 0, table.segments, blocks[:, cols], np.nan_to_num(block_totals[cols]), table.has_share
        )
        base = baselines(sub, as_weeks)
        for target, source in zip(out, (base.expected, base.p_count, base.expected_share_count, base.p_share, blocks[:, cols]), strict=True):
            target[:, cols] = source
    return Baselines(out[0], out[1], out[2], out[3], out[4], totals_out, span)


def benjamini_hochberg(p_values: FloatArray) -> FloatArray:
    """BH q-values (adjusted p-values) of one family; NaN entries are not part of it and stay NaN.

    SciPy's ``false_discovery_control``, on the entries that are part of the family.
    """
    q = np.full(p_values.shape, np.nan)
    valid = ~np.isnan(p_values)
    if valid.any():
        q[valid] = stats.false_discovery_control(p_values[valid], method="bh")
    return q


def detect(table: SeriesTable, params: DetectionParams | None = None) -> list[Alert]:
    """Alerts for every segment-period whose count or share is significantly off, sorted by period then q.

    Each period is tested on its own and as the last of blocks of ``sustain`` periods (a
    rise that is modest each period but held is caught by a block).
    """
    params = params or DetectionParams()
    p = params.for_freq(table.freq)
    spans = [1, *sorted({s for s in p.sustain if s > 1})]
    bases = [baselines(table, params, span) for span in spans]
    starts = table.period_starts()
    alerts: list[Alert] = []
    n_rows = table.values.shape[0]
    for col in range(table.n_periods):
        family = np.concatenate([arr[:, col] for b in bases for arr in (b.p_count, b.p_share)])
        q = benjamini_hochberg(family).reshape(len(bases), 2, n_rows)
        done = np.zeros(n_rows, dtype=bool)
        # Preference: single-period share, block share, single-period count, block count.
        for test in ("share", "count"):
            for index, base in enumerate(bases):
                hits = _hits(table, base, col, q[index], p, test) & ~done
                for row in np.flatnonzero(hits):
                    alerts.append(_alert(table, base, int(row), col, starts[col], test, q[index, 1 if test == "share" else 0, row]))
                done |= hits
    return sorted(alerts, key=lambda a: (a.period_start, a.q_value, a.segment))


def _hits(table: SeriesTable, base: Baselines, col: int, q: FloatArray, p: DetectionParams, test: str) -> BoolArray:
    observed = np.nan_to_num(base.observed[:, col])
    q_count, q_share = q[0], q[1]
    p_count, p_share = base.p_count[:, col], base.p_share[:, col]
    if test == "share":
        hit: BoolArray = ~np.isnan(q_share) & (q_share <= p.fdr) & (p_share <= p.max_p)
        hit &= _eligible(observed, np.nan_to_num(base.expected_share_count[:, col]), p)
        return hit
    hit_count: BoolArray = ~np.isnan(q_count) & (q_count <= p.fdr) & (p_count <= p.max_p)
    hit_count &= _eligible(observed, np.nan_to_num(base.expected[:, col]), p)
    # A segment that is part of the market must also move against the market (share) to
    # raise a count alert: a market-wide surge is the ``all`` row's alert, not every segment's.
    same_way = np.sign(observed - base.expected[:, col]) == np.sign(observed - base.expected_share_count[:, col])
    supported = ~table.has_share | ((np.nan_to_num(p_share, nan=1.0) <= p.share_support) & same_way)
    hit_count &= supported
    return hit_count


def _alert(table: SeriesTable, base: Baselines, row: int, col: int, start: date, test: str, q: float) -> Alert:
    observed = float(base.observed[row, col])
    expected = float(base.expected_share_count[row, col] if test == "share" else base.expected[row, col])
    p_value = float(base.p_share[row, col] if test == "share" else base.p_count[row, col])
    total = float(base.totals[col])
    has_share = bool(table.has_share[row]) and total > 0
    return Alert(
        segment=table.segments[row],
        freq=table.freq.value,
        period_start=start,
        observed=observed,
        expected=round(expected, 3),
        ratio=round(observed / expected, 3) if expected > 0 else None,
        p_value=p_value,
        q_value=float(q),
        direction="up" if observed > expected else "down",
        test=test,
        total=total,
        share=round(observed / total, 5) if has_share else None,
        expected_share=round(expected / total, 5) if has_share and test == "share" else None,
        periods=base.span,
    )

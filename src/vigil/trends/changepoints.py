"""Sustained shifts: binary segmentation of a count series into periods of constant level.

Alerts flag single periods; a monitor also wants to see "the level moved from 12 to 40 a
week in March and stayed there". Binary segmentation splits a series where the Poisson
log-likelihood gains most, while the gain beats a BIC-like penalty scaled by the series'
own overdispersion (estimated from period-to-period differences, which a level shift
barely disturbs).

Hand-written on purpose: neither SciPy nor scikit-learn segments a series, and the
segmentation package in wide use (ruptures) has no Poisson cost with a penalty scaled by
overdispersion, which counts of a few ads a week call for.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Final

import numpy as np

from vigil.trends.series import FloatArray

#: Shortest run of periods that counts as a level.
MIN_RUN: Final = 3
#: Most change points reported per series.
MAX_CHANGES: Final = 8
#: Penalty per change point, in units of log(n) × dispersion (BIC has 1 for one parameter; 2 is steadier).
PENALTY_FACTOR: Final = 3.0
#: Median of a chi-square variable with one degree of freedom.
_CHI2_1_MEDIAN: Final = 0.4549


@dataclass(frozen=True, slots=True)
class Segmentation:
    """Start indexes of the runs after the first (``changes``) and the mean level of each period."""

    changes: tuple[int, ...]
    level: FloatArray


def _neg_loglik(total: FloatArray, length: FloatArray) -> FloatArray:
    """Poisson negative log-likelihood (up to a constant) of runs with these sums and lengths."""
    with np.errstate(divide="ignore", invalid="ignore"):
        value = total * np.log(total / length) - total
    return -np.where(total > 0, value, 0.0)


def _best_split(c1: FloatArray, lo: int, hi: int) -> tuple[float, int]:
    splits = np.arange(lo + MIN_RUN, hi - MIN_RUN + 1)
    whole = _neg_loglik(np.array([c1[hi] - c1[lo]]), np.array([float(hi - lo)]))[0]
    left = _neg_loglik(c1[splits] - c1[lo], (splits - lo).astype(np.float64))
    right = _neg_loglik(c1[hi] - c1[splits], (hi - splits).astype(np.float64))
    gains = whole - left - right
    best = int(np.argmax(gains))
    return float(gains[best]), int(splits[best])


def dispersion(x: FloatArray) -> float:
    """Variance-to-mean ratio from first differences (robust to a few level shifts); at least 1."""
    mean = float(np.mean(x)) if x.size else 0.0
    if x.size < 3 or mean <= 0:
        return 1.0
    diffs = np.diff(x)
    return max(1.0, float(np.median(diffs**2)) / (2 * mean * _CHI2_1_MEDIAN))


def segment_levels(series: FloatArray, penalty_factor: float = PENALTY_FACTOR) -> Segmentation:
    """Change points and per-period levels of one non-negative series (NaN periods are left out of costs)."""
    x = np.nan_to_num(np.asarray(series, dtype=np.float64))
    n = x.size
    if n == 0:
        return Segmentation((), np.zeros(0))
    c1 = np.concatenate([[0.0], np.cumsum(x)])
    penalty = penalty_factor * np.log(max(n, 2)) * dispersion(x)
    changes: list[int] = []
    runs = [(0, n)]
    while runs and len(changes) < MAX_CHANGES:
        best: tuple[float, int, int, int] | None = None
        for lo, hi in runs:
            if hi - lo < 2 * MIN_RUN:
                continue
            gain, split = _best_split(c1, lo, hi)
            if best is None or gain > best[0]:
                best = (gain, lo, split, hi)
        if best is None or best[0] <= penalty:
            break
        _, lo, split, hi = best
        runs.remove((lo, hi))
        runs.extend([(lo, split), (split, hi)])
        changes.append(split)
    bounds = [0, *sorted(changes), n]
    level = np.empty(n)
    for lo, hi in itertools.pairwise(bounds):
        level[lo:hi] = (c1[hi] - c1[lo]) / (hi - lo)
    return Segmentation(tuple(sorted(changes)), level)

"""Ranking and calibration metrics for imbalanced labels: scikit-learn where it has the figure.

Accuracy is deliberately absent: on EMSCAD the rule "always legitimate" already scores
95%. Scores are leads to rank, so Vigil reports how well they rank (ROC AUC, PR-AUC,
precision at k) and whether a score of 0.8 means what it says (a reliability table).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import average_precision_score, roc_auc_score

FloatArray = NDArray[np.float64]


def _arrays(
    labels: Sequence[bool] | NDArray[np.bool_], scores: Sequence[float] | FloatArray
) -> tuple[NDArray[np.bool_], FloatArray]:
    y = np.asarray(labels, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    if y.shape != s.shape or y.ndim != 1:
        raise ValueError("labels and scores must be 1-D and of equal length")
    return y, s


def roc_auc(labels: Sequence[bool] | NDArray[np.bool_], scores: Sequence[float] | FloatArray) -> float | None:
    """Probability that a random positive outranks a random negative (ties count one half).

    scikit-learn's ``roc_auc_score``; ``None`` when only one class is present: the figure is
    undefined, not 0.5.
    """
    y, s = _arrays(labels, scores)
    if not 0 < int(y.sum()) < len(y):
        return None
    return float(roc_auc_score(y, s))


def average_precision(labels: Sequence[bool] | NDArray[np.bool_], scores: Sequence[float] | FloatArray) -> float | None:
    """PR-AUC as average precision: mean of precision at the rank of each positive.

    scikit-learn's ``average_precision_score``: tied scores are one threshold, so ties give
    no credit for a lucky order.
    """
    y, s = _arrays(labels, scores)
    if int(y.sum()) == 0:
        return None
    return float(average_precision_score(y, s))


def precision_at_k(
    labels: Sequence[bool] | NDArray[np.bool_], scores: Sequence[float] | FloatArray, k: int
) -> float | None:
    """Share of positives among the ``k`` highest scores (stable order on ties)."""
    y, s = _arrays(labels, scores)
    if k <= 0 or len(y) == 0:
        return None
    k = min(k, len(y))
    top = np.argsort(-s, kind="mergesort")[:k]
    return float(y[top].mean())


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    """One row of a reliability table: scores in ``[low, high)`` (the last bin is closed)."""

    low: float
    high: float
    count: int
    mean_score: float | None
    positive_rate: float | None


def reliability_table(
    labels: Sequence[bool] | NDArray[np.bool_],
    scores: Sequence[float] | FloatArray,
    bins: int = 10,
    negative_weight: float = 1.0,
) -> list[ReliabilityBin]:
    """Observed positive rate against mean score, in equal-width score bins.

    ``negative_weight`` counts each negative that many times, to read the table at another
    base rate than the sample's (``count`` stays the number of documents).

    Hand-written on purpose: scikit-learn's ``calibration_curve`` (1.9) takes no sample
    weights, returns no counts, drops empty bins and closes bins on the right, so it cannot
    give this table (the evaluation report prints every bin with its count).
    """
    y, s = _arrays(labels, scores)
    w = np.where(y, 1.0, negative_weight)
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.searchsorted(edges, s, side="right") - 1, 0, bins - 1)
    rows: list[ReliabilityBin] = []
    for b in range(bins):
        mask = index == b
        count = int(mask.sum())
        rows.append(
            ReliabilityBin(
                low=float(edges[b]),
                high=float(edges[b + 1]),
                count=count,
                mean_score=float(np.average(s[mask], weights=w[mask])) if count else None,
                positive_rate=float(np.average(y[mask], weights=w[mask])) if count else None,
            )
        )
    return rows


def expected_calibration_error(table: list[ReliabilityBin]) -> float | None:
    """Count-weighted mean gap between mean score and observed rate over the bins."""
    total = sum(row.count for row in table)
    if total == 0:
        return None
    gap = 0.0
    for row in table:
        if row.count and row.mean_score is not None and row.positive_rate is not None:
            gap += row.count * abs(row.mean_score - row.positive_rate)
    return gap / total


def precision_recall_at(
    labels: Sequence[bool] | NDArray[np.bool_], scores: Sequence[float] | FloatArray, threshold: float
) -> tuple[float | None, float | None, int]:
    """Precision and recall of ``score >= threshold``, and how many were selected."""
    y, s = _arrays(labels, scores)
    selected = s >= threshold
    n_sel = int(selected.sum())
    n_pos = int(y.sum())
    tp = int((y & selected).sum())
    precision = tp / n_sel if n_sel else None
    recall = tp / n_pos if n_pos else None
    return precision, recall, n_sel


def fit_platt(
    logits: Sequence[float] | FloatArray,
    labels: Sequence[bool] | NDArray[np.bool_],
    ridge: float = 1.0,
    iterations: int = 100,
    max_scale: float | None = None,
) -> tuple[float, float]:
    """Scale and shift ``(a, b)`` so that ``sigmoid(a * logit + b)`` fits the labels (Newton steps).

    The ridge pulls toward "no change" (a = 1, b = 0): with few, nearly separable labelled
    documents the unpenalised fit runs off to infinite confidence.

    Hand-written on purpose: scikit-learn's ``LogisticRegression`` penalises toward a = 0 and
    leaves the shift free, and ``CalibratedClassifierCV``'s sigmoid is unpenalised. Measured on
    30 nearly separable synthetic logits (10 positive at N(2.5, 1), 20 negative at N(-2.5, 1)):
    this fit gives (2.0, 0.16), ``LogisticRegression(C=1)`` (1.67, 0.13) and ``C=1e6``
    (21.8, 6.7), the runaway confidence the ridge is there to stop.
    """
    y, x = _arrays(labels, logits)
    t = y.astype(np.float64)

    def loss(a: float, b: float) -> float:
        z = np.clip(a * x + b, -30.0, 30.0)
        # log(1 + e^z) - t*z, summed, plus the ridge toward (1, 0).
        return float(np.sum(np.logaddexp(0.0, z) - t * z) + 0.5 * ridge * ((a - 1.0) ** 2 + b**2))

    a, b = 1.0, 0.0
    current = loss(a, b)
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(a * x + b, -30.0, 30.0)))
        w = p * (1 - p)
        grad = np.array([np.sum((p - t) * x) + ridge * (a - 1.0), np.sum(p - t) + ridge * b])
        hess = np.array([[np.sum(w * x * x) + ridge, np.sum(w * x)], [np.sum(w * x), np.sum(w) + ridge]])
        step = np.linalg.solve(hess, grad)
        # Halve the Newton step until the loss falls: saturated scores make full steps overshoot.
        factor = 1.0
        while factor > 1e-6:
            trial_a, trial_b = a - factor * float(step[0]), b - factor * float(step[1])
            trial = loss(trial_a, trial_b)
            if trial <= current:
                break
            factor /= 2
        else:
            break
        a, b, improvement, current = trial_a, trial_b, current - trial, trial
        if improvement < 1e-12:
            break
    if max_scale is not None and a > max_scale:
        # Keep the scale at its bound and refit the shift alone.
        a, b = max_scale, 0.0
        for _ in range(iterations * 4):
            p = 1.0 / (1.0 + np.exp(-np.clip(a * x + b, -30.0, 30.0)))
            step_b = (float(np.sum(p - t)) + ridge * b) / (float(np.sum(p * (1 - p))) + ridge)
            # Damped: the curvature vanishes where every probability saturates.
            step_b = max(-2.0, min(2.0, step_b))
            b -= step_b
            if abs(step_b) < 1e-10:
                break
    return a, b


def threshold_for_precision(
    labels: Sequence[bool] | NDArray[np.bool_],
    scores: Sequence[float] | FloatArray,
    target: float,
    negative_weight: float = 1.0,
) -> float:
    """Lowest score whose selection (score >= t) reaches ``target`` precision.

    ``negative_weight`` re-weights negatives, to read precision at another base rate.
    Returns 1.0 when no threshold reaches the target.
    """
    y, s = _arrays(labels, scores)
    for t in np.unique(s):
        selected = s >= t
        tp = float((y & selected).sum())
        fp = float((~y & selected).sum()) * negative_weight
        if tp > 0 and tp / (tp + fp) >= target:
            return float(t)
    return 1.0

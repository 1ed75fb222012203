"""Ranking and calibration metrics on examples small enough to check by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vigil.scoring import metrics


@pytest.mark.parametrize(
    ("labels", "scores", "expected"),
    [
        # 4 positive-negative pairs; 3 ordered correctly.
        ([1, 0, 1, 0], [0.9, 0.8, 0.4, 0.1], 0.75),
        ([1, 1, 0, 0], [0.9, 0.8, 0.4, 0.1], 1.0),
        ([0, 0, 1, 1], [0.9, 0.8, 0.4, 0.1], 0.0),
        # A tie between a positive and a negative counts one half.
        ([1, 0], [0.5, 0.5], 0.5),
        ([1, 0, 0], [0.5, 0.5, 0.1], 0.75),
    ],
)
def test_roc_auc_by_hand(labels: list[int], scores: list[float], expected: float) -> None:
    assert metrics.roc_auc([bool(v) for v in labels], scores) == pytest.approx(expected)


@pytest.mark.parametrize("labels", [[1, 1, 1], [0, 0], []])
def test_roc_auc_is_undefined_with_one_class(labels: list[int]) -> None:
    assert metrics.roc_auc([bool(v) for v in labels], [0.5] * len(labels)) is None


def test_average_precision_by_hand() -> None:
    # Thresholds 0.9 (P=1, R=.5), 0.8 (P=.5, R=.5), 0.4 (P=2/3, R=1): AP = .5 + 0 + 1/3.
    ap = metrics.average_precision([True, False, True, False], [0.9, 0.8, 0.4, 0.1])
    assert ap == pytest.approx(0.5 + 1 / 3)


def test_average_precision_gives_no_credit_for_a_lucky_tie_order() -> None:
    first = metrics.average_precision([True, False], [0.5, 0.5])
    second = metrics.average_precision([False, True], [0.5, 0.5])
    assert first == second == pytest.approx(0.5)


@pytest.mark.parametrize(("k", "expected"), [(1, 1.0), (2, 0.5), (3, 2 / 3), (4, 0.5), (10, 0.5)])
def test_precision_at_k_by_hand(k: int, expected: float) -> None:
    assert metrics.precision_at_k([True, False, True, False], [0.9, 0.8, 0.4, 0.1], k) == pytest.approx(expected)


def test_reliability_table_bins_and_rates() -> None:
    table = metrics.reliability_table([True, False, True, True], [0.05, 0.15, 0.95, 1.0], bins=10)
    assert [row.count for row in table] == [1, 1, 0, 0, 0, 0, 0, 0, 0, 2]
    assert table[0].positive_rate == 1.0
    assert table[1].positive_rate == 0.0
    assert table[2].mean_score is None
    assert table[9].mean_score == pytest.approx(0.975)
    assert metrics.expected_calibration_error(table) == pytest.approx((0.95 + 0.15 + 2 * 0.025) / 4)


def test_precision_recall_at_threshold() -> None:
    precision, recall, selected = metrics.precision_recall_at([True, False, True, False], [0.9, 0.8, 0.4, 0.1], 0.5)
    assert (precision, recall, selected) == (0.5, 0.5, 2)


def test_platt_fit_recovers_a_known_calibration() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(0.0, 2.0, 4000)
    labels = rng.random(4000) < 1 / (1 + np.exp(-(0.5 * x - 1.0)))
    a, b = metrics.fit_platt(x, labels, ridge=1e-6)
    assert a == pytest.approx(0.5, abs=0.08)
    assert b == pytest.approx(-1.0, abs=0.15)
    assert math.isfinite(a) and math.isfinite(b)


def test_mismatched_lengths_are_rejected() -> None:
    with pytest.raises(ValueError, match="equal length"):
        metrics.roc_auc([True, False], [0.5])

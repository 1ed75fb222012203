"""The clause model's faster paths against their plain definitions, value for value.

- word keys: a token that is its own skeleton skips the second pass;
- n-gram rows: every n-gram sliced with precomputed slices, long words included;
- sums: numpy's block reduction adds in order (a single column too, where numpy alone
  would sum pairwise);
- calibration: a logit under its column's ``_reach`` is never a hit, and the hits
  calibrated one by one in Python are those of :meth:`_Scorer.probabilities`.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from vigil.extract.normalize import normalize
from vigil.extract.skeleton import skeleton
from vigil.recognizers.clauses import (
    FEATURE_VERSION,
    SHIPPED_MODEL,
    ClauseModel,
    _in_order,
    _lowest_logit,
    clause_spans,
    clause_tokens,
    pair_features,
    token_features,
    token_key,
    word_key,
)

GOLDEN = Path(__file__).parents[1] / "data" / "indicators_golden.jsonl"
WORDS = [
    "",
    "a",
    "ab",
    "fee",
    "devochki",
    "девочки",
    "дівчатка",
    "щотижня",
    "opłata",
    "dziewczyny",
    "ukrajinka",
    "ukrayinka",
    "schtsch",
    "tsarina",
    "escorts",
    "xwyjq",
    "mädchen",
    "straße",
    "şoferul",
    "ţară",
    "κορίτσια",
    "فتيات",
    "女の子",
    "24h",
    "0157",
    "12345678",
    "x" * 70,
    "ab" * 80,
    "щ" * 90,
]


def _sequential(rows: list[list[float]]) -> list[float]:
    total = list(rows[0])
    for row in rows[1:]:
        total = [a + b for a, b in zip(total, row, strict=True)]
    return total


@pytest.mark.parametrize("word", WORDS)
def test_word_and_token_keys_are_two_skeleton_passes(word: str) -> None:
    assert word_key(word) == skeleton(skeleton(word))
    expected = "#" * min(len(word), 5) if word.isdigit() else skeleton(skeleton(word))
    assert token_key(word) == expected


@pytest.mark.parametrize("word", WORDS)
def test_feature_rows_of_any_word_are_those_of_token_features(word: str) -> None:
    model = ClauseModel(json.loads(SHIPPED_MODEL.read_text(encoding="utf-8")))
    key = token_key(word) if word else word
    for scorer in [model._all, *(scorer for _, scorer in model._by_kind.values())]:
        expected = [row for row in map(scorer.rows.get, token_features(key)) if row is not None]
        assert scorer.feature_rows(key) == expected


@pytest.mark.parametrize("width", [1, 2, 11])
@pytest.mark.parametrize(("terms", "groups"), [(1, 1), (3, 1), (8, 1), (9, 1), (40, 1), (9, 3), (130, 2)])
def test_blocks_are_summed_in_order(width: int, terms: int, groups: int) -> None:
    rng = np.random.default_rng(terms * 100 + groups * 10 + width)
    block = rng.standard_normal((terms, groups, width)) * 10.0 ** rng.uniform(-6, 6, (terms, groups, width))
    expected = np.array([_sequential([block[t, g].tolist() for t in range(terms)]) for g in range(groups)])
    assert _in_order(block).tobytes() == expected.tobytes()
    out = np.zeros((groups + 2, width))
    _in_order(block, out=out[1 : groups + 1])
    assert out[1 : groups + 1].tobytes() == expected.tobytes()


def _toy(columns: int) -> dict[str, Any]:
    """A model of ``columns`` indicators, one per kind and one kind with all of them, whose
    features are the n-grams and pairs of a long clause with random weights."""
    rng = random.Random(columns)
    words = [f"slowo{n}" for n in range(30)]
    features = {f for key in words for f in token_features(word_key(key))} | set(pair_features(words))
    return {
        "name": "clauses-toy",
        "feature_version": FEATURE_VERSION,
        "indicators": [f"ind{n}" for n in range(columns)],
        "kinds": {"job_ad": ["ind0"], "sex_ad": [f"ind{n}" for n in range(columns)]},
        "bias": [rng.uniform(-3, 0) for _ in range(columns)],
        "calibration": {"slope": [1.0] * columns, "intercept": [0.0] * columns},
        "thresholds": [0.5] * columns,
        "weights": {
            feature: [[n, rng.uniform(-1, 1) * 10.0 ** rng.uniform(-5, 1)] for n in range(columns)]
            for feature in sorted(features)
        },
    }


@pytest.mark.parametrize("columns", [1, 3])
def test_logits_add_bias_pairs_and_words_in_order_for_any_width(columns: int) -> None:
    """A clause of 30 words of 20-odd features each: every sum past numpy's pairwise blocks,
    with one column (job_ad) and several."""
    model = ClauseModel(_toy(columns))
    clause = " ".join(f"slowo{n}" for n in range(30))
    keys = clause_tokens(clause)
    for _, scorer in model._by_kind.values():
        rows = scorer.matrix.tolist()

        def summed(features: list[str], rows: list[list[float]] = rows, scorer: Any = scorer) -> list[float]:
            found = [rows[r] for r in map(scorer.rows.get, features) if r is not None]
            return _sequential(found) if found else [0.0] * len(scorer.bias)

        expected = _sequential(
            [scorer.bias.tolist(), summed(pair_features(keys)), *(summed(token_features(key)) for key in keys)]
        )
        assert scorer.logits([keys, keys[:3]])[0].tolist() == expected


def test_no_hit_lies_under_the_reach_of_its_column() -> None:
    """Logits around each column's threshold, down to a few ulps: wherever the probability
    reaches the threshold, the logit is at or above ``_reach``, and ``hits`` finds it."""
    model = ClauseModel(json.loads(SHIPPED_MODEL.read_text(encoding="utf-8")))
    for _, scorer in model._by_kind.values():
        for column, (slope, intercept, threshold) in enumerate(scorer._calibration):
            at = (math.log(threshold / (1 - threshold)) - intercept) / slope
            values = [at + step for step in (-1e-3, -1e-6, -1e-9, -1e-12, 0.0, 1e-12, 1e-9, 1e-6, 1e-3)]
            values += [math.nextafter(at, -math.inf), math.nextafter(at, math.inf)]
            logits = np.zeros((len(values), len(scorer.bias)))
            logits[:, column] = values
            reached = scorer.probabilities(logits)[:, column] >= threshold
            assert reached.any() and not reached.all()
            for value, hit in zip(values, reached.tolist(), strict=True):
                assert not hit or value >= scorer._reach[column]
    assert _lowest_logit(1.0, 0.0, 1.0) == -math.inf  # no bound: every clause is scored
    assert _lowest_logit(-1.0, 0.0, 0.5) == -math.inf
    assert _lowest_logit(1.0, 0.0, 0.5) < 0.0


def test_hits_are_the_probabilities_at_or_above_the_thresholds() -> None:
    model = ClauseModel(json.loads(SHIPPED_MODEL.read_text(encoding="utf-8")))
    rows = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]
    checked = 0
    for row in rows:
        text = normalize(str(row["text"])).text
        clauses = [text[s:e] for s, e in clause_spans(text)]
        if not clauses:
            continue
        for _, scorer in model._by_kind.values():
            probabilities = scorer.probabilities(scorer.logits([clause_tokens(c) for c in clauses]))
            expected = [
                tuple(
                    (column, round(value, 3))
                    for column, (value, threshold) in enumerate(zip(values, scorer.thresholds.tolist(), strict=True))
                    if value >= threshold
                )
                for values in probabilities.tolist()
            ]
            scorer.clause_hits.clear()
            assert scorer.hits(clauses) == expected
            checked += sum(map(bool, expected))
    assert checked > 100


@pytest.mark.parametrize(
    "text",
    [
        "x" * 70,  # only words summed alone (more than _BLOCK_FEATURES features)
        "ab" * 40 + " praca " + "щ" * 90 + ". opłata 200 zł",
        # negative cases: no letters, one short word
        "12345",
        "a",
    ],
)
def test_find_on_long_words_gives_the_full_models_hits(text: str) -> None:
    model = ClauseModel(json.loads(SHIPPED_MODEL.read_text(encoding="utf-8")))
    nt = normalize(text)
    for kind in ("job_ad", "sex_ad"):
        expected = []
        for score in model.scores(nt.text):
            reached = model.kinds[kind] & (score.probabilities >= model.thresholds)
            for index in np.flatnonzero(reached).tolist():
                expected.append((model.indicators[index], round(float(score.probabilities[index]), 3)))
        assert [(hit.indicator, hit.confidence) for hit in model.find(nt, kind)] == expected

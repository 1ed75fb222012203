"""The clause model's faster paths give the same bits as the full computation.

A document kind's scorer (its indicators' columns, its features only), the word rows
summed in blocks, the n-grams looked up as they are sliced and the per-clause hit cache
must all leave every hit, span and confidence as the full model's per-clause scores.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from vigil.extract.normalize import NormalizedText, normalize
from vigil.recognizers.clauses import (
    MAX_CLAUSE_CHARS,
    SHIPPED_MODEL,
    ClauseModel,
    clause_spans,
    clause_tokens,
    load_clause_model,
    token_features,
)

DATA = Path(__file__).parents[1] / "data"
CORPORA = ("indicators_golden.jsonl", "indicators_heldout.jsonl")


def _rows() -> list[dict[str, str]]:
    return [
        json.loads(line)
        for name in CORPORA
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _fresh() -> ClauseModel:
    return ClauseModel(json.loads(SHIPPED_MODEL.read_text(encoding="utf-8")))


def _expected(model: ClauseModel, nt: NormalizedText, kind: str) -> list[tuple[str, int, int, float]]:
    """Hits as the full model scores each clause alone (every column, every feature)."""
    allowed = model.kinds[kind]
    hits = []
    for score in model.scores(nt.text):
        start, end = nt.span(score.start, score.end)
        for index in np.flatnonzero(allowed & (score.probabilities >= model.thresholds)).tolist():
            hits.append((model.indicators[index], int(start), int(end), round(float(score.probabilities[index]), 3)))
    return hits


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        # every character str.isspace() knows is trimmed, whatever the script
        ("\u2003\u00a0praca\u3000. \x1c job \x1f", ["praca", "job"]),
        (" \t робота \n\n житло ", ["робота", "житло"]),
        # a long clause is cut at MAX_CLAUSE_CHARS after its leading spaces
        ("   " + "a" * (MAX_CLAUSE_CHARS + 50), ["a" * MAX_CLAUSE_CHARS]),
        (" " * 5 + "1" * MAX_CLAUSE_CHARS + "x", []),  # the letter lies past the cut
        # negative cases: spaces, digits and signs only
        ("\u2003 . \u00a0", []),
        ("+48 501 ; 30 €", []),
    ],
)
def test_clause_spans_trim_like_isspace(text: str, clauses: list[str]) -> None:
    assert [text[s:e] for s, e in clause_spans(text)] == clauses


def test_feature_rows_are_the_rows_of_token_features_in_order() -> None:
    model = load_clause_model()
    keys = {key for row in _rows() for key in clause_tokens(normalize(str(row["text"])).text)}
    keys |= {"#", "#####", "a", "ab", "abc", "x" * 60, "qqqzzz"}
    assert len(keys) > 1000
    for _, scorer in [(None, model._all), *model._by_kind.values()]:
        for key in keys:
            expected = [row for row in map(scorer.rows.get, token_features(key)) if row is not None]
            assert scorer.feature_rows(key) == expected, key


@pytest.mark.parametrize("kind", ["job_ad", "sex_ad"])
def test_a_kinds_scorer_has_the_full_models_bits_in_its_columns(kind: str) -> None:
    model = _fresh()
    columns, scorer = model._by_kind[kind]
    assert 0 < len(columns) < len(model.indicators)
    assert len(scorer.rows) < len(model._all.rows)  # features without weight here are left out
    clauses = [
        clause_tokens(text[s:e])
        for row in _rows()
        for text in [normalize(str(row["text"])).text]
        for s, e in clause_spans(text)
    ]
    full = model._all.logits(clauses)[:, list(columns)]
    assert scorer.logits(clauses).tobytes() == full.tobytes()


def test_find_gives_the_full_models_hits_cold_warm_and_past_the_cache_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    model = _fresh()
    reference = load_clause_model()
    documents = [(normalize(str(row["text"])), str(row.get("kind", "job_ad"))) for row in _rows()]
    documents = [(nt, kind) for nt, kind in documents if model.applies_to(kind)]
    expected = [_expected(reference, nt, kind) for nt, kind in documents]
    assert sum(map(len, expected)) > 100

    def found() -> list[list[tuple[str, int, int, float]]]:
        return [[(h.indicator, h.start, h.end, h.confidence) for h in model.find(nt, kind)] for nt, kind in documents]

    assert found() == expected  # every clause new
    assert found() == expected  # every clause from the cache
    monkeypatch.setattr("vigil.recognizers.clauses.CLAUSE_CACHE_SIZE", 16)
    monkeypatch.setattr("vigil.recognizers.clauses.TOKEN_CACHE_SIZE", 64)
    model = _fresh()
    assert found() == expected  # caches emptied again and again between texts
    most = max(len(list(clause_spans(nt.text))) for nt, _ in documents)
    assert all(len(scorer.clause_hits) <= 16 + most for _, scorer in model._by_kind.values())


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("job_ad", "Praca w Niemczech. Opłata 200 euro za wizę! Praca w Niemczech."),
        ("sex_ad", "Nowe dziewczyny. Nowe dziewczyny. Nowe dziewczyny."),
        # negative cases: no clause, a kind the model was not trained for
        ("job_ad", "+48 501 ... 30 €"),
        ("forum_post", "Praca w Niemczech. Opłata 200 euro za wizę!"),
    ],
)
def test_a_clause_repeated_in_a_text_gives_each_copy_its_hits(kind: str, text: str) -> None:
    model = _fresh()
    nt = normalize(text)
    hits = [(h.indicator, h.start, h.end, h.confidence) for h in model.find(nt, kind)]
    expected = _expected(model, nt, kind) if model.applies_to(kind) else []
    assert hits == expected
    assert [(h.indicator, h.start, h.end, h.confidence) for h in model.find(nt, kind)] == hits

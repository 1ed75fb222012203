"""The clause model scores all clauses of a text at once with the same bits as one at a time."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from vigil.extract.normalize import normalize
from vigil.recognizers.clauses import (
    SHIPPED_MODEL,
    ClauseModel,
    clause_spans,
    clause_tokens,
    load_clause_model,
    pair_features,
    token_features,
)

GOLDEN = Path(__file__).parents[1] / "data" / "indicators_golden.jsonl"


def _one_by_one(model: ClauseModel, clause: str) -> npt.NDArray[np.float64]:
    """The clause's logits as Vigil computed them before batching: one numpy sum per clause."""
    matrix = model._all.matrix
    rows = model._all.rows

    def summed(features: list[str]) -> npt.NDArray[np.float64]:
        found = [row for row in map(rows.get, features) if row is not None]
        return np.zeros(len(model.bias)) if not found else matrix[found].sum(axis=0)

    keys = clause_tokens(clause)
    parts = [model.bias, summed(pair_features(keys)), *(summed(token_features(key)) for key in keys)]
    total: npt.NDArray[np.float64] = np.add.reduce(parts)
    return total


def _texts() -> list[str]:
    rows = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [normalize(str(row["text"])).text for row in rows]


@pytest.mark.parametrize(
    "text",
    [
        "no experience. free flat!",
        "робота в польщі! житло безкоштовно, виплати щотижня",
        # one clause of many words (long sums, past numpy's 8- and 128-element blocks)
        " ".join(["praca", "od", "zaraz", "mieszkanie", "zapewnione", "kaucja", "500", "zł"] * 20),
        # clauses with one word, no known word, no pair, no letters
        "x. qqqzzz. 12345 !!! job",
        "",
    ],
)
def test_batched_logits_are_the_per_clause_sums_bit_for_bit(text: str) -> None:
    model = load_clause_model()
    clauses = [text[s:e] for s, e in clause_spans(text)]
    batched = model._logits([clause_tokens(clause) for clause in clauses])
    assert batched.shape == (len(clauses), len(model.indicators))
    for row, clause in zip(batched, clauses, strict=True):
        assert row.tobytes() == _one_by_one(model, clause).tobytes()
        assert model.logits(clause).tobytes() == row.tobytes()


def test_batched_logits_hold_over_the_golden_corpus_and_a_full_word_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    model = ClauseModel(json.loads(SHIPPED_MODEL.read_text(encoding="utf-8")))
    # A tiny cache: it is emptied between texts again and again, never inside one.
    monkeypatch.setattr("vigil.recognizers.clauses.TOKEN_CACHE_SIZE", 64)
    checked = 0
    for text in _texts():
        clauses = [text[s:e] for s, e in clause_spans(text)]
        batched = model._logits([clause_tokens(clause) for clause in clauses])
        for row, clause in zip(batched, clauses, strict=True):
            assert row.tobytes() == _one_by_one(model, clause).tobytes(), clause
            checked += 1
        assert len(model._all.token_rows) <= 64 or len(clauses) > 1
    assert checked > 500

"""The learned clause recognizer: a linear model per indicator over the clauses of an ad.

The lexicons find the phrasings someone wrote down; real ads paraphrase, inflect,
transliterate and misspell. This recognizer reads each clause of the normalized text
(split at sentence punctuation, line breaks and bullets) as a bag of features that survive
those changes: every word's Latin skeleton (the transliteration key shared with the query
check, so "робота" and "rabota" meet), the skeleton's character n-grams of 3 to 5 letters
(inflections and typos share most of them) and adjacent word pairs ("no fee" is not
"fee"). A clause's logit for an indicator is the bias plus the sum of its features'
weights; a calibrated probability at or above the indicator's threshold is a hit whose
evidence is the clause, with ``source`` naming the model.

Weights, thresholds and calibration are trained by ``vigil train clauses``
(:mod:`vigil.recognizers.clause_training`, scikit-learn) and shipped as JSON in
``model_files/clauses-v1.json``, never as a pickle. Each token's scores are computed once
and cached, so a clause costs a few dictionary look-ups and one vector sum.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from vigil.errors import ConfigError
from vigil.extract.skeleton import skeleton
from vigil.recognizers.base import IndicatorHit, NormalizedTextLike

#: Version of the feature definition; a model file of another version is refused.
FEATURE_VERSION: Final = 1
MODEL_DIR: Final = Path(__file__).parent / "model_files"
SHIPPED_MODEL: Final = MODEL_DIR / "clauses-v1.json"
#: Character n-gram lengths of a word's padded skeleton (inclusive).
NGRAM_MIN: Final = 3
NGRAM_MAX: Final = 5
#: Clauses read per text and characters per clause (bounds the work on hostile text).
MAX_CLAUSES: Final = 200
MAX_CLAUSE_CHARS: Final = 400
#: Token scores kept before the cache is emptied (bounds memory on unique streams).
TOKEN_CACHE_SIZE: Final = 200_000

_CLAUSE_BREAK: Final = re.compile(r"[.!?;\n\r•·|▪►✔✅❗☎️]+|\s[-–—]\s")
_TOKEN: Final = re.compile(r"[^\W_]+", re.UNICODE)

Vector = npt.NDArray[np.float64]
#: A word that begins no known pair feature.
_NO_PAIRS: Final[dict[str, int]] = {}


def clause_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each clause of ``text`` that holds a letter, trimmed of spaces."""
    start = 0
    for count, match in enumerate(_CLAUSE_BREAK.finditer(text), start=1):
        yield from _trimmed(text, start, match.start())
        start = match.end()
        if count >= MAX_CLAUSES:
            return
    yield from _trimmed(text, start, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end - start > MAX_CLAUSE_CHARS:
        end = start + MAX_CLAUSE_CHARS
    if any(ch.isalpha() for ch in text[start:end]):
        yield start, end


@lru_cache(maxsize=200_000)
def word_key(token: str) -> str:
    """A word's skeleton, taken to its fixed point: one pass over a Latin spelling can leave
    a digraph the Cyrillic spelling's pass already removed ("devochki" -> "devocki", while
    "девочки" -> "devoki"); a second pass makes both "devoki"."""
    once = skeleton(token)
    return skeleton(once)


def clause_tokens(clause: str) -> list[str]:
    """The clause's words as skeletons, numbers as their length in ``#`` (at most five);
    empty skeletons dropped."""
    out = []
    for token in _TOKEN.findall(clause):
        key = "#" * min(len(token), 5) if token.isdigit() else word_key(token)
        if key:
            out.append(key)
    return out


def token_features(key: str) -> list[str]:
    """Features of one word skeleton: the word itself and its character n-grams."""
    if key.startswith("#"):
        return ["d:" + key]
    padded = f" {key} "
    features = [f"w:{key}"]
    for size in range(NGRAM_MIN, NGRAM_MAX + 1):
        if size > len(padded):
            break
        features.extend(padded[i : i + size] for i in range(len(padded) - size + 1))
    return features


def pair_features(keys: Sequence[str]) -> list[str]:
    """Adjacent word pairs ("b:no fee"): the context one word needs."""
    return [f"b:{a} {b}" for a, b in pairwise(keys)]


def clause_features(clause: str) -> list[str]:
    """Every feature occurrence of a clause (what training counts and inference sums)."""
    keys = clause_tokens(clause)
    return [f for key in keys for f in token_features(key)] + pair_features(keys)


@dataclass(frozen=True, slots=True)
class ClauseScore:
    """Per-indicator probabilities of one clause of the normalized text."""

    start: int
    end: int
    probabilities: Vector


class ClauseModel:
    """Shipped weights, thresholds and calibration; build once, call many times."""

    def __init__(self, data: Mapping[str, Any], source: str | None = None) -> None:
        if data.get("feature_version") != FEATURE_VERSION:
            raise ConfigError(
                f"clause model has feature version {data.get('feature_version')!r}, need {FEATURE_VERSION}"
            )
        self.name = str(data["name"])
        self.source = source or f"model:{self.name}"
        self.indicators: tuple[str, ...] = tuple(data["indicators"])
        width = len(self.indicators)
        self.kinds: dict[str, npt.NDArray[np.bool_]] = {
            kind: np.array([ind in set(ids) for ind in self.indicators]) for kind, ids in data["kinds"].items()
        }
        self.bias: Vector = np.array(data["bias"], dtype=np.float64)
        self.slope: Vector = np.array(data["calibration"]["slope"], dtype=np.float64)
        self.intercept: Vector = np.array(data["calibration"]["intercept"], dtype=np.float64)
        self.thresholds: Vector = np.array(data["thresholds"], dtype=np.float64)
        if not all(len(v) == width for v in (self.bias, self.slope, self.intercept, self.thresholds)):
            raise ConfigError("clause model vectors do not match its indicator list")
        # One row of weights per feature; a feature's row number comes from ``_rows``.
        self._rows: dict[str, int] = {}
        matrix = np.zeros((len(data["weights"]) + 1, width))
        for number, (feature, sparse) in enumerate(data["weights"].items()):
            self._rows[str(feature)] = number
            for index, weight in sparse:
                matrix[number, int(index)] = float(weight)
        self._matrix: npt.NDArray[np.float64] = matrix
        # The pair features' rows by first word, then second ("b:no fee" at [no][fee]):
        # looked up without building the feature's string.
        self._pairs: dict[str, dict[str, int]] = {}
        for feature, row in self._rows.items():
            if feature.startswith("b:") and " " in feature:
                first, second = feature[2:].split(" ", 1)
                self._pairs.setdefault(first, {})[second] = row
        self.meta: dict[str, Any] = {k: v for k, v in data.items() if k not in ("weights",)}
        self._zero: Vector = np.zeros(width)
        # Each word skeleton's summed feature weights, a row of ``_token_matrix`` (grown
        # as words arrive), so a text's words are gathered in one indexing operation.
        self._token_rows: dict[str, int] = {}
        self._token_matrix: npt.NDArray[np.float64] = np.zeros((1024, width))

    @property
    def weights(self) -> dict[str, Vector]:
        """Each feature's weights by indicator (for inspection; scoring reads the matrix)."""
        return {feature: self._matrix[row] for feature, row in self._rows.items()}

    def _sum(self, features: Iterable[str]) -> Vector:
        rows = self._rows
        found = [row for row in map(rows.get, features) if row is not None]
        if not found:
            return self._zero
        total: Vector = self._matrix[found].sum(axis=0)
        return total

    def _token_row(self, key: str) -> int:
        """The row of ``key``'s summed weights in the token matrix (computed on first sight)."""
        row = self._token_rows.get(key)
        if row is None:
            row = len(self._token_rows)
            if row == len(self._token_matrix):
                grown = np.zeros((2 * row, self._token_matrix.shape[1]))
                grown[:row] = self._token_matrix
                self._token_matrix = grown
            self._token_matrix[row] = self._sum(token_features(key))
            self._token_rows[key] = row
        return row

    def logits(self, clause: str) -> Vector:
        """The clause's raw per-indicator scores (bias included)."""
        total: Vector = self._logits([clause_tokens(clause)])[0]
        return total

    def _logits(self, clauses: Sequence[Sequence[str]]) -> npt.NDArray[np.float64]:
        """Logits of many clauses (their word skeletons) at once, one row per clause.

        A clause's logit is ``bias + pairs + word_1 + ... + word_n`` added left to right
        (``pairs`` being its pair features' rows added in order), the order of a per-clause
        sum over axis 0. Here every clause's terms sit in one zero-padded block of shape
        (clauses, terms, indicators) summed over its middle axis: numpy adds whole rows in
        order along a non-contiguous axis, and the padding adds zeros at the end, so each
        clause gets the same additions in the same order, hence the same bits.
        """
        if len(self._token_rows) + sum(map(len, clauses)) > TOKEN_CACHE_SIZE:
            # Emptied between texts, never while a text's rows are gathered.
            self._token_rows.clear()
        pairs_of = self._pairs
        token_rows = self._token_rows
        pair_clause: list[int] = []
        pair_place: list[int] = []
        pair_rows: list[int] = []
        word_clause: list[int] = []
        word_place: list[int] = []
        word_rows: list[int] = []
        most_pairs = most_words = 0
        for number, keys in enumerate(clauses):
            found = 0
            for first, second in pairwise(keys):
                row = pairs_of.get(first, _NO_PAIRS).get(second)
                if row is not None:
                    pair_rows.append(row)
                    pair_place.append(found)
                    found += 1
            if found:
                pair_clause += [number] * found
                most_pairs = max(most_pairs, found)
            count = len(keys)
            word_clause += [number] * count
            word_place += range(2, count + 2)
            word_rows += [token_rows.get(key) or self._token_row(key) for key in keys]
            most_words = max(most_words, count)
        terms = np.zeros((len(clauses), most_words + 2, len(self.bias)))
        terms[:, 0] = self.bias
        if pair_rows:
            pairs = np.zeros((len(clauses), most_pairs, len(self.bias)))
            pairs[pair_clause, pair_place] = self._matrix[pair_rows]
            terms[:, 1] = pairs.sum(axis=1)
        terms[word_clause, word_place] = self._token_matrix[word_rows]
        total: npt.NDArray[np.float64] = terms.sum(axis=1)
        return total

    def probabilities(self, logits: Vector) -> Vector:
        """Calibrated probabilities (Platt scaling fitted out of fold at training)."""
        z = np.clip(self.slope * logits + self.intercept, -40.0, 40.0)
        result: Vector = 1.0 / (1.0 + np.exp(-z))
        return result

    def applies_to(self, kind: str) -> bool:
        return kind in self.kinds

    def scores(self, text: str) -> list[ClauseScore]:
        """Every clause of the normalized ``text`` with its probabilities."""
        return [ClauseScore(s, e, self.probabilities(self.logits(text[s:e]))) for s, e in clause_spans(text)]

    def find(self, nt: NormalizedTextLike, kind: str, lang: str = "") -> list[IndicatorHit]:
        """Hits of the indicators of ``kind`` whose probability reaches their threshold."""
        allowed = self.kinds.get(kind)
        if allowed is None or not nt.text:
            return []
        spans = list(clause_spans(nt.text))
        if not spans:
            return []
        # All clauses of a text in one array: the same element-wise arithmetic as
        # ``scores`` (so the same probabilities), without numpy's per-call cost per clause.
        text = nt.text
        probabilities = self.probabilities(self._logits([clause_tokens(text[s:e]) for s, e in spans]))
        rows, columns = np.nonzero(allowed & (probabilities >= self.thresholds))
        hits: list[IndicatorHit] = []
        for row, index in zip(rows.tolist(), columns.tolist(), strict=True):
            begin, finish = nt.span(*spans[row])
            start, end = int(begin), int(finish)  # offsets may come as numpy integers
            hits.append(
                IndicatorHit(
                    indicator=self.indicators[index],
                    start=start,
                    end=end,
                    evidence=nt.original[start:end],
                    confidence=round(float(probabilities[row, index]), 3),
                    source=self.source,
                    pattern="clause",
                    lang=lang,
                )
            )
        return hits


def merge_hits(lexicon: Sequence[IndicatorHit], model: Sequence[IndicatorHit]) -> list[IndicatorHit]:
    """Lexicon hits plus the model hits of spans no lexicon hit of the same indicator overlaps.

    Each indicator is then reported once per span: where both found it, the lexicon's
    narrower evidence stands.
    """
    if not model:
        return list(lexicon)
    by_indicator: dict[str, list[tuple[int, int]]] = {}
    for hit in lexicon:
        by_indicator.setdefault(hit.indicator, []).append((hit.start, hit.end))
    kept = list(lexicon)
    for hit in model:
        spans = by_indicator.get(hit.indicator, ())
        if not any(s < hit.end and hit.start < e for s, e in spans):
            kept.append(hit)
    kept.sort(key=lambda h: (h.start, h.end, h.indicator))
    return kept


@cache
def load_clause_model(path: Path = SHIPPED_MODEL) -> ClauseModel:
    """The shipped clause model (``vigil train clauses`` writes it)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read the clause model {path}: {exc}") from exc
    return ClauseModel(data)

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
``model_files/clauses-v1.json``, never as a pickle. Each word's scores are computed once
and cached, so a clause costs a few dictionary look-ups and one vector sum; each clause's
hits are cached too, so a clause seen before (ads repeat their boilerplate) costs one
look-up and no numpy call.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Final, cast

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
#: Clauses whose hits are kept before that cache is emptied (each entry a clause of at
#: most ``MAX_CLAUSE_CHARS`` characters and its few hits: about 10 MB when full).
CLAUSE_CACHE_SIZE: Final = 50_000

_CLAUSE_BREAK: Final = re.compile(r"[.!?;\n\r•·|▪►✔✅❗☎️]+|\s[-–—]\s")
_TOKEN: Final = re.compile(r"[^\W_]+", re.UNICODE)

Vector = npt.NDArray[np.float64]
#: A clause's hits: (column, rounded probability) of each indicator that reached its threshold.
ClauseHits = tuple[tuple[int, float], ...]
#: Features of a word summed in a block with other new words' (longer words alone).
_BLOCK_FEATURES: Final = 64
#: A word that begins no known pair feature.
_NO_PAIRS: Final[dict[str, int]] = {}


def clause_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each clause of ``text`` that holds a letter, trimmed of spaces."""
    start = 0
    for count, match in enumerate(_CLAUSE_BREAK.finditer(text), start=1):
        span = _trimmed(text, start, match.start())
        if span is not None:
            yield span
        start = match.end()
        if count >= MAX_CLAUSES:
            return
    span = _trimmed(text, start, len(text))
    if span is not None:
        yield span


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    # str.strip() drops exactly the characters for which str.isspace() holds.
    piece = text[start:end]
    kept = piece.lstrip()
    start += len(piece) - len(kept)
    end -= len(kept) - len(kept.rstrip())
    if end - start > MAX_CLAUSE_CHARS:
        end = start + MAX_CLAUSE_CHARS
        kept = text[start:end]
    return (start, end) if any(map(str.isalpha, kept)) else None


@lru_cache(maxsize=200_000)
def word_key(token: str) -> str:
    """A word's skeleton, taken to its fixed point: one pass over a Latin spelling can leave
    a digraph the Cyrillic spelling's pass already removed ("devochki" -> "devocki", while
    "девочки" -> "devoki"); a second pass makes both "devoki"."""
    once = skeleton(token)
    return skeleton(once)


@lru_cache(maxsize=200_000)
def token_key(token: str) -> str:
    """A token's key: a number as its length in ``#`` (at most five), a word its skeleton."""
    return "#" * min(len(token), 5) if token.isdigit() else word_key(token)


def clause_tokens(clause: str) -> list[str]:
    """The clause's words as skeletons, numbers as their length in ``#`` (at most five);
    empty skeletons dropped."""
    return [key for key in map(token_key, _TOKEN.findall(clause)) if key]


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


@dataclass(frozen=True, slots=True)
class _Weights:
    """The model file's features (in file order) and their weights, one row each."""

    names: list[str]
    matrix: npt.NDArray[np.float64]

    @classmethod
    def of(cls, weights: Mapping[str, Sequence[Sequence[float]]], width: int) -> _Weights:
        matrix = np.zeros((len(weights), width))
        for number, sparse in enumerate(weights.values()):
            for index, weight in sparse:
                matrix[number, int(index)] = float(weight)
        return cls([str(name) for name in weights], matrix)


class _Scorer:
    """The weights of some indicators (every one, or one document kind's) and the caches of
    the words and clauses scored with them.

    Every step works column by column, and a feature with no weight in any kept column
    only adds zeros, so a kind's scorer leaves those features out and computes the kept
    columns with the same bits as the full model: half the columns and a quarter fewer
    rows to gather, and its own caches.
    """

    def __init__(
        self, weights: _Weights, columns: Sequence[int], vectors: Sequence[Vector], *, every_feature: bool
    ) -> None:
        width = len(columns)
        self.bias, self.slope, self.intercept, self.thresholds = (np.array(v[list(columns)]) for v in vectors)
        kept = weights.matrix[:, list(columns)]
        features = np.arange(len(kept)) if every_feature else np.flatnonzero(kept.any(axis=1))
        # One row of weights per feature; a feature's row number comes from ``rows``.
        self.rows: dict[str, int] = {weights.names[f]: row for row, f in enumerate(features.tolist())}
        self.matrix: npt.NDArray[np.float64] = np.zeros((len(self.rows) + 1, width))
        self.matrix[: len(self.rows)] = kept[features]
        #: The matrix's last row, all zeros: what pads a block of rows.
        self.zero_row = len(self.rows)
        # The pair features' rows by first word, then second ("b:no fee" at [no][fee]):
        # looked up without building the feature's string.
        self.pairs: dict[str, dict[str, int]] = {}
        for feature, row in self.rows.items():
            if feature.startswith("b:") and " " in feature:
                first, second = feature[2:].split(" ", 1)
                self.pairs.setdefault(first, {})[second] = row
        # Each word skeleton's summed feature weights, a row of ``token_matrix`` (grown
        # as words arrive), so a text's words are gathered in one indexing operation.
        self.token_rows: dict[str, int] = {}
        self.token_matrix: npt.NDArray[np.float64] = np.zeros((1024, width))
        # Each clause's hits: (column, rounded probability) at or above the threshold.
        self.clause_hits: dict[str, ClauseHits] = {}

    def add_token_rows(self, keys: Iterable[str]) -> None:
        """Give each word skeleton of ``keys`` not seen before its row of summed weights.

        All new words of a text at once, their features' rows in one zero-padded block
        (words, features, columns) summed over its middle axis: the rows added first to
        last, as ``matrix[found].sum(axis=0)`` adds them, then zeros, so the same bits
        (``np.add.reduceat`` would be one call less, but adds in another order). A word
        with more features than ``_BLOCK_FEATURES`` is summed alone, keeping the block small.
        """
        token_rows = self.token_rows
        new = [key for key in dict.fromkeys(keys) if key not in token_rows]
        if not new:
            return
        first = len(token_rows)
        needed = first + len(new)
        size = len(self.token_matrix)
        if needed > size:
            while size < needed:
                size *= 2
            grown = np.zeros((size, self.token_matrix.shape[1]))
            grown[:first] = self.token_matrix[:first]
            self.token_matrix = grown
        else:
            # Rows freed when the cache was emptied hold another word's sums.
            self.token_matrix[first:needed] = 0.0
        feature_rows = self.feature_rows
        lists: list[list[int]] = []
        targets: list[int] = []
        for row, key in enumerate(new, start=first):
            token_rows[key] = row
            found = feature_rows(key)
            if len(found) > _BLOCK_FEATURES:
                self.token_matrix[row] = self.matrix[found].sum(axis=0)
            elif found:
                lists.append(found)
                targets.append(row)
        if targets:
            # Each word's rows then the all-zero last row of ``matrix`` up to the longest.
            most = max(map(len, lists))
            padding = [self.zero_row] * most
            index = np.array([row for found in lists for row in (*found, *padding[len(found) :])], dtype=np.intp)
            block = self.matrix[index.reshape(len(lists), most)]
            self.token_matrix[targets] = block.sum(axis=1)

    def feature_rows(self, key: str) -> list[int]:
        """The rows of the known features of :func:`token_features` ``(key)``, in its order,
        each n-gram looked up as it is sliced (no list of feature strings)."""
        get = self.rows.get
        if key.startswith("#"):
            found = [get("d:" + key)]
        else:
            padded = f" {key} "
            size = len(padded)
            found = [get("w:" + key)]
            for n in range(NGRAM_MIN, NGRAM_MAX + 1):
                found += [get(padded[i : i + n]) for i in range(size - n + 1)]
        return [row for row in found if row is not None]

    def logits(self, clauses: Sequence[Sequence[str]]) -> npt.NDArray[np.float64]:
        """Logits of many clauses (their word skeletons) at once, one row per clause.

        A clause's logit is ``bias + pairs + word_1 + ... + word_n`` added left to right
        (``pairs`` being its pair features' rows added in order), the order of a per-clause
        sum over axis 0. Here every clause's terms sit in one zero-padded block of shape
        (clauses, terms, indicators) summed over its middle axis: numpy adds whole rows in
        order along a non-contiguous axis, and the padding adds zeros at the end, so each
        clause gets the same additions in the same order, hence the same bits.
        """
        token_rows = self.token_rows
        known = [token_rows.get(key) for keys in clauses for key in keys]
        if None in known:
            if len(token_rows) + len(known) > TOKEN_CACHE_SIZE:
                # Emptied between texts, never while a text's rows are gathered.
                token_rows.clear()
            self.add_token_rows(key for keys in clauses for key in keys)
            known = [token_rows[key] for keys in clauses for key in keys]
        word_rows = cast(list[int], known)
        pairs_of = self.pairs
        pair_clause: list[int] = []
        pair_place: list[int] = []
        pair_rows: list[int] = []
        word_clause: list[int] = []
        word_place: list[int] = []
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
            most_words = max(most_words, count)
        width = len(self.bias)
        terms = np.zeros((len(clauses), most_words + 2, width))
        terms[:, 0] = self.bias
        if pair_rows:
            pairs = np.zeros((len(clauses), most_pairs, width))
            pairs[pair_clause, pair_place] = self.matrix[pair_rows]
            terms[:, 1] = pairs.sum(axis=1)
        terms[word_clause, word_place] = self.token_matrix[word_rows]
        total: npt.NDArray[np.float64] = terms.sum(axis=1)
        return total

    def probabilities(self, logits: Vector) -> Vector:
        z = np.clip(self.slope * logits + self.intercept, -40.0, 40.0)
        result: Vector = 1.0 / (1.0 + np.exp(-z))
        return result

    def hits(self, clauses: Sequence[str]) -> list[ClauseHits]:
        """Each clause's (column, rounded probability) at or above the column's threshold, in
        column order; clauses seen before come from the cache."""
        cache = self.clause_hits
        found: list[ClauseHits | None] = [cache.get(clause) for clause in clauses]
        missing = [number for number, hits in enumerate(found) if hits is None]
        if missing:
            if len(cache) + len(missing) > CLAUSE_CACHE_SIZE:
                cache.clear()
            # The new clauses in one array: the same element-wise arithmetic as
            # ``ClauseModel.scores`` (so the same probabilities), without numpy's per-call
            # cost per clause.
            probabilities = self.probabilities(self.logits([clause_tokens(clauses[n]) for n in missing]))
            rows, columns = np.nonzero(probabilities >= self.thresholds)
            reached: dict[int, list[tuple[int, float]]] = {}
            for row, column, value in zip(
                rows.tolist(), columns.tolist(), probabilities[rows, columns].tolist(), strict=True
            ):
                reached.setdefault(row, []).append((column, round(value, 3)))
            for row, number in enumerate(missing):
                found[number] = cache[clauses[number]] = tuple(reached.get(row, ()))
        return [hits or () for hits in found]


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
        vectors = (self.bias, self.slope, self.intercept, self.thresholds)
        if not all(len(v) == width for v in vectors):
            raise ConfigError("clause model vectors do not match its indicator list")
        self.meta: dict[str, Any] = {k: v for k, v in data.items() if k not in ("weights",)}
        weights = _Weights.of(data["weights"], width)
        #: Every indicator's columns: what ``logits`` and ``scores`` read.
        self._all = _Scorer(weights, range(width), vectors, every_feature=True)
        #: Each document kind's indicators (their indices) and their scorer: what ``find`` reads.
        self._by_kind: dict[str, tuple[tuple[int, ...], _Scorer]] = {}
        for kind, mask in self.kinds.items():
            columns = tuple(np.flatnonzero(mask).tolist())
            self._by_kind[kind] = (columns, _Scorer(weights, columns, vectors, every_feature=False))

    @property
    def weights(self) -> dict[str, Vector]:
        """Each feature's weights by indicator (for inspection; scoring reads the matrix)."""
        return {feature: self._all.matrix[row] for feature, row in self._all.rows.items()}

    def logits(self, clause: str) -> Vector:
        """The clause's raw per-indicator scores (bias included)."""
        total: Vector = self._all.logits([clause_tokens(clause)])[0]
        return total

    def _logits(self, clauses: Sequence[Sequence[str]]) -> npt.NDArray[np.float64]:
        """Logits of many clauses (their word skeletons) at once, one row per clause."""
        return self._all.logits(clauses)

    def probabilities(self, logits: Vector) -> Vector:
        """Calibrated probabilities (Platt scaling fitted out of fold at training)."""
        return self._all.probabilities(logits)

    def applies_to(self, kind: str) -> bool:
        return kind in self.kinds

    def scores(self, text: str) -> list[ClauseScore]:
        """Every clause of the normalized ``text`` with its probabilities."""
        return [ClauseScore(s, e, self.probabilities(self.logits(text[s:e]))) for s, e in clause_spans(text)]

    def find(self, nt: NormalizedTextLike, kind: str, lang: str = "") -> list[IndicatorHit]:
        """Hits of the indicators of ``kind`` whose probability reaches their threshold."""
        scorer = self._by_kind.get(kind)
        text = nt.text
        if scorer is None or not text:
            return []
        spans = list(clause_spans(text))
        if not spans:
            return []
        columns, clause_scorer = scorer
        hits: list[IndicatorHit] = []
        for (s, e), reached in zip(spans, clause_scorer.hits([text[s:e] for s, e in spans]), strict=True):
            if not reached:
                continue
            begin, finish = nt.span(s, e)
            start, end = int(begin), int(finish)  # offsets may come as numpy integers
            evidence = nt.original[start:end]
            hits.extend(
                IndicatorHit(
                    indicator=self.indicators[columns[column]],
                    start=start,
                    end=end,
                    evidence=evidence,
                    confidence=confidence,
                    source=self.source,
                    pattern="clause",
                    lang=lang,
                )
                for column, confidence in reached
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

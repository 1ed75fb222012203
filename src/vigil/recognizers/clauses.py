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
look-up and no numpy call, and so are the hits of each clause's word keys, so a new clause
with the keys of one seen before (the same words with other digits) costs no numpy call
either.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate, chain, compress, pairwise
from math import isfinite, log
from operator import ge, not_
from pathlib import Path
from typing import Any, Final, cast

import numpy as np
import numpy.typing as npt

from vigil.errors import ConfigError
from vigil.extract.skeleton import skeleton
from vigil.recognizers.base import HIT_ORDER, IndicatorHit, NormalizedTextLike

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

#: Characters that end a clause (a run of them is one break); a dash between spaces is one too.
_BREAK_CHARS: Final = r".!?;\n\r•·|▪►✔✅❗☎️"
_CLAUSE_BREAK: Final = re.compile(rf"[{_BREAK_CHARS}]+|\s[-–—]\s")
#: The same breaks, as a group: splitting at it keeps them (their lengths give the offsets).
#: Written to begin with one character set (a break's first character), which the regular
#: expression engine looks for before it tries a match: then a run of break characters, or
#: a space's dash and space.
_CLAUSE_SPLIT: Final = re.compile(rf"([{_BREAK_CHARS}\s](?:(?<=[{_BREAK_CHARS}])[{_BREAK_CHARS}]*|(?<=\s)[-–—]\s))")
#: The breaks of a text without dashes: runs of break characters only.
_CLAUSE_SPLIT_NO_DASH: Final = re.compile(rf"([{_BREAK_CHARS}]+)")
_TOKEN: Final = re.compile(r"[^\W_]+", re.UNICODE)

Vector = npt.NDArray[np.float64]
#: A clause's hits: (column, rounded probability) of each indicator that reached its threshold.
ClauseHits = tuple[tuple[int, float], ...]
#: Features of a word summed in a block with other new words' (longer words alone).
_BLOCK_FEATURES: Final = 64
#: A word that begins no known pair feature.
_NO_PAIRS: Final[dict[str, int]] = {}
#: Rows of a scorer's ``token_matrix`` that are no word's: the bias (plus zeros) and zeros.
_BIAS_ROW: Final = 0
_ZERO_ROW: Final = 1
_FIRST_WORD_ROW: Final = 2
#: How far below the logit that reaches a column's threshold a clause is still scored in
#: full (relative to that logit, at least 1e-6): rounding in the calibration is some 1e-13.
_REACH_MARGIN: Final = 1e-6


def _ngram_slices(size: int) -> tuple[slice, ...]:
    """The slices of :func:`token_features`' n-grams of a padded word of ``size`` characters,
    in its order (every 3-gram, then every 4-gram, then every 5-gram)."""
    return tuple(slice(i, i + n) for n in range(NGRAM_MIN, NGRAM_MAX + 1) for i in range(size - n + 1))


#: The n-gram slices of padded words up to 64 characters, by length (longer ones are built).
_SLICES: Final = tuple(_ngram_slices(size) for size in range(65))


def _lowest_logit(slope: float, intercept: float, threshold: float) -> float:
    """A logit below which the calibrated probability stays under ``threshold`` with room to
    spare (``-inf`` when the calibration gives no such bound: every clause is scored)."""
    if not (slope > 0.0 and isfinite(slope) and isfinite(intercept) and 0.0 < threshold < 1.0):
        return -np.inf
    z = log(threshold / (1.0 - threshold))
    if not -30.0 < z < 30.0:  # near the clip at +-40: no bound
        return -np.inf
    bound = (z - intercept) / slope
    return bound - _REACH_MARGIN * max(1.0, abs(bound))


def _in_order(block: npt.NDArray[np.float64], out: Vector | None = None) -> npt.NDArray[np.float64]:
    """``block`` summed over its first axis, its slices added first to last.

    numpy reduces the first axis of a C-ordered block that way, one whole slice at a time,
    when a slice holds two numbers or more; slices of one number it sums pairwise (in
    another order from eight of them on), so those are added one at a time here.
    """
    if block[0].size > 1:
        total: npt.NDArray[np.float64] = np.add.reduce(block, axis=0, out=out)
        return total
    if out is None:
        out = block[0].copy()
    else:
        out[...] = block[0]
    for part in block[1:]:
        out += part
    return out


def clause_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each clause of ``text`` that holds a letter, trimmed of spaces."""
    return _clauses(text)[0]


def _clauses(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """:func:`clause_spans` of ``text``, and each clause (``text[start:end]``).

    The text between clause breaks (at most ``MAX_CLAUSES`` of them: what follows the last
    is not read), trimmed of the characters ``str.strip()`` drops (those for which
    ``str.isspace()`` holds) and cut at ``MAX_CLAUSE_CHARS``; pieces without a letter are
    left out. One split of the text gives every piece and break, so their offsets are their
    lengths added up.
    """
    no_dash = "-" not in text and "–" not in text and "—" not in text
    parts = (_CLAUSE_SPLIT_NO_DASH if no_dash else _CLAUSE_SPLIT).split(text, MAX_CLAUSES)
    if len(parts) > 2 * MAX_CLAUSES:
        parts.pop()  # the text after the last break read
    # Where each part ends; a piece (every other part, from the first) ends at its start plus
    # its length, and the kept characters end where its trailing spaces begin.
    ends = list(accumulate(map(len, parts)))
    spans: list[tuple[int, int]] = []
    clauses: list[str] = []
    for piece, end in zip(parts[::2], ends[::2], strict=True):
        kept = piece.rstrip()
        if kept:
            end -= len(piece) - len(kept)
            kept = kept.lstrip()
            begin = end - len(kept)
            if len(kept) > MAX_CLAUSE_CHARS:
                kept = kept[:MAX_CLAUSE_CHARS]
                end = begin + MAX_CLAUSE_CHARS
            if any(map(str.isalpha, kept)):
                spans.append((begin, end))
                clauses.append(kept)
    return spans, clauses


def _skeleton_twice(token: str) -> str:
    once = skeleton(token)
    # A token that is its own skeleton is its own second pass too.
    return once if once == token else skeleton(once)


@lru_cache(maxsize=200_000)
def word_key(token: str) -> str:
    """A word's skeleton, taken to its fixed point: one pass over a Latin spelling can leave
    a digraph the Cyrillic spelling's pass already removed ("devochki" -> "devocki", while
    "девочки" -> "devoki"); a second pass makes both "devoki"."""
    return _skeleton_twice(token)


@lru_cache(maxsize=200_000)
def token_key(token: str) -> str:
    """A token's key: a number as its length in ``#`` (at most five), a word its skeleton
    (:func:`word_key`, without going through its cache)."""
    return "#" * min(len(token), 5) if token.isdigit() else _skeleton_twice(token)


def clause_tokens(clause: str) -> list[str]:
    """The clause's words as skeletons, numbers as their length in ``#`` (at most five);
    empty skeletons dropped."""
    return list(filter(None, map(token_key, _TOKEN.findall(clause))))


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
        # Its first rows are no word's: the bias plus a zero pair row (where a clause
        # without pair features starts) and zeros (padding).
        self.token_rows: dict[str, int] = {}
        self.token_matrix: npt.NDArray[np.float64] = np.zeros((1024, width))
        self.token_matrix[_BIAS_ROW] = self.bias + 0.0
        # Each clause's hits: (column, rounded probability) at or above the threshold.
        self.clause_hits: dict[str, ClauseHits] = {}
        # The same by the clause's word keys (:func:`clause_tokens`), which are all its hits
        # depend on: a new clause with the keys of one seen before (other digits of the same
        # length, another spelling of the same skeletons) costs no numpy call either.
        self.key_hits: dict[tuple[str, ...], ClauseHits] = {}
        # The calibration as floats, for the few logits ``hits`` calibrates one by one.
        self._calibration = list(
            zip(self.slope.tolist(), self.intercept.tolist(), self.thresholds.tolist(), strict=True)
        )
        #: Per column, a logit under which the clause cannot reach the threshold.
        self._reach: list[float] = [_lowest_logit(*calibration) for calibration in self._calibration]

    def add_token_rows(self, keys: Iterable[str]) -> None:
        """Give each word skeleton of ``keys`` not seen before its row of summed weights.

        All new words of a text at once: their features' rows in one zero-padded block
        (features, words, columns), each word's rows first to last then zeros, summed over
        the first axis in order (:func:`_in_order`), as ``matrix[found].sum(axis=0)`` adds
        them, so the same bits (``np.add.reduceat`` would need no padding, but adds in
        another order). A word with more features than ``_BLOCK_FEATURES`` is summed alone,
        keeping the block small.
        """
        token_rows = self.token_rows
        new = [key for key in dict.fromkeys(keys) if key not in token_rows]
        if not new:
            return
        first = _FIRST_WORD_ROW + len(token_rows)
        needed = first + len(new)
        size = len(self.token_matrix)
        if needed > size:
            while size < needed:
                size *= 2
            grown = np.zeros((size, self.token_matrix.shape[1]))
            grown[:first] = self.token_matrix[:first]
            self.token_matrix = grown
        token_rows.update(zip(new, range(first, needed), strict=True))
        lists = list(map(self.feature_rows, new))
        # A word summed alone, or without a known feature, gets zeros only in the block;
        # the block's sums overwrite whatever a word had left in those rows before the
        # cache was emptied.
        most = max(1, max((len(found) for found in lists if len(found) <= _BLOCK_FEATURES), default=0))
        padding = [self.zero_row] * most
        index: list[int] = []
        for found in lists:
            if len(found) <= most:
                index += found
                index += padding[len(found) :]
            else:
                index += padding
        block = self.matrix.take(np.array(index, dtype=np.intp).reshape(len(new), most).T, axis=0)
        _in_order(block, out=self.token_matrix[first:needed])
        for row, found in enumerate(lists, start=first):
            if len(found) > most:
                _in_order(self.matrix.take(found, axis=0), out=self.token_matrix[row])

    def feature_rows(self, key: str) -> list[int]:
        """The rows of the known features of :func:`token_features` ``(key)``, in its order,
        each n-gram looked up as it is sliced (no list of feature strings)."""
        get = self.rows.get
        if key.startswith("#"):
            found = [get("d:" + key)]
        else:
            padded = f" {key} "
            size = len(padded)
            slices = _SLICES[size] if size < len(_SLICES) else _ngram_slices(size)
            found = [get("w:" + key), *map(get, map(padded.__getitem__, slices))]
        return [row for row in found if row is not None]

    def logits(self, clauses: Sequence[Sequence[str]]) -> npt.NDArray[np.float64]:
        """Logits of many clauses (their word skeletons) at once, one row per clause.

        A clause's logit is ``bias + pairs + word_1 + ... + word_n`` added left to right
        (``pairs`` being its pair features' rows added in order), the order of a per-clause
        sum over axis 0. Here a clause starts from the bias plus its pairs (plus zeros
        without pairs: ``token_matrix``'s first row), its words' rows follow, then zeros up
        to the longest clause: one block (terms, clauses, columns) summed over its first
        axis in order (:func:`_in_order`), the padding adding zeros at the end, so each
        clause gets the same additions in the same order, hence the same bits.
        """
        token_rows = self.token_rows
        keys = list(chain.from_iterable(clauses))
        known = list(map(token_rows.get, keys))
        if None in known:
            if len(token_rows) + len(known) > TOKEN_CACHE_SIZE:
                # Emptied between texts, never while a text's rows are gathered.
                token_rows.clear()
                self.add_token_rows(keys)
            else:
                self.add_token_rows(compress(keys, map(not_, known)))
            known = list(map(token_rows.__getitem__, keys))
        word_rows = cast(list[int], known)
        most = max(map(len, clauses), default=0)
        padding = [_ZERO_ROW] * most
        pairs_of = self.pairs
        index: list[int] = []
        pair_rows: list[list[int]] = []
        with_pairs: list[int] = []
        place = 0
        for number, keys_of_clause in enumerate(clauses):
            count = len(keys_of_clause)
            if count > 1 and any(map(pairs_of.__contains__, keys_of_clause[:-1])):
                found = [
                    row
                    for first, second in pairwise(keys_of_clause)
                    if (row := pairs_of.get(first, _NO_PAIRS).get(second)) is not None
                ]
                if found:
                    pair_rows.append(found)
                    with_pairs.append(number)
            index.append(_BIAS_ROW)
            index += word_rows[place : place + count]
            index += padding[count:]
            place += count
        block = self.token_matrix.take(np.array(index, dtype=np.intp).reshape(len(clauses), most + 1).T, axis=0)
        if with_pairs:
            # Each such clause's pair rows then zeros, summed in order and added to the bias.
            most_pairs = max(map(len, pair_rows))
            zeros = [self.zero_row] * most_pairs
            pair_index: list[int] = []
            for found in pair_rows:
                pair_index += found
                pair_index += zeros[len(found) :]
            pairs = self.matrix.take(np.array(pair_index, dtype=np.intp).reshape(len(pair_rows), most_pairs).T, axis=0)
            block[0, with_pairs] = self.bias + _in_order(pairs)
        return _in_order(block)

    def probabilities(self, logits: Vector) -> Vector:
        z = np.clip(self.slope * logits + self.intercept, -40.0, 40.0)
        result: Vector = 1.0 / (1.0 + np.exp(-z))
        return result

    def hits(self, clauses: Sequence[str]) -> list[ClauseHits]:
        """Each clause's (column, rounded probability) at or above the column's threshold, in
        column order; clauses seen before come from the cache, and clauses with the word keys
        of one seen before from the cache by keys (a clause's logits are a function of its
        keys: a batch's padding only adds zeros, which change no hit).

        The probability grows with the logit, so a logit under its column's ``_reach`` (the
        logit at the threshold, less a margin far wider than the rounding of the
        calibration) is no hit. The others are calibrated with the arithmetic of
        :meth:`probabilities`, one IEEE operation at a time in Python, which rounds as
        numpy's element-wise operations do, and numpy's ``exp`` over all of them at once.
        """
        cache = self.clause_hits
        found: list[ClauseHits | None] = list(map(cache.get, clauses))
        if None not in found:
            return cast(list[ClauseHits], found)
        missing = [number for number, hits in enumerate(found) if hits is None]
        if len(cache) + len(missing) > CLAUSE_CACHE_SIZE:
            cache.clear()
        by_keys = self.key_hits
        if len(by_keys) + len(missing) > CLAUSE_CACHE_SIZE:
            by_keys.clear()
        keys = [tuple(clause_tokens(clauses[number])) for number in missing]
        # The word keys not seen before, each scored once (a row of the logits each).
        new = [key for key in dict.fromkeys(keys) if key not in by_keys]
        if new:
            self._score(new)
        for number, key in zip(missing, keys, strict=True):
            found[number] = cache[clauses[number]] = by_keys[key]
        return cast(list[ClauseHits], found)

    def _score(self, clauses: Sequence[tuple[str, ...]]) -> None:
        """The hits of clauses (their word keys) into ``key_hits`` (see :meth:`hits`)."""
        reach = self._reach
        calibration = self._calibration
        places: list[tuple[int, int]] = []
        exponents: list[float] = []
        for row, values in enumerate(self.logits(clauses).tolist()):
            if any(map(ge, values, reach)):
                for column, (value, lowest) in enumerate(zip(values, reach, strict=True)):
                    if value >= lowest:
                        slope, intercept, _ = calibration[column]
                        z = slope * value + intercept
                        # np.clip(z, -40.0, 40.0), which keeps a NaN as this does
                        z = 40.0 if z > 40.0 else -40.0 if z < -40.0 else z
                        places.append((row, column))
                        exponents.append(-z)
        reached: dict[int, list[tuple[int, float]]] = {}
        if places:
            for (row, column), power in zip(places, np.exp(np.array(exponents)).tolist(), strict=True):
                probability = 1.0 / (1.0 + power)
                if probability >= calibration[column][2]:
                    reached.setdefault(row, []).append((column, round(probability, 3)))
        by_keys = self.key_hits
        for row, key in enumerate(clauses):
            by_keys[key] = tuple(reached.get(row, ()))


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
        spans, clauses = _clauses(text)
        if not spans:
            return []
        columns, clause_scorer = scorer
        indicators, source = self.indicators, self.source
        hits: list[IndicatorHit] = []
        for (s, e), reached in zip(spans, clause_scorer.hits(clauses), strict=True):
            if not reached:
                continue
            begin, finish = nt.span(s, e)
            start, end = int(begin), int(finish)  # offsets may come as numpy integers
            evidence = nt.original[start:end]
            # (indicator, start, end, evidence, confidence, source, pattern, lang): by position,
            # which builds a hit faster than by keyword
            hits.extend(
                IndicatorHit(indicators[columns[column]], start, end, evidence, confidence, source, "clause", lang)
                for column, confidence in reached
            )
        return hits


def merge_hits(lexicon: Sequence[IndicatorHit], model: Sequence[IndicatorHit]) -> list[IndicatorHit]:
    """Lexicon hits plus the model hits of spans no lexicon hit of the same indicator overlaps.

    Each indicator is then reported once per span: where both found it, the lexicon's
    narrower evidence stands. With model hits, the result is in :data:`HIT_ORDER`; without,
    it is the lexicon hits as given.
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
    kept.sort(key=HIT_ORDER)
    return kept


@cache
def load_clause_model(path: Path = SHIPPED_MODEL) -> ClauseModel:
    """The shipped clause model (``vigil train clauses`` writes it)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read the clause model {path}: {exc}") from exc
    return ClauseModel(data)

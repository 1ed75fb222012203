"""The learned half of the query check: a linear model on character n-grams and words.

Features are computed per cleaned token (the classifier's tokens: case-folded, emoji as
words, leetspeak undone): the token's Latin skeleton (:mod:`.normalize`) padded with
spaces gives character n-grams of 2 to 5 letters, which survive inflection, typos,
transliteration and glued words; the skeleton itself is a word feature. Runs of three or
more one-letter tokens ("u k r") are also read as the word they spell. A feature counts
each time it occurs (no normalisation), so a query's scores are the bias plus the sum of
its tokens' scores, and each token's scores are computed once and cached: a query costs a
few dictionary look-ups, like the rules.

The weights are trained by ``vigil train queries`` (:mod:`.training`, scikit-learn
logistic regression) and shipped as JSON in ``data/query_model.json``, never as a pickle.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any, Final

from vigil.errors import ConfigError
from vigil.safeguard.normalize import skeleton

#: Version of the feature definition; a model file of another version is refused.
FEATURE_VERSION: Final = 1
#: Character n-gram lengths (inclusive).
NGRAM_MIN: Final = 2
NGRAM_MAX: Final = 5
#: A run of at least this many one-letter tokens is also read as one word ("s e x").
SPELLED_RUN_MIN: Final = 3
#: Token scores kept before the cache is emptied (bounds memory on unique streams).
TOKEN_CACHE_SIZE: Final = 200_000
#: Order of the score vector.
MODEL_CLASSES: Final = ("exploitation", "at_risk", "neutral")

Scores = tuple[float, float, float]
_ZERO: Final[Scores] = (0.0, 0.0, 0.0)
#: What the model keeps per token: its summed scores, its skeleton, the weights of the
#: word pairs it starts (by the second skeleton), and whether it is a single letter.
_Entry = tuple[Scores, str, "dict[str, Scores] | None", bool]


def model_tokens(tokens: Sequence[str]) -> list[str]:
    """The classifier's tokens plus the words spelled out by runs of single letters."""
    out = list(tokens)
    run: list[str] = []
    for token in (*tokens, ""):
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        if len(run) >= SPELLED_RUN_MIN:
            out.append("".join(run))
        run = []
    return out


def token_features(token: str) -> list[str]:
    """Features of one token: its skeleton as a word, and the skeleton's n-grams."""
    key = skeleton(token)
    if not key:
        return []
    padded = f" {key} "
    features = [f"w:{key}"]
    for size in range(NGRAM_MIN, NGRAM_MAX + 1):
        if size > len(padded):
            break
        features.extend(padded[i : i + size] for i in range(len(padded) - size + 1))
    return features


def pair_features(tokens: Sequence[str]) -> list[str]:
    """Adjacent token pairs by skeleton ("b:ford escort"): the context a word needs."""
    keys = [skeleton(token) for token in tokens]
    return [f"b:{a} {b}" for a, b in pairwise(keys) if a and b]


def rule_features(rule: str | None, concepts: Iterable[str]) -> list[str]:
    """The rules' view of the query as features: the rule that fired and each concept."""
    return ([f"r:{rule}"] if rule else []) + [f"k:{concept}" for concept in concepts]


def query_features(tokens: Sequence[str], rule: str | None = None, concepts: Iterable[str] = ()) -> list[str]:
    """Every feature occurrence of a query, given the classifier's tokens, rule and concepts."""
    features = [feature for token in model_tokens(tokens) for feature in token_features(token)]
    return features + pair_features(tokens) + rule_features(rule, concepts)


class QueryModel:
    """Linear scores per class from the shipped weights; build once, call many times."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        if data.get("feature_version") != FEATURE_VERSION:
            raise ConfigError(
                f"query model has feature version {data.get('feature_version')!r}, need {FEATURE_VERSION}"
            )
        if tuple(data.get("classes", ())) != MODEL_CLASSES:
            raise ConfigError(f"query model classes must be {MODEL_CLASSES}")
        bias = data["bias"]
        self.bias: Scores = (float(bias[0]), float(bias[1]), float(bias[2]))
        self.weights: dict[str, Scores] = {
            str(name): (float(w[0]), float(w[1]), float(w[2])) for name, w in data["weights"].items()
        }
        self.policy: dict[str, float] = {str(k): float(v) for k, v in (data.get("policy") or {}).items()}
        self.meta: dict[str, Any] = {k: v for k, v in data.items() if k not in ("weights", "bias", "policy")}
        self._tokens: dict[str, Scores] = {}
        self._rules: dict[tuple[str | None, tuple[str, ...]], Scores] = {}
        #: Word-pair weights by first skeleton, then second ("b:ford escort" is
        #: ["ford"]["escort"]): a skeleton has no spaces, so the split is the one the
        #: feature name was built from, and a pair is two look-ups of strings already at
        #: hand rather than a new feature name per pair.
        self._pairs: dict[str, dict[str, Scores]] = {}
        for name, weight in self.weights.items():
            if name.startswith("b:"):
                first, _, second = name[2:].partition(" ")
                if first and second:
                    self._pairs.setdefault(first, {})[second] = weight
        #: Per token: its summed scores, its skeleton, and the pairs it may start.
        self._entries: dict[str, _Entry] = {}

    def token_scores(self, token: str) -> Scores:
        """The sum of one token's feature weights (cached)."""
        found = self._tokens.get(token)
        if found is None:
            found = self._sum(token_features(token))
            if len(self._tokens) >= TOKEN_CACHE_SIZE:
                self._tokens.clear()
            self._tokens[token] = found
        return found

    def _sum(self, features: Iterable[str]) -> Scores:
        e = a = n = 0.0
        weights = self.weights
        for feature in features:
            w = weights.get(feature)
            if w is not None:
                e += w[0]
                a += w[1]
                n += w[2]
        return (e, a, n)

    def rule_scores(self, rule: str | None, concepts: tuple[str, ...]) -> Scores:
        """The weights of the rules' view (cached: there are few distinct ones)."""
        key = (rule, concepts)
        found = self._rules.get(key)
        if found is None:
            found = self._rules[key] = self._sum(rule_features(rule, concepts))
        return found

    def pair_weights(self, first: str, second: str) -> Scores | None:
        """The weights of the feature of two adjacent tokens, or None."""
        a, b = skeleton(first), skeleton(second)
        return self.weights.get(f"b:{a} {b}") if a and b else None

    def _entry(self, token: str) -> _Entry:
        """A token's scores, skeleton and the pairs it may start (cached)."""
        found = self._entries.get(token)
        if found is None:
            key = skeleton(token)
            found = (self.token_scores(token), key, self._pairs.get(key) if key else None, len(token) == 1)
            if len(self._entries) >= TOKEN_CACHE_SIZE:
                self._entries.clear()
            self._entries[token] = found
        return found

    def start_scores(self, rule: str | None, concepts: tuple[str, ...]) -> Scores:
        """The bias plus the rules' view: where :meth:`scores_from` starts."""
        found = self.rule_scores(rule, concepts)
        return (self.bias[0] + found[0], self.bias[1] + found[1], self.bias[2] + found[2])

    def scores(self, tokens: Sequence[str], rule: str | None = None, concepts: tuple[str, ...] = ()) -> Scores:
        """Per-class scores (logits) of a query from the classifier's tokens, rule and concepts."""
        return self.scores_from(self.start_scores(rule, concepts), tokens)

    def scores_from(self, start: Scores, tokens: Sequence[str]) -> Scores:
        """:meth:`scores` from :meth:`start_scores` (the same for every query of a concept set).

        The sums are taken in the order of :func:`query_features` (bias, rules' view, word
        pairs, tokens, spelled words), so a query's scores are the same to the last bit
        whatever is cached.
        """
        e, a, n = start
        lookup = self._entries.get
        entries = [lookup(token) or self._entry(token) for token in tokens]
        if len(entries) > 1:
            pe = pa = pn = 0.0
            previous = entries[0]
            for entry in entries[1:]:
                follows = previous[2]
                # An empty skeleton starts no pair, and ends none: no key of ``follows`` is "".
                if follows is not None:
                    weight = follows.get(entry[1])
                    if weight is not None:
                        pe += weight[0]
                        pa += weight[1]
                        pn += weight[2]
                previous = entry
            e += pe
            a += pa
            n += pn
        letters = 0
        for entry in entries:
            cached = entry[0]
            e += cached[0]
            a += cached[1]
            n += cached[2]
            letters += entry[3]
        if letters >= SPELLED_RUN_MIN:
            for extra in model_tokens(tokens)[len(tokens) :]:
                spelled = self.token_scores(extra)
                e += spelled[0]
                a += spelled[1]
                n += spelled[2]
        return (e, a, n)

    def top_tokens(self, tokens: Sequence[str], category: str, limit: int = 3) -> list[dict[str, Any]]:
        """The tokens that pushed the query most towards ``category`` (against the
        strongest other class), with that margin: the model's part of ``reasons``."""
        index = MODEL_CLASSES.index(category)
        ranked: list[tuple[float, str]] = []
        for token in dict.fromkeys(model_tokens(tokens)):
            scores = self.token_scores(token)
            other = max(scores[i] for i in range(len(MODEL_CLASSES)) if i != index)
            ranked.append((scores[index] - other, token))
        ranked.sort(key=lambda item: (-item[0], item[1]))
        return [{"token": token, "weight": round(margin, 3)} for margin, token in ranked[:limit] if margin > 0]


def model_json(model: Mapping[str, Any]) -> str:
    """The canonical text of a model file: sorted keys, fixed separators, one line per
    weight, so training twice gives the same bytes."""
    head = {k: v for k, v in model.items() if k != "weights"}
    lines = ["{"]
    for key in sorted(head):
        lines.append(f"{json.dumps(key)}: {json.dumps(head[key], sort_keys=True, ensure_ascii=False)},")
    lines.append('"weights": {')
    weights: Mapping[str, Iterable[float]] = model["weights"]
    names = sorted(weights)
    for i, name in enumerate(names):
        comma = "," if i + 1 < len(names) else ""
        lines.append(f"{json.dumps(name, ensure_ascii=False)}: {json.dumps(list(weights[name]))}{comma}")
    lines.append("}}")
    return "\n".join(lines) + "\n"


@cache
def load_default_model() -> QueryModel:
    """The shipped model (parsed once per process)."""
    path = resources.files("vigil.safeguard").joinpath("data").joinpath("query_model.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"query_model.json is not valid JSON: {exc}") from exc
    return QueryModel(data)

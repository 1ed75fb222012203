"""The query check's shortcuts give what the general path gives (issue 21 item 2).

Each shortcut skips work only where the skipped work cannot change the result: tokens by
``str.split`` when every other character is a word character, the apostrophe and emoji
substitutions only when the text holds one, word pairs looked up by skeleton, the
language tie broken in one pass. These tests hold each against the general path.
"""

from __future__ import annotations

import math
import re
import sys

import pytest

from vigil.safeguard.classifier import _TOKEN_RE, default_classifier
from vigil.safeguard.language import LanguageGuesser
from vigil.safeguard.lexicon import load_default_lexicons
from vigil.safeguard.model import MODEL_CLASSES, query_features
from vigil.safeguard.normalize import deleet, split_age

_WORD_RE = re.compile(r"\w")


def test_split_finds_the_pattern_tokens_when_only_word_characters_are_left() -> None:
    """The premise of the split shortcut, over every code point: no whitespace is a word
    character, and ``str.isalnum`` is the pattern's ``\\w`` without the underscore."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        is_word = _WORD_RE.match(char) is not None
        assert is_word == (char.isalnum() or char == "_"), hex(code)
        assert not (char.isspace() and is_word), hex(code)


@pytest.mark.parametrize(
    ("query", "tokens", "lang"),
    [
        ("escort girls kyiv", ("escort", "girls", "kyiv"), "en"),  # split
        ("escort, girls", ("escort", "girls"), "en"),  # punctuation: the pattern
        ("s3x_work", ("sex_work",), "en"),  # underscore is a word character, not alnum
        ("escort\u00a0girls", ("escort", "girls"), "en"),  # no-break space splits both ways
        ("trabajo ¿polonia?", ("trabajo", "polonia"), "es"),  # "¿" is read as a hint
        ("16yo girls", ("16", "yo", "girls"), "en"),  # age glued to its unit
        ("🇺🇦 escort", ("ukraine", "escort"), "en"),  # emoji become words
        ("п'ять", ("пять",), "uk"),  # apostrophe inside a Cyrillic word is dropped
        ("l’ucraina escort", ("l", "ucraina", "escort"), "it"),  # elided article
        ("робота в польщі", ("робота", "в", "польщі"), "uk"),  # Cyrillic, no apostrophe
        ("", (), "en"),
        ("?!", ("!",), "en"),
    ],
)
def test_tokens_and_language(query: str, tokens: tuple[str, ...], lang: str) -> None:
    result = default_classifier().classify(query)
    assert (result.tokens, result.lang) == (tokens, lang)


@pytest.mark.parametrize(
    "query", ["a, b", "a  b\tc", "x@y z|w", "16yo, 17yo", "робота,  польща", "a_b c", "s3x\u2003w0rk", "ab.cd"]
)
def test_tokens_are_the_pattern_tokens(query: str) -> None:
    """Whichever way the text was split, the tokens are those the pattern finds (with
    ages split from their units and leetspeak undone)."""
    expected: list[str] = []
    for raw in _TOKEN_RE.findall(query.casefold()):
        parts = split_age(raw)
        expected += [parts[0], deleet(parts[1])] if parts is not None else [deleet(raw)]
    assert default_classifier().classify(query).tokens == tuple(expected)


@pytest.mark.parametrize(
    "query",
    [
        "10 euro",  # a word pair the model knows
        "24 7 escort",
        "ford escort",
        "робота в польщі для дівчат",
        "s e x ukraine",  # a spelled-out word
        "praca za granicą bez języka",
        "?? !!",
        "",
    ],
)
def test_model_scores_are_the_feature_sums(query: str) -> None:
    """The cached, pair-by-skeleton scores equal the bias plus the weights of every
    feature occurrence of the query (:func:`query_features`, what training sees)."""
    classifier = default_classifier()
    model = classifier.model
    assert model is not None
    result = classifier.classify(query)
    scores = model.scores(result.tokens, result.rule, result.concepts)
    expected = list(model.bias)
    for feature in query_features(result.tokens, result.rule, result.concepts):
        weight = model.weights.get(feature)
        if weight is not None:
            expected = [total + w for total, w in zip(expected, weight, strict=True)]
    assert all(math.isclose(a, b, abs_tol=1e-9) for a, b in zip(scores, expected, strict=True))
    assert len(scores) == len(MODEL_CLASSES)


def test_a_known_word_pair_counts() -> None:
    model = default_classifier().model
    assert model is not None
    pair = model.weights["b:10 euro"]
    alone = [a + b - c for a, b, c in zip(model.scores(["10"]), model.scores(["euro"]), model.bias, strict=True)]
    together = model.scores(["10", "euro"])
    assert all(math.isclose(t - a, p, abs_tol=1e-9) for t, a, p in zip(together, alone, pair, strict=True))
    assert model.pair_weights("10", "euro") == pair
    assert model.pair_weights("euro", "10") is None


def _reference_choice(guesser: LanguageGuesser, votes: list[tuple[str, float]]) -> str:
    scores: dict[str, float] = {}
    for lang, weight in votes:
        scores[lang] = scores.get(lang, 0.0) + weight
    best = max(scores.values())
    tied = [lang for lang, score in scores.items() if score == best]
    return min(tied, key=lambda lang: guesser._rank.get(lang, len(guesser._rank)))


@pytest.mark.parametrize(
    "votes",
    [
        [("de", 1.0), ("nl", 1.0)],
        [("nl", 1.0), ("de", 1.0)],
        [("nl", 0.5), ("de", 0.5), ("nl", 0.5)],
        [("es", 0.2), ("pt", 0.2), ("it", 0.2), ("en", 0.1)],
        [("sr", 0.4), ("he", 0.4), ("ar", 0.4)],
        [("fr", 1 / 3), ("fr", 1 / 3), ("fr", 1 / 3), ("it", 1.0)],
        [("pl", 0.4), ("cs", 1.0), ("pl", 0.6)],
    ],
)
def test_language_tie_is_broken_by_rank(votes: list[tuple[str, float]]) -> None:
    guesser = LanguageGuesser(load_default_lexicons())
    assert guesser.guess_flat("plain ascii text", votes) == _reference_choice(guesser, votes)

"""The words a lexicon pattern cannot match without, and the look-up that spares the patterns."""

from __future__ import annotations

import sys

import pytest
import regex

from vigil.extract.normalize import normalize
from vigil.recognizers import RecognizerSet
from vigil.recognizers.base import MAX_PATTERN_TEXT_CHARS
from vigil.recognizers.pattern_words import LiteralGate, regex_fold, required_literals, special_characters
from vigil.recognizers.recognizer_set import _Plan

FLAGS = regex.IGNORECASE | regex.VERSION1


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?<!\w)\d{1,3}\s?girls(?!\w)", [{"girls"}]),
        (r"\d+\s?(?:eur|euros?|€)(?!\w)", [{"eur", "euro", "€"}]),
        (r"(?:€|\$)\s?\d+", [{"€", "$"}]),
        (r"(?:up to|до)\s\d+\s?(?:zł|грн)", [{"up to", "до"}, {"zł", "грн"}]),
        (r"(?:ab)+c", [{"ab"}, {"c"}]),
        (r"(?:\d+ eur|girls)", [{" eur", "girls"}]),
        # negative cases: nothing every match must contain, or syntax read apart from the regex module
        (r"\d{3,}", []),
        (r"(?:eur)?\d+", []),
        (r"(?:eur|\d+)", []),
        (r"(?=girls)\w+", []),
        (r"[a-z]+", []),
        (r"(?:girls){e<=1}", []),  # fuzzy match: a typo'd word matches too
        (r"\p{Sc}\d+ eur", []),
        (r"[[a-z]--[aeiou]]x", []),  # a set inside a set (version 1)
        (r"[\][a-z]]girls", []),
        (r"(unclosed", []),
    ],
)
def test_required_literals(pattern: str, expected: list[set[str]]) -> None:
    assert [set(words) for words in required_literals(pattern)] == expected


@pytest.mark.parametrize(
    ("patterns", "text", "candidates"),
    [
        ([r"\d+ girls", r"\d+\s?€"], "5 GIRLS here", (0,)),
        ([r"\d+ girls", r"\d+\s?€"], "from 300 € and girls", (0, 1)),
        ([r"\d+\s?(?:eur|usd) a night"], "200 EUR A NIGHT", (0,)),
        ([r"strasse \d+"], "STRASSE 5", (0,)),
        ([r"strasse \d+"], "straße 5", (0,)),  # full case folding: ß is ss
        # characters the regex module matches where str.casefold reads them otherwise
        ([r"\d+ girls", r"\d+\s?€"], "5 gİrls", (0, 1)),
        ([r"hôtesses", r"\d+\s?€"], "hôte\U0001df95es", (0, 1)),
        # negative cases: a required word is missing
        ([r"\d+\s?(?:eur|usd) a night"], "200 eur per day", ()),
        ([r"\d+ girls", r"\d+\s?€"], "nothing to see", ()),
        ([r"\d+ girls"], "", ()),
    ],
)
def test_candidates_are_the_patterns_whose_words_occur(
    patterns: list[str], text: str, candidates: tuple[int, ...]
) -> None:
    gate = LiteralGate.of(patterns)
    assert gate is not None
    assert gate.candidates(text) == candidates
    for number, pattern in enumerate(patterns):
        if regex.search(pattern, text, FLAGS) is not None:
            assert number in candidates


def test_a_pattern_without_required_words_leaves_no_literal_gate() -> None:
    assert LiteralGate.of([r"\d+ girls", r"\d{3,}"]) is None
    assert LiteralGate.of([]) is None


def _shipped_words(recognizers: RecognizerSet) -> set[str]:
    return {
        word.casefold()
        for rec in recognizers.recognizers
        for lexicon in rec.lexicons
        for pattern in lexicon.patterns
        for words in required_literals(pattern.text)
        for word in words
    }


def test_every_shipped_pattern_has_required_words(recognizers: RecognizerSet) -> None:
    for rec in recognizers.recognizers:
        for lexicon in rec.lexicons:
            for pattern in lexicon.patterns:
                assert required_literals(pattern.text), f"{rec.INDICATOR}/{lexicon.lang}: {pattern.text}"


def test_the_special_characters_cover_every_code_point_the_foldings_read_apart(recognizers: RecognizerSet) -> None:
    """The look-up finds a word in ``text.casefold()`` where a pattern matched it with full
    case folding, unless the text holds a special character: every character the regex
    module matches to a letter of a shipped word, or folds to letters of one, either folds
    the same way in ``str.casefold`` or is special (Unicode versions differ)."""
    alphabet = {char for word in _shipped_words(recognizers) for char in word}
    special = special_characters(alphabet)
    assert len(alphabet) > 20
    every = "".join(chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF)
    for letter in alphabet:
        for m in regex.finditer(regex.escape(letter), every, FLAGS):
            assert m.group().casefold() == letter or m.group() in special, (letter, m.group())
    for char in every:
        folded = regex_fold(char).casefold()
        if folded != char.casefold() and alphabet.intersection(folded):
            assert char in special, hex(ord(char))


def test_the_look_up_never_drops_a_pattern_that_matches_shipped_examples(recognizers: RecognizerSet) -> None:
    texts = [
        "Зарплата 2 500 EUR на місяць",
        "we have 5 GIRLS waiting",
        "от 45 000 ГРН в месяц",
        "€2,500 per month, housing provided",
        "300 euro per night",
        "up to 12 000 zł",
        "400 $ pro Tag",
        "5 dívek",
    ]
    plans = [_Plan.of(recognizers.recognizers, kind, None) for kind in ("job_ad", "sex_ad")]
    for plan in plans:
        assert plan.literals is not None
        for text in texts:
            normalized = normalize(text).text
            candidates = plan.literals.candidates(normalized[:MAX_PATTERN_TEXT_CHARS])
            for number, pattern in enumerate(plan.texts):
                if regex.search(pattern, normalized, FLAGS) is not None:
                    assert number in candidates, (text, pattern)

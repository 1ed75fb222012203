"""The scan's fast paths find what the plain scan finds, in the same order, limits included.

``PhraseIndex.scan`` skips work three ways: the token at a hit is read without a regular
expression when it is the whole (plain) key; near pairs whose last words are not among the
next words are not tried; and the attempts of a bucket are counted per owner at once while
no owner can reach its limit. ``_plain_scan`` below is the scan without any of them (every
bucket, every entry, one token read per start), over the same automaton; both must give the
same matches for every text: the golden corpora, generated texts in several scripts, empty
text, very long words, and hostile repetition that reaches the per-owner and per-text limits.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from vigil.extract.normalize import normalize
from vigil.recognizers import RecognizerSet
from vigil.recognizers.lexicon import COMMON_LEXICON, TOKEN_RE, WordKind
from vigil.recognizers.matching import (
    _NEAR_EXACT,
    _NEAR_FORMS,
    _NEAR_NUMBER,
    _NEAR_STEM,
    _ONE,
    MAX_ATTEMPTS_PER_OWNER,
    MAX_AUTOMATON_HITS,
    MAX_ENTRY_CHECKS,
    PhraseIndex,
    RawMatch,
    _match_words,
    _Window,
    _word_start,
)

DATA = Path(__file__).resolve().parents[1] / "data"


def _plain_scan(index: PhraseIndex, text: str, langs: frozenset[str] | None) -> Iterator[RawMatch]:
    """The scan as it was before its fast paths (the reference)."""
    if index._empty or not text:
        return
    attempts: dict[int, int] = {}
    checks = 0
    at_start: dict[int, tuple[str, int, _Window] | None] = {}
    for seen, (last, group) in enumerate(index._automaton.iter(text)):
        if seen >= MAX_AUTOMATON_HITS:
            return
        start = last - group.size + 1
        if start == 0:
            at_token = True
        else:
            before = text[start - 1]
            at_token = not (before.isalnum() or before == "_") or before.isdigit() != text[start].isdigit()
        if not at_token and not group.any_infix:
            continue
        if start not in at_start:
            first = TOKEN_RE.match(text, start)
            at_start[start] = None if first is None else (first.group(), first.end(), _Window(text, first.end()))
        read = at_start[start]
        if read is None:
            continue
        token, token_end, window = read
        for bucket in (group.exact, group.stem) if len(token) == group.size else (group.stem,):
            checks += bucket.size
            if checks > MAX_ENTRY_CHECKS:
                return
            for entry, owner, lang, infix, how, literal, forms, words in bucket.rest:
                if langs is not None and lang not in langs:
                    continue
                if not at_token and not infix:
                    continue
                spent = attempts.get(owner, 0)
                if spent >= MAX_ATTEMPTS_PER_OWNER:
                    continue
                attempts[owner] = spent + 1
                near = window.near()
                end: int | None = None
                if how == _ONE:
                    end = token_end
                elif how == _NEAR_EXACT:
                    end = next((e for t, e in near if t == literal), None)
                elif how == _NEAR_FORMS:
                    end = next((e for t, e in near if t in forms), None)
                elif how == _NEAR_STEM:
                    end = next((e for t, e in near if t.startswith(literal)), None)
                elif how == _NEAR_NUMBER:
                    end = next((e for t, e in near if t[0].isdigit()), None)
                else:
                    end = _match_words(window, words, 1, 0, token_end)
                if end is None:
                    continue
                hit_start = start if at_token else _word_start(text, start)
                if hit_start is not None:
                    yield RawMatch(entry, hit_start, end)
            following = window.get(0) if bucket.by_second else None
            if following is None:
                continue
            for entry in bucket.by_second.get(following[0], ()):
                if langs is not None and entry.lexicon.lang not in langs:
                    continue
                if not at_token and not entry.phrase.infix:
                    continue
                spent = attempts.get(entry.owner, 0)
                if spent >= MAX_ATTEMPTS_PER_OWNER:
                    continue
                attempts[entry.owner] = spent + 1
                end = _match_words(window, entry.phrase.words, 2, 1, following[1])
                if end is None:
                    continue
                hit_start = start if at_token else _word_start(text, start)
                if hit_start is not None:
                    yield RawMatch(entry, hit_start, end)


def _found(matches: Iterator[RawMatch]) -> list[tuple[int, int, int]]:
    return [(id(match.entry), match.start, match.end) for match in matches]


def _corpus_texts() -> list[tuple[str, str | None]]:
    texts: list[tuple[str, str | None]] = []
    for name in ("indicators_golden.jsonl", "indicators_heldout.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                for field in ("title", "text"):
                    if row.get(field):
                        texts.append((row[field], row.get("lang")))
    return texts


def _first_words(recognizers: RecognizerSet) -> list[str]:
    words: set[str] = set()
    for rec in recognizers.recognizers:
        for entry in rec.entries():
            for word in entry.phrase.words:
                if word.kind in (WordKind.EXACT, WordKind.STEM):
                    words.add(word.literal)
                elif word.kind is WordKind.FORMS:
                    words.update(sorted(word.forms)[:3])
    return sorted(words)


#: Glue between generated words: separators the window takes or refuses, clause ends,
#: digits and letters glued on, an apostrophe, and word characters that TOKEN_RE reads on
#: and ``str.isalnum`` does not, which normalization keeps: a connector (U+203F) and a
#: spacing vowel sign (U+093E).
GLUE = [" ", "  ", " - ", ", ", ". ", ".", "\n", "", "_", "1", "18", "x", "\u203f", "\u093e", "'", " / ", "       "]
#: Letters of several scripts, for words no lexicon has.
SCRIPTS = ["abcxyz", "абвжзя", "αβγδε", "אבגד", "ابتث", "अआकख", "一二三", "ąęśżł", "çğışö"]


def _generated(words: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(0, 40)):
            if rng.random() < 0.8:
                parts.append(rng.choice(words))
            else:
                parts.append("".join(rng.choice(rng.choice(SCRIPTS)) for _ in range(rng.randint(1, 8))))
            parts.append(rng.choice(GLUE))
        texts.append("".join(parts))
    return texts


def _indexes(recognizers: RecognizerSet, lang: str | None) -> list[PhraseIndex]:
    found = [recognizers._all, recognizers._reporting]
    if lang in recognizers._by_lang:
        found.append(recognizers._by_lang[lang])
    return found


def _same(index: PhraseIndex, text: str, langs: frozenset[str] | None) -> None:
    assert _found(index.scan(text, langs)) == _found(_plain_scan(index, text, langs))


def test_the_corpora_scan_as_the_plain_scan(recognizers: RecognizerSet) -> None:
    for text, lang in _corpus_texts():
        folded = normalize(text).text
        for index in _indexes(recognizers, lang):
            _same(index, folded, None)
            if lang is not None:
                _same(index, folded, frozenset({lang, COMMON_LEXICON}))


@pytest.mark.parametrize("seed", range(3))
def test_generated_texts_scan_as_the_plain_scan(recognizers: RecognizerSet, seed: int) -> None:
    words = _first_words(recognizers)
    langs = sorted(recognizers.languages)
    for number, text in enumerate(_generated(words, 150, seed)):
        folded = normalize(text).text
        lang = langs[number % len(langs)]
        for index in _indexes(recognizers, lang):
            _same(index, folded, None)
            _same(index, folded, frozenset({lang, COMMON_LEXICON}))


def test_edge_texts_scan_as_the_plain_scan(recognizers: RecognizerSet) -> None:
    words = _first_words(recognizers)
    long_word = "a" * 100_000
    texts = [
        "",
        " ",
        "visa",
        long_word,
        long_word + " agency fee " + long_word,
        " ".join(word + "xyz" for word in words[:300]),  # every key inside a longer token
        " ".join(word + "\u203f" for word in words[:300]),  # ... before a connector
        " ".join(word + "\u093e" for word in words[:300]),  # ... and before a vowel sign
        " ".join("18" + word for word in words[:300]),
        "".join(words[:300]),
    ]
    for text in texts:
        folded = normalize(text).text
        for index in _indexes(recognizers, "en"):
            _same(index, folded, None)


def test_hostile_repetition_reaches_the_same_limits(recognizers: RecognizerSet) -> None:
    # Enough candidates that owners reach MAX_ATTEMPTS_PER_OWNER and the text MAX_ENTRY_CHECKS.
    words = _first_words(recognizers)
    texts = [
        "new in town agency 24/7 bez gumki без досвіду " * 2_000,
        " ".join(words) * 3,
        "pay fee pay the fee deposit visa " * 3_000,
    ]
    for text in texts:
        folded = normalize(text).text
        for index in _indexes(recognizers, "en"):
            _same(index, folded, None)
            _same(index, folded, frozenset({"en", COMMON_LEXICON}))

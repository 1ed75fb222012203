"""The lexicon file syntax: stems, gaps, numbers, weights, diacritic-free variants, bad entries."""

from __future__ import annotations

import pytest

from vigil.errors import ConfigError
from vigil.extract.normalize import normalize
from vigil.recognizers.lexicon import WordKind, compile_phrase, parse_lexicon, strip_marks
from vigil.recognizers.matching import match_phrase_at


def fold(text: str) -> str:
    return normalize(text).text


@pytest.mark.parametrize(
    ("entry", "text", "matched"),
    [
        ("агентств*", "агентства", "агентства"),
        ("no experience", "no   experience", "no   experience"),
        ("no experience", "no-experience", "no-experience"),
        ("досвід ~ не потрібн*", "досвід і мова не потрібні", "досвід і мова не потрібні"),
        ("only # days", "only 3 days", "only 3 days"),
        ("24/7", "24/7", "24/7"),
        ("new in town", "new intown", None),
        ("agency", "agencyx", None),
        ("fee", "feedback", None),
    ],
)
def test_phrase_matching(entry, text, matched):
    phrase = compile_phrase(entry, fold)
    nt = normalize(text)
    end = match_phrase_at(nt.text, 0, phrase)
    assert (None if end is None else nt.evidence(0, end)) == matched


def test_words_are_compiled_by_kind():
    phrase = compile_phrase("pay* ~ # eur", fold)
    assert [w.kind for w in phrase.words] == [WordKind.STEM, WordKind.GAP, WordKind.NUMBER, WordKind.EXACT]


@pytest.mark.parametrize("entry", ["~ agency", "# girls", "agency ~", "ab*", "   ", "!!!"])
def test_bad_entries_fail_at_load(entry):
    with pytest.raises(ConfigError):
        compile_phrase(entry, fold)


def test_lexicon_validation_rejects_unknown_keys_bad_weights_and_bad_patterns():
    with pytest.raises(ConfigError):
        parse_lexicon("x", "en", {"termz": ["a"]}, fold, "t")
    with pytest.raises(ConfigError):
        parse_lexicon("x", "en", {"terms": [{"term": "agency", "weight": 2}]}, fold, "t")
    with pytest.raises(ConfigError):
        parse_lexicon("x", "en", {"patterns": ["(unclosed"]}, fold, "t")


def test_entries_also_match_without_diacritics():
    # As written (expanded, the diacritic-free forms join the word's set of forms instead:
    # tests/recognizers/test_lexicon_word_forms.py).
    lexicon = parse_lexicon("x", "cs", {"terms": ["bez zkušeností"]}, fold, "t", expand=False)
    texts = {p.words for p in lexicon.terms}
    assert len(texts) == 2
    assert strip_marks("zkušeností") == "zkusenosti"
    assert all(p.text == "bez zkušeností" for p in lexicon.terms)

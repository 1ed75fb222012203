"""The automaton scan verifies each kind of phrase (its near pairs inline) as ``match_phrase_at`` does."""

from __future__ import annotations

import pytest

from vigil.extract.normalize import normalize
from vigil.recognizers.lexicon import Lexicon, Role, Word, WordKind, compile_phrase
from vigil.recognizers.matching import NEXT_TOKEN_RE, Entry, PhraseIndex, _next_token, match_phrase_at


def fold(text: str) -> str:
    return normalize(text).text


def _lexicon(lang: str) -> Lexicon:
    return Lexicon("test", lang, (), (), (), (), (), ())


FORMS_LAST = Word(WordKind.FORMS, "kaucja", frozenset({"kaucja", "kaucję", "kaucji"}))


@pytest.mark.parametrize(
    ("entry", "text", "evidence"),
    [
        # near pair, exact last word
        ("pay ~ fee", "pay fee", "pay fee"),
        ("pay ~ fee", "pay the agency a fee", "pay the agency a fee"),
        ("pay ~ fee", "pay a b c d fee", None),  # one word too far
        ("pay ~ fee", "pay, fee", None),  # clause punctuation ends the window
        ("pay ~ fee", "pay feedback", None),
        # near pair, stem last word
        ("pay ~ depos*", "pay a deposit now", "pay a deposit"),
        ("pay ~ depos*", "pay a dep", None),
        # near pair, number last word
        ("pay ~ #", "pay only 300 now", "pay only 300"),
        ("pay ~ #", "pay only now", None),
        # one word, and a longer phrase through the general matcher
        ("visa", "free visa help", "visa"),
        ("no experience needed", "no experience needed here", "no experience needed"),
        ("no experience needed", "no experience required", None),
        ("only # days", "only 3 days", "only 3 days"),
        ("only # days", "only three days", None),
    ],
)
def test_the_scan_finds_what_match_phrase_at_finds(entry: str, text: str, evidence: str | None) -> None:
    phrase = compile_phrase(entry, fold)
    nt = normalize(text)
    found = list(PhraseIndex([Entry(0, _lexicon("en"), Role.TERM, phrase)]).scan(nt.text, None))
    expected = [
        (start, end)
        for start in range(len(nt.text))
        if nt.text.startswith(phrase.key, start) and (end := match_phrase_at(nt.text, start, phrase)) is not None
    ]
    assert [(m.start, m.end) for m in found] == expected
    assert [nt.evidence(m.start, m.end) for m in found] == ([] if evidence is None else [evidence])


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("zapłać kaucję teraz", "zapłać kaucję"),
        ("zapłać tylko kaucji", "zapłać tylko kaucji"),
        # negative cases: another form, or too far
        ("zapłać kaucjami", None),
        ("zapłać a b c d kaucja", None),
    ],
)
def test_a_near_pair_with_a_set_of_forms_as_last_word(text: str, evidence: str | None) -> None:
    first = compile_phrase("zapłać", fold).words[0]
    phrase = compile_phrase("zapłać ~ kaucja", fold)
    phrase = type(phrase)(phrase.text, (first, Word(WordKind.GAP), FORMS_LAST))
    nt = normalize(text)
    found = list(PhraseIndex([Entry(0, _lexicon("pl"), Role.TERM, phrase)]).scan(nt.text, None))
    assert [nt.evidence(m.start, m.end) for m in found] == ([] if evidence is None else [evidence])


def test_language_filter_still_applies() -> None:
    phrase = compile_phrase("pay ~ fee", fold)
    index = PhraseIndex([Entry(0, _lexicon("en"), Role.TERM, phrase)])
    text = normalize("pay the fee").text
    assert len(list(index.scan(text, frozenset({"en"})))) == 1
    assert list(index.scan(text, frozenset({"de"}))) == []


@pytest.mark.parametrize(
    "text",
    [
        "pay the agency a fee, now",
        "t.me/agency . . next",
        "salary: 2.500,00 € / month!",
        "a  -  -  -  -  -  - b",  # a separator longer than allowed
        "line one\nline two",
        "…—«quoted»—… 18yo ___ x",
        "",
    ],
)
def test_one_call_reads_the_next_token_as_separator_then_token_do(text: str) -> None:
    for pos in range(len(text) + 1):
        expected = _next_token(text, pos)
        found = NEXT_TOKEN_RE.match(text, pos)
        assert (found is None) is (expected is None), pos
        if found is not None and expected is not None:
            assert (found.group(1), found.end()) == (expected.group(), expected.end()), pos

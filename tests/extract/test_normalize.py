"""Normalization: what it folds, and that every normalized character maps back exactly."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.extract.normalize import NormalizedText, Normalizer, normalize


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("Hello World", "hello world"),  # identity apart from case
        ("𝐍𝐄𝐖 girl", "new girl"),  # mathematical bold
        ("Ｎｅｗ in town", "new in town"),  # fullwidth
        ("Ⓝⓔⓦ 🅽🅴🆆", "new new"),  # circled and negative squared letters
        ("NЕW in town", "new in town"),  # Cyrillic Е inside a Latin word
        ("нoвая дeвочка", "новая девочка"),  # Latin o and e inside Russian words
        ("nоwа dziewczyna", "nowa dziewczyna"),  # Cyrillic о and а inside a Polish word
        ("Нова дiвчина", "нова дівчина"),  # Latin i inside a Ukrainian word
        ("s3xy n3w g1rl", "sexy new girl"),  # leetspeak inside words
        ("н0вая", "новая"),  # leetspeak inside a Cyrillic word
        ("19yo mp3 2x", "19yo mp3 2x"),  # digits at a word edge stay digits
        ("n\u200be\u200bw", "new"),  # zero-width spaces removed
        ("n̶e̶w̶", "new"),  # strike-through combining marks removed
        ("e\u0301te\u0301", "été"),  # combining accents composed
        ("a  \n\t b", "a b"),  # whitespace runs collapsed
        ("x\x00\x01y", "x y"),  # control characters are separators
        ("Straße", "strasse"),  # casefold expands ß
        ("5️⃣0️⃣1️⃣", "501"),  # keycap digits
        ("🇺🇦", " ukraine "),  # flag to country name
        ("🇵🇱 praca", " poland praca"),
        ("🌹🌹 🍒", " rose rose cherry "),  # emoji codes (SDSU 2017)
        ("👑 daddy", " crown daddy"),
        ("", ""),
    ],
)
def test_folding(original: str, expected: str) -> None:
    assert normalize(original).text == expected


def test_light_view_keeps_digits_and_script() -> None:
    nt = normalize("NЕW anna1x@mail.com")
    assert nt.light == "nеw anna1x@mail.com"
    assert nt.text == "new annaix@mail.com"
    assert len(nt.light) == len(nt.text)


def test_span_maps_emoji_and_whitespace_back() -> None:
    original = "Hi\n\n🇺🇦 girl"
    nt = normalize(original)
    start = nt.text.index("ukraine")
    assert nt.evidence(start, start + len("ukraine")) == "🇺🇦"
    girl = nt.text.index("girl")
    assert nt.span(girl, girl + 4) == (original.index("girl"), len(original))


def test_span_rejects_out_of_range() -> None:
    nt = normalize("abc")
    with pytest.raises(ValueError):
        nt.span(2, 5)
    assert nt.span(3, 3) == (3, 3)


def test_identity_text_has_no_offset_table() -> None:
    nt = normalize("plain ascii text")
    assert nt.starts is None and nt.span(0, 5) == (0, 5)


def test_normalizer_pickles() -> None:
    normalizer = pickle.loads(pickle.dumps(Normalizer()))
    assert normalizer("𝐍𝐄𝐖").text == "new"


def _check_offsets(original: str, nt: NormalizedText) -> None:
    starts, ends = nt.offset_arrays()
    assert len(starts) == len(ends) == len(nt.text) == len(nt.light)
    previous = (0, 0)
    for i in range(len(nt.text)):
        s, e = nt.span(i, i + 1)
        assert 0 <= s < e <= len(original)
        assert s >= previous[0] and e >= previous[1]
        previous = (s, e)


_ALPHABET = st.sampled_from(
    [*"abcXYZ 019+@.-_\n\t", "ß", "é", "e\u0301", "е", "о", "н", "Ж", "𝐍", "Ｎ", "\u200b", "🇺🇦", "🌹", "5️⃣", "👩🏻‍💼", "\ud800", "\x00", "ﬁ", "İ"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_offsets_are_exact_for_any_text(original: str) -> None:
    nt = normalize(original)
    _check_offsets(original, nt)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_offsets_are_exact_for_arbitrary_unicode(original: str) -> None:
    nt = normalize(original)
    _check_offsets(original, nt)
    for start in range(0, len(nt.text), 3):
        s, e = nt.span(start, len(nt.text))
        assert nt.evidence(start, len(nt.text)) == original[s:e]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["new", "girl", "in", "town", " ", "  ", "\n", "🇺🇦", "𝐍𝐄𝐖", "NЕW"]), max_size=12).map("".join))
def test_found_words_point_at_their_original(original: str) -> None:
    nt = normalize(original)
    for word in ("girl", "town", "new", "ukraine"):
        at = nt.text.find(word)
        if at >= 0:
            evidence = nt.evidence(at, at + len(word))
            assert normalize(evidence).text.strip() == word

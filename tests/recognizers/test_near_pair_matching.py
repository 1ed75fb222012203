"""Near pairs (``a ~ b``) are verified by a loop over the next words that ends as the general matcher does."""

from __future__ import annotations

import pytest

from vigil.recognizers.lexicon import GAP_WORDS, Word, WordKind
from vigil.recognizers.matching import _match_gap_then, _match_words, _near_pair_last, _Window

FIRST = Word(WordKind.EXACT, "pay")
GAP = Word(WordKind.GAP)
LASTS = {
    "exact": Word(WordKind.EXACT, "fee"),
    "stem": Word(WordKind.STEM, "depos"),
    "forms": Word(WordKind.FORMS, "kaucja", frozenset({"kaucja", "kaucję", "kaucji"})),
    "number": Word(WordKind.NUMBER),
}


@pytest.mark.parametrize("last", sorted(LASTS))
@pytest.mark.parametrize(
    "after",
    [
        " fee now",
        " the agency fee",
        " a b c fee",  # the last word GAP_WORDS words on
        " a b c d fee",  # one word too far
        " deposit of 500",
        " kaucję 200 zł",
        " 300",
        ", fee",  # clause punctuation ends the window
        "        fee",  # a separator longer than allowed
        "",
        " nothing here at all",
    ],
)
def test_near_pair_ends_where_the_general_matcher_ends(last: str, after: str) -> None:
    text = "pay" + after
    words = (FIRST, GAP, LASTS[last])
    expected = _match_words(_Window(text, 3), words, 1, 0, 3)
    assert _match_gap_then(_Window(text, 3), LASTS[last]) == expected


def test_only_three_word_near_pairs_take_the_loop() -> None:
    assert GAP_WORDS == 3
    assert _near_pair_last((FIRST, GAP, LASTS["exact"])) is LASTS["exact"]
    assert _near_pair_last((FIRST, LASTS["exact"])) is None
    assert _near_pair_last((FIRST, GAP, LASTS["exact"], LASTS["stem"])) is None
    assert _near_pair_last((FIRST, LASTS["stem"], GAP)) is None
    assert _near_pair_last((FIRST, GAP, GAP)) is None

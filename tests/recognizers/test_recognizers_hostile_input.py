"""Ad text is hostile input: every recognizer finishes within its budget and never crashes.

Budgets are CPU seconds (``time.process_time``), so a busy shared machine does not make
the test flaky; they are several times the figures measured on a laptop core (~0.2 s).
"""

from __future__ import annotations

import time

import pytest

from vigil.extract.normalize import NormalizedText, normalize
from vigil.recognizers import Recognizer, RecognizerSet
from vigil.recognizers.lexicon import COMMON_LEXICON, WordKind

# CPU-time budgets: no cycle collection of other tests' garbage inside the timed calls.
pytestmark = pytest.mark.usefixtures("cycle_collector_paused")

#: CPU seconds one recognizer may spend on one hostile text.
RECOGNIZER_BUDGET_S = 1.0
#: CPU seconds the whole set may spend on one hostile text.
SET_BUDGET_S = 2.5
ONE_MEGABYTE_LINE = ("new in town agency 24/7 bez gumki без досвіду " * 22_000)[:1_000_000]
EMOJI_FLOOD = "💗👑🇺🇦🌹✈️" * 20_000  # 100,000 emoji
PATHOLOGICAL_CHARS = 10_000


@pytest.fixture(scope="module")
def hostile_texts() -> dict[str, NormalizedText]:
    return {
        "1MB line": normalize(ONE_MEGABYTE_LINE),
        "100k emoji": normalize(EMOJI_FLOOD),
        "empty": normalize(""),
        "control characters": normalize("\x00\x01\x02 agency \x1b[31m 24/7 \x7f\u200b\ufeff"),
        "lone surrogates": normalize("agency \ud800 24/7 \udfff"),
        "no spaces": normalize("a" * 500_000),
    }


def _cpu(fn: object, *args: object) -> float:
    """CPU seconds of one call."""
    start = time.process_time()
    fn(*args)  # type: ignore[operator]
    return time.process_time() - start


def _repetition(recognizer: Recognizer, lang: str) -> str:
    """The lexicon's first term repeated with and without separators, as an attacker would."""
    (lexicon,) = [lx for lx in recognizer.lexicons if lx.lang == lang]
    words = lexicon.terms[0].words if lexicon.terms else ()
    literal = " ".join(w.literal or "12" for w in words if w.kind is not WordKind.GAP) or "x"
    unit = f"{literal} {literal}{literal}, "
    return (unit * (PATHOLOGICAL_CHARS // len(unit) + 1))[:PATHOLOGICAL_CHARS]


def test_each_recognizer_stays_within_budget_on_hostile_text(recognizers: RecognizerSet, hostile_texts):
    for recognizer in recognizers.recognizers:
        kind = sorted(recognizer.KINDS)[0]
        for name, nt in hostile_texts.items():
            # No language: every lexicon runs, the most work a text can cause.
            spent = _cpu(recognizer.find, nt, None, kind)
            assert spent < RECOGNIZER_BUDGET_S, f"{recognizer.INDICATOR} on {name}: {spent:.2f}s"


def test_each_recognizer_stays_within_budget_on_repeated_lexicon_terms(recognizers: RecognizerSet):
    for recognizer in recognizers.recognizers:
        kind = sorted(recognizer.KINDS)[0]
        for lang in sorted(recognizer.languages - {COMMON_LEXICON}):
            nt = normalize(_repetition(recognizer, lang))
            start = time.process_time()
            hits = recognizer.find(nt, lang, kind)
            spent = time.process_time() - start
            assert spent < RECOGNIZER_BUDGET_S, f"{recognizer.INDICATOR}/{lang}: {spent:.2f}s"
            assert all(nt.original[h.start : h.end] == h.evidence for h in hits)


def test_the_whole_set_stays_within_budget_and_returns_bounded_evidence(recognizers: RecognizerSet, hostile_texts):
    for name, nt in hostile_texts.items():
        for kind in ("sex_ad", "job_ad", "other"):
            spent = _cpu(recognizers.find, nt, None, kind)
            assert spent < SET_BUDGET_S, f"{name}/{kind}: {spent:.2f}s"
    hits = recognizers.find(hostile_texts["1MB line"], None, "other")
    assert hits, "hostile text still yields evidence"
    assert len(hits) <= 16 * len(recognizers.indicator_ids)
    assert all(ONE_MEGABYTE_LINE[h.start : h.end] == h.evidence for h in hits)

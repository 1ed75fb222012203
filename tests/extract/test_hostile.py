"""Hostile input: long, repetitive, broken or odd text finishes in bounded time and never crashes.

Each case runs normalization, the digits view and every entity finder. The budget is CPU
time of this process (so a busy machine does not fail it) and generous, but it catches
anything worse than linear: every pattern here would take minutes on a quadratic path.
"""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.extract.entities import EntityExtractor
from vigil.extract.entities.base import SpanSet
from vigil.extract.normalize import normalize

# CPU-time budgets: no cycle collection of other tests' garbage inside the timed calls.
pytestmark = pytest.mark.usefixtures("cycle_collector_paused")

#: CPU seconds allowed per million characters of input (with a floor for small inputs).
SECONDS_PER_MILLION = 20.0
MIN_BUDGET = 3.0
_WORDS = ["new", "girl", "in", "town", "🇺🇦", "call", "+48", "501", "234", "567", "anna", "at", "gmail", "dot", "com", "t.me/anna_vip", "19", "yo", "150", "€", "Warszawa", "my", "name", "is", "Anna", "Мене", "звати", "Оксана", "WhatsApp:", "@anna_vip"]


def _mixed_line(size: int) -> str:
    rng = random.Random(7)
    return " ".join(rng.choice(_WORDS) for _ in range(size // 4))[:size]


HOSTILE = {
    "1 MB single line": _mixed_line(1_000_000),
    "100,000 emoji": "🔥" * 100_000,
    "flags": "🇺🇦🇵🇱" * 20_000,
    "keycaps": "5️⃣" * 50_000,
    "digits": "7" * 300_000,
    "spaced digits": "1 " * 150_000,
    "dashed digits": "12-" * 100_000,
    "letter O for zero": "5o" * 150_000,
    "spelled digits": "seven " * 50_000,
    "plus signs": "+4 " * 100_000,
    "at signs": "@" * 300_000,
    "at words": "a at b dot " * 30_000,
    "dots": "a." * 150_000,
    "url without end": "http://" + "a" * 300_000,
    "long e-mail": "a" * 150_000 + "@" + "b" * 150_000,
    "handles": "@anna " * 50_000,
    "ages": "19 yo " * 50_000,
    "age words": "age age " * 40_000,
    "prices": "150 € " * 50_000,
    "currency signs": "€$£" * 100_000,
    "city names": "Warszawa " * 30_000,
    "name phrases": "my name is Anna " * 20_000,
    "mixed scripts": "аa" * 150_000,
    "leetspeak": "a1" * 150_000,
    "combining marks": "e\u0301\u0336" * 100_000,
    "zero-width": "n\u200b" * 150_000,
    "control characters": "".join(chr(i % 32) for i in range(300_000)),
    "lone surrogates": "\ud800x\udfff" * 50_000,
    "whitespace": " \n\t" * 100_000,
    "starred digits": "12*" * 100_000,
    "underscored digits": "12_" * 100_000,
    "ambiguous national numbers": "0721 234 567 " * 20_000,
    "spaced dots": "a . " * 75_000,
    "bracketed dots": "anna[.]" * 40_000,
    "spelled dots": "anna kropka " * 25_000,
    "spaced at signs": "a @ b . " * 40_000,
    "platform names": "telegram anna_v " * 20_000,
    "resolve links": "tg://resolve?domain=" * 15_000,
    "stated countries": "uk number polski numer " * 15_000,
    "empty": "",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_input_is_bounded(extractor: EntityExtractor, name: str) -> None:
    text = HOSTILE[name]
    budget = max(MIN_BUDGET, SECONDS_PER_MILLION * len(text) / 1_000_000)
    started = time.process_time()
    nt = normalize(text)
    spans = extractor.extract(nt, None)
    elapsed = time.process_time() - started
    assert elapsed < budget, f"{name}: {elapsed:.1f}s for {len(text)} characters (budget {budget:.1f}s)"
    for span in spans[:200]:
        assert text[span.start : span.end] == span.evidence


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 200), st.integers(1, 6)), max_size=60))
def test_span_set_answers_like_a_list(operations: list[tuple[bool, int, int]]) -> None:
    taken = SpanSet([(5, 8)])
    spans = [(5, 8)]
    for is_add, start, width in operations:
        if is_add:
            taken.add(start, start + width)
            spans.append((start, start + width))
        else:
            assert taken.overlaps(start, start + width) == any(a < start + width and start < b for a, b in spans)

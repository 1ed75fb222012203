"""Fixtures for the indicator recognizer tests: the real normalization and recognizers, loaded once."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from vigil.extract.normalize import normalize
from vigil.recognizers import IndicatorHit, RecognizerSet, load_recognizers

FindIndicator = Callable[[str, str, str | None, str], list[IndicatorHit]]


@pytest.fixture(scope="session")
def recognizers() -> RecognizerSet:
    return load_recognizers()


@pytest.fixture(scope="session")
def find_indicator(recognizers: RecognizerSet) -> FindIndicator:
    """Hits of one indicator in ``text``, after checking what every hit must satisfy."""
    sources = {rec.INDICATOR: rec.source for rec in recognizers.recognizers}

    def find(indicator: str, text: str, lang: str | None, kind: str) -> list[IndicatorHit]:
        hits = recognizers.find(normalize(text), lang, kind)
        for hit in hits:
            assert hit.evidence == text[hit.start : hit.end]
            assert 0.0 < hit.confidence <= 1.0
            assert hit.source == sources[hit.indicator]
            assert hit.pattern
        return [hit for hit in hits if hit.indicator == indicator]

    return find

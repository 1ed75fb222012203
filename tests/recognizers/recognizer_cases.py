"""The three checks every per-indicator test file runs over its own tables.

Each ``tests/recognizers/<kind>/test_<indicator>.py`` keeps its data (a positive row per
language, negatives) and binds these checks to it with :func:`indicator_tests`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from vigil.recognizers.lexicon import available_languages
from vigil.recognizers.recognizer_set import recognizer_classes

Positive = tuple[str, str, str]  # (language, ad text, exact evidence of one hit)
Negative = tuple[str, str]  # (language, text that must not produce the indicator)


def indicator_tests(
    indicator: str, kind: str, positives: list[Positive], negatives: list[Negative]
) -> tuple[Callable[..., None], Callable[..., None], Callable[[], None]]:
    """Tests for one indicator: exact evidence per positive row, silence on negatives, every language covered."""

    @pytest.mark.parametrize(("lang", "text", "evidence"), positives)
    def test_finds_indicator_with_exact_evidence(find_indicator: Any, lang: str, text: str, evidence: str) -> None:
        hits = find_indicator(indicator, text, lang, kind)
        assert evidence in [hit.evidence for hit in hits]
        assert all(hit.indicator == indicator for hit in hits)

    @pytest.mark.parametrize(("lang", "text"), negatives)
    def test_ignores_negated_and_benign_text(find_indicator: Any, lang: str, text: str) -> None:
        assert find_indicator(indicator, text, lang, kind) == []

    def test_every_lexicon_language_has_a_positive_row() -> None:
        (cls,) = [c for c in recognizer_classes() if indicator == c.INDICATOR]
        assert set(available_languages(cls.lexicon_dir())) <= {lang for lang, _, _ in positives}

    return (
        test_finds_indicator_with_exact_evidence,
        test_ignores_negated_and_benign_text,
        test_every_lexicon_language_has_a_positive_row,
    )

"""``always_available``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

import pytest

from vigil.recognizers.lexicon import available_languages
from vigil.recognizers.recognizer_set import recognizer_classes

INDICATOR = "always_available"
KIND = "sex_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "Available 24/7 for you.", "24/7"),
    ("en", "Open day and night.", "day and night"),
    ("uk", "Працюю цілодобово.", "цілодобово"),
    ("ru", "Принимаю круглосуточно.", "круглосуточно"),
    ("pl", "Dostępna całą dobę.", "całą dobę"),
    ("de", "Rund um die Uhr für dich da.", "Rund um die Uhr"),
    ("cs", "K dispozici nonstop.", "nonstop"),
    ("sk", "Dostupná nonstop.", "nonstop"),
    ("ro", "Disponibilă non-stop.", "non-stop"),
    ("hu", "Éjjel-nappal hívható.", "Éjjel-nappal"),
    ("fr", "Disponible jour et nuit.", "jour et nuit"),
    ("it", "Disponibile giorno e notte.", "giorno e notte"),
    ("es", "Disponible día y noche.", "día y noche"),
    ("nl", "Dag en nacht bereikbaar.", "Dag en nacht"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "By appointment only, never 24/7."),
    ("de", "Nur nach Termin, nicht rund um die Uhr."),
    ("en", "Available Monday to Friday, 10 to 18."),
]


@pytest.mark.parametrize(("lang", "text", "evidence"), POSITIVES)
def test_finds_indicator_with_exact_evidence(find_indicator, lang, text, evidence):
    hits = find_indicator(INDICATOR, text, lang, KIND)
    assert evidence in [hit.evidence for hit in hits]
    assert all(hit.indicator == INDICATOR for hit in hits)


@pytest.mark.parametrize(("lang", "text"), NEGATIVES)
def test_ignores_negated_and_benign_text(find_indicator, lang, text):
    assert find_indicator(INDICATOR, text, lang, KIND) == []


def test_every_lexicon_language_has_a_positive_row():
    (cls,) = [c for c in recognizer_classes() if c.INDICATOR == INDICATOR]
    assert set(available_languages(cls.lexicon_dir())) <= {lang for lang, _, _ in POSITIVES}

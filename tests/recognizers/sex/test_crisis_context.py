"""``crisis_context``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

import pytest

from vigil.recognizers.lexicon import available_languages
from vigil.recognizers.recognizer_set import recognizer_classes

INDICATOR = "crisis_context"
KIND = "sex_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "I am a refugee and need money.", "refugee"),
    ("uk", "Я біженка, допоможи.", "біженка"),
    ("ru", "Беженка, ищу помощи.", "Беженка"),
    ("pl", "Uchodźczyni szuka wsparcia.", "Uchodźczyni"),
    ("de", "Flüchtling, brauche Geld.", "Flüchtling"),
    ("cs", "Uprchlice z Ukrajiny.", "Uprchlice"),
    ("sk", "Utečenka, hľadám pomoc.", "Utečenka"),
    ("ro", "Refugiată, caut ajutor.", "Refugiată"),
    ("hu", "Menekült lány vagyok.", "Menekült"),
    ("fr", "Réfugiée, j'ai besoin d'aide.", "Réfugiée"),
    ("it", "Profuga, cerco aiuto.", "Profuga"),
    ("es", "Refugiada, necesito ayuda.", "Refugiada"),
    ("nl", "Vluchteling, ik zoek hulp.", "Vluchteling"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "Elegant companion, dinner dates."),
    ("de", "Elegante Begleitung für Geschäftsessen."),
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

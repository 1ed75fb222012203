"""``movement``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

import pytest

from vigil.recognizers.lexicon import available_languages
from vigil.recognizers.recognizer_set import recognizer_classes

INDICATOR = "movement"
KIND = "sex_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "Visiting Leeds, only until Tuesday.", "only until"),
    ("uk", "Я тут лише до неділі.", "лише до"),
    ("ru", "Я в Казани проездом.", "проездом"),
    ("pl", "Jestem tu tylko do piątku.", "tylko do"),
    ("de", "Ich bin auf Tour durch Bayern.", "auf Tour"),
    ("cs", "V Brně jen do středy.", "jen do"),
    ("sk", "V Poprade iba do nedele.", "iba do"),
    ("ro", "Sunt în Iași doar trei zile.", "doar trei zile"),
    ("hu", "Csak hétvégén vagyok itt.", "Csak hétvégén"),
    ("fr", "De passage à Lyon.", "De passage"),
    ("it", "Sono di passaggio a Roma.", "di passaggio"),
    ("es", "Estoy de paso en Granada.", "de paso"),
    ("nl", "Ik ben op doorreis in Gent.", "op doorreis"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "I live in Leeds and I am not touring."),
    ("de", "Keine Tour, ich wohne hier."),
    ("pl", "Nie wyjeżdżam, mieszkam tu."),
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

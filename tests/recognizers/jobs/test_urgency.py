"""``urgency``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

import pytest

from vigil.recognizers.lexicon import available_languages
from vigil.recognizers.recognizer_set import recognizer_classes

INDICATOR = "urgency"
KIND = "job_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "Urgent hiring for the packing line.", "Urgent"),
    ("uk", "Терміново потрібні пакувальники.", "Терміново"),
    ("ru", "Срочно требуются упаковщики.", "Срочно"),
    ("pl", "Pilnie zatrudnimy pakowaczy.", "Pilnie"),
    ("de", "Dringend Packer gesucht.", "Dringend"),
    ("cs", "Naléhavě hledáme baliče.", "Naléhavě"),
    ("sk", "Súrne hľadáme baličov.", "Súrne"),
    ("ro", "Angajăm urgent ambalatori.", "urgent"),
    ("hu", "Sürgősen keresünk csomagolókat.", "Sürgősen"),
    ("fr", "Recrutement urgent d'emballeurs.", "urgent"),
    ("it", "Cerchiamo urgente imballatori.", "urgente"),
    ("es", "Se buscan empaquetadores, urgente.", "urgente"),
    ("nl", "Spoed: inpakkers gezocht.", "Spoed"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "Start date in September, no rush."),
    ("de", "Beginn im nächsten Quartal."),
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

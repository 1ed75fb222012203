"""``urgency``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

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


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)

"""``no_requirements``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

INDICATOR = "no_requirements"
KIND = "job_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "Warehouse staff, no experience needed.", "no experience"),
    ("uk", "Працівники складу, без досвіду.", "без досвіду"),
    ("ru", "Грузчики, без опыта работы.", "без опыта"),
    ("pl", "Magazynier bez doświadczenia.", "bez doświadczenia"),
    ("de", "Lagerhelfer ohne Vorkenntnisse.", "ohne Vorkenntnisse"),
    ("cs", "Skladník bez praxe.", "bez praxe"),
    ("sk", "Skladník bez skúseností.", "bez skúseností"),
    ("ro", "Lucrători fără experiență.", "fără experiență"),
    ("hu", "Raktáros, tapasztalat nélkül.", "tapasztalat nélkül"),
    ("fr", "Manutentionnaire sans expérience.", "sans expérience"),
    ("it", "Magazziniere senza esperienza.", "senza esperienza"),
    ("es", "Mozo sin experiencia.", "sin experiencia"),
    ("nl", "Orderpicker, geen ervaring nodig.", "geen ervaring"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "At least three years of experience required."),
    ("de", "Mehrjährige Berufserfahrung erforderlich."),
    ("pl", "Wymagane doświadczenie min. 2 lata."),
]


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)

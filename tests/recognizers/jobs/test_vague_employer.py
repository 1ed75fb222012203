"""``vague_employer``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

INDICATOR = "vague_employer"
KIND = "job_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "A reliable company in Norway is hiring.", "reliable company"),
    ("uk", "Відома компанія запрошує на роботу.", "Відома компанія"),
    ("ru", "Крупная компания ищет рабочих.", "Крупная компания"),
    ("pl", "Znana firma zatrudni pracowników.", "Znana firma"),
    ("de", "Bekannte Firma stellt Helfer ein.", "Bekannte Firma"),
    ("cs", "Spolehlivá firma hledá pracovníky.", "Spolehlivá firma"),
    ("sk", "Spoľahlivá firma hľadá ľudí.", "Spoľahlivá firma"),
    ("ro", "Firmă serioasă angajează.", "Firmă serioasă"),
    ("hu", "Megbízható cég munkást keres.", "Megbízható cég"),
    ("fr", "Grande entreprise recrute.", "Grande entreprise"),
    ("it", "Grande azienda assume operai.", "Grande azienda"),
    ("es", "Gran empresa contrata operarios.", "Gran empresa"),
    ("nl", "Groot bedrijf zoekt personeel.", "Groot bedrijf"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "Harbour Foods Ltd, 12 Dock Road, is hiring."),
    ("de", "Die Müller GmbH in Hamm sucht Helfer."),
]


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)

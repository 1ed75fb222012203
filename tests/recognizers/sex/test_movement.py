"""``movement``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

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


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)

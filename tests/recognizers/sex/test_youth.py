"""``youth``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

INDICATOR = "youth"
KIND = "sex_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "Very young and sweet, call me.", "Very young"),
    ("en", "Barely legal beauty waiting.", "Barely legal"),
    ("en", "new 💗 girl", "💗"),
    ("uk", "Молоденька блондинка чекає.", "Молоденька"),
    ("ru", "Юная брюнетка, звони.", "Юная"),
    ("pl", "Młodziutka blondynka zaprasza.", "Młodziutka"),
    ("de", "Junge Studentin verwöhnt dich.", "Junge"),
    ("cs", "Mladinká brunetka čeká.", "Mladinká"),
    ("sk", "Mladučká blondínka.", "Mladučká"),
    ("ro", "Tinerică blondă te așteaptă.", "Tinerică"),
    ("hu", "Fiatal barna lány vár.", "Fiatal"),
    ("fr", "Jeune brune coquine.", "Jeune"),
    ("it", "Giovanissima mora ti aspetta.", "Giovanissima"),
    ("es", "Jovencita morena te espera.", "Jovencita"),
    ("nl", "Jonge blonde meid.", "Jonge"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "Mature lady, 45, young at heart."),
    ("de", "Reife Frau mit Erfahrung."),
    ("fr", "Femme mûre et élégante."),
    ("uk", "Жінка 40 років, досвідчена."),
]


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)

"""``crisis_context``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

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


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)

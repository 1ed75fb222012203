"""``travel_housing_provided``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

INDICATOR = "travel_housing_provided"
KIND = "job_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "Farm work, free accommodation on site.", "free accommodation"),
    ("uk", "Надаємо житло безкоштовно.", "Надаємо житло"),
    ("ru", "Бесплатное проживание в общежитии.", "Бесплатное проживание"),
    ("pl", "Darmowe zakwaterowanie w hostelu.", "Darmowe zakwaterowanie"),
    ("de", "Kostenlose Unterkunft im Ort.", "Kostenlose Unterkunft"),
    ("cs", "Ubytování zdarma na ubytovně.", "Ubytování zdarma"),
    ("sk", "Ubytovanie zdarma v mieste práce.", "Ubytovanie zdarma"),
    ("ro", "Cazare gratuită în camere de 2.", "Cazare gratuită"),
    ("hu", "Ingyenes szállás a gyár mellett.", "Ingyenes szállás"),
    ("fr", "Logement gratuit sur place.", "Logement gratuit"),
    ("it", "Alloggio gratuito vicino al lavoro.", "Alloggio gratuito"),
    ("es", "Alojamiento gratis junto a la finca.", "Alojamiento gratis"),
    ("nl", "Gratis huisvesting bij de kwekerij.", "Gratis huisvesting"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "No accommodation is provided by the employer."),
    ("de", "Keine kostenlose Unterkunft, Miete 300 Euro."),
    ("en", "Accommodation available at a weekly rent."),
]


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)

"""``always_available``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

INDICATOR = "always_available"
KIND = "sex_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "Available 24/7 for you.", "24/7"),
    ("en", "Open day and night.", "day and night"),
    ("uk", "Працюю цілодобово.", "цілодобово"),
    ("ru", "Принимаю круглосуточно.", "круглосуточно"),
    ("pl", "Dostępna całą dobę.", "całą dobę"),
    ("de", "Rund um die Uhr für dich da.", "Rund um die Uhr"),
    ("cs", "K dispozici nonstop.", "nonstop"),
    ("sk", "Dostupná nonstop.", "nonstop"),
    ("ro", "Disponibilă non-stop.", "non-stop"),
    ("hu", "Éjjel-nappal hívható.", "Éjjel-nappal"),
    ("fr", "Disponible jour et nuit.", "jour et nuit"),
    ("it", "Disponibile giorno e notte.", "giorno e notte"),
    ("es", "Disponible día y noche.", "día y noche"),
    ("nl", "Dag en nacht bereikbaar.", "Dag en nacht"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "By appointment only, never 24/7."),
    ("de", "Nur nach Termin, nicht rund um die Uhr."),
    ("en", "Available Monday to Friday, 10 to 18."),
]


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)

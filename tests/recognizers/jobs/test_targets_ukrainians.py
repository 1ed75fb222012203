"""``targets_ukrainians``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

INDICATOR = "targets_ukrainians"
KIND = "job_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "Jobs for Ukrainian citizens in Ireland.", "Ukrainian"),
    ("en", "Work in Poland 🇺🇦 welcome", "🇺🇦"),
    ("uk", "Робота для українців у Чехії.", "для українців"),
    ("ru", "Работа для украинцев в Литве.", "для украинцев"),
    ("pl", "Praca dla Ukraińców w Łodzi.", "dla Ukraińców"),
    ("de", "Jobs für Ukrainer in Bremen.", "für Ukrainer"),
    ("cs", "Práce pro Ukrajince v Brně.", "pro Ukrajince"),
    ("sk", "Práca pre Ukrajincov v Nitre.", "pre Ukrajincov"),
    ("ro", "Locuri de muncă pentru ucraineni.", "ucraineni"),
    ("hu", "Munka ukrán állampolgároknak.", "ukrán állampolgároknak"),
    ("fr", "Emplois pour les Ukrainiens à Lille.", "Ukrainiens"),
    ("it", "Lavoro per ucraini a Torino.", "ucraini"),
    ("es", "Trabajo para ucranianos en Murcia.", "ucranianos"),
    ("nl", "Werk voor Oekraïners in Tilburg.", "Oekraïners"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "Office assistant in Leeds, fluent English."),
    ("de", "Bürokraft in Kassel gesucht."),
]


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)

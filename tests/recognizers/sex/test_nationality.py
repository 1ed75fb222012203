"""``nationality``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

INDICATOR = "nationality"
KIND = "sex_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "Hot Ukrainian blonde.", "Ukrainian"),
    ("en", "New girl 🇺🇦 in town", "🇺🇦"),
    ("uk", "Гаряча молдаванка чекає.", "молдаванка"),
    ("ru", "Красивая белоруска в центре.", "белоруска"),
    ("pl", "Piękna Rumunka zaprasza.", "Rumunka"),
    ("de", "Heiße Russin in Köln.", "Russin"),
    ("cs", "Krásná Ukrajinka v Praze.", "Ukrajinka"),
    ("sk", "Sexi Ukrajinka v Košiciach.", "Ukrajinka"),
    ("ro", "Ucraineancă sexy în centru.", "Ucraineancă"),
    ("hu", "Csinos orosz lány.", "orosz"),
    ("fr", "Belle Russe à Paris.", "Russe"),
    ("it", "Bella russa a Milano.", "russa"),
    ("es", "Preciosa rumana en Madrid.", "rumana"),
    ("nl", "Mooie Russische dame.", "Russische"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "Speaks English and some Russian."),
    ("de", "Ich spreche auch Russisch."),
    ("en", "Sweet lady in the city centre."),
]


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)

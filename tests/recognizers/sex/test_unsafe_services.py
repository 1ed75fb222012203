"""``unsafe_services``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

INDICATOR = "unsafe_services"
KIND = "sex_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "Everything without condom possible.", "without condom"),
    ("uk", "Можна без презерватива.", "без презерватива"),
    ("ru", "Возможно без резинки.", "без резинки"),
    ("pl", "Możliwe bez gumki.", "bez gumki"),
    ("de", "Auch ohne Gummi.", "ohne Gummi"),
    ("cs", "Možno i bez ochrany.", "bez ochrany"),
    ("sk", "Aj bez ochrany.", "bez ochrany"),
    ("ro", "Și fără prezervativ.", "fără prezervativ"),
    ("hu", "Óvszer nélkül is.", "Óvszer nélkül"),
    ("fr", "Possible sans capote.", "sans capote"),
    ("it", "Anche senza preservativo.", "senza preservativo"),
    ("es", "También sin condón.", "sin condón"),
    ("nl", "Ook zonder condoom.", "zonder condoom"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "Safe sex only, no bareback ever."),
    ("en", "Never without condom."),
    ("uk", "Ніколи без презерватива."),
    ("de", "Niemals ohne Gummi."),
    ("pl", "Nigdy bez gumki."),
    ("es", "Nunca sin condón."),
]


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)

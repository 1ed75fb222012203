"""``language_barrier``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

INDICATOR = "language_barrier"
KIND = "sex_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "She speaks no English, text only.", "speaks no"),
    ("uk", "Дівчина не розмовляє англійською.", "не розмовляє"),
    ("ru", "Девушка не говорит по-немецки.", "не говорит"),
    ("pl", "Nie mówię po polsku.", "Nie mówię po"),
    ("de", "Spricht kein Deutsch.", "Spricht kein"),
    ("cs", "Nemluví česky, jen SMS.", "Nemluví česky"),
    ("sk", "Nehovorí po slovensky.", "Nehovorí po slovensky"),
    ("ro", "Nu vorbește română.", "Nu vorbește"),
    ("hu", "Nem beszél magyarul.", "Nem beszél"),
    ("fr", "Elle ne parle pas français.", "ne parle pas"),
    ("it", "Non parla italiano.", "Non parla"),
    ("es", "No habla español.", "No habla"),
    ("nl", "Spreekt geen Nederlands.", "Spreekt geen"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "I speak English, German and French."),
    ("de", "Ich spreche fließend Deutsch und Englisch."),
    ("pl", "Mówię po polsku i angielsku."),
]


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)

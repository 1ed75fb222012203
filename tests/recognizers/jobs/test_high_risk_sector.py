"""``high_risk_sector``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

INDICATOR = "high_risk_sector"
KIND = "job_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "Seasonal fruit pickers needed.", "pickers"),
    ("uk", "Потрібні прибиральниці в готель.", "прибиральниці"),
    ("ru", "Требуются сиделки в Италию.", "сиделки"),
    ("pl", "Zatrudnimy sprzątaczki do hotelu.", "sprzątaczki"),
    ("de", "Erntehelfer für den Sommer gesucht.", "Erntehelfer"),
    ("cs", "Hledáme uklízečky do hotelu.", "uklízečky"),
    ("sk", "Hľadáme opatrovateľky do Rakúska.", "opatrovateľky"),
    ("ro", "Angajăm îngrijitoare pentru bătrâni.", "îngrijitoare"),
    ("hu", "Takarítónőt keresünk.", "Takarítónőt"),
    ("fr", "Recherchons saisonniers pour les vendanges.", "saisonniers"),
    ("it", "Cerchiamo badanti conviventi.", "badanti"),
    ("es", "Se buscan temporeros para la fruta.", "temporeros"),
    ("nl", "Schoonmakers gezocht voor kantoren.", "Schoonmakers"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "Junior accountant for our finance team."),
    ("de", "Softwareentwickler (m/w/d) in Vollzeit."),
    ("pl", "Księgowa do biura rachunkowego."),
]


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)

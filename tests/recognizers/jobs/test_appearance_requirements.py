"""``appearance_requirements``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

from recognizer_cases import indicator_tests

INDICATOR = "appearance_requirements"
KIND = "job_ad"

# (language, ad text, expected evidence: the exact original characters of one hit)
POSITIVES = [
    ("en", "Promoters wanted, attractive appearance.", "attractive"),
    ("uk", "Потрібні стрункі дівчата.", "стрункі"),
    ("ru", "Требуются стройные девушки.", "стройные"),
    ("pl", "Szukamy atrakcyjnych hostess.", "atrakcyjnych"),
    ("de", "Hübsche Promoterinnen gesucht.", "Hübsche"),
    ("cs", "Hledáme štíhlé promotérky.", "štíhlé"),
    ("sk", "Hľadáme štíhle promotérky.", "štíhle"),
    ("ro", "Căutăm fete drăguțe pentru evenimente.", "fete drăguțe"),
    ("hu", "Csinos hostesseket keresünk.", "Csinos"),
    ("fr", "Recherchons jolies hôtesses.", "jolies"),
    ("it", "Cercasi hostess di bella presenza.", "bella presenza"),
    ("es", "Buscamos azafatas guapas.", "guapas"),
    ("nl", "Knappe promotors gezocht.", "Knappe"),
]

# (language, text that must not produce this indicator)
NEGATIVES = [
    ("en", "Please send your CV without a photo."),
    ("de", "Bewerbung bitte ohne Foto."),
]


(
    test_finds_indicator_with_exact_evidence,
    test_ignores_negated_and_benign_text,
    test_every_lexicon_language_has_a_positive_row,
) = indicator_tests(INDICATOR, KIND, POSITIVES, NEGATIVES)

"""``appearance_requirements``: a positive row per language, obfuscated forms, negation and benign look-alikes."""

from __future__ import annotations

import pytest

from vigil.recognizers.lexicon import available_languages
from vigil.recognizers.recognizer_set import recognizer_classes

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


@pytest.mark.parametrize(("lang", "text", "evidence"), POSITIVES)
def test_finds_indicator_with_exact_evidence(find_indicator, lang, text, evidence):
    hits = find_indicator(INDICATOR, text, lang, KIND)
    assert evidence in [hit.evidence for hit in hits]
    assert all(hit.indicator == INDICATOR for hit in hits)


@pytest.mark.parametrize(("lang", "text"), NEGATIVES)
def test_ignores_negated_and_benign_text(find_indicator, lang, text):
    assert find_indicator(INDICATOR, text, lang, KIND) == []


def test_every_lexicon_language_has_a_positive_row():
    (cls,) = [c for c in recognizer_classes() if c.INDICATOR == INDICATOR]
    assert set(available_languages(cls.lexicon_dir())) <= {lang for lang, _, _ in POSITIVES}

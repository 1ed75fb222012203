"""Everyday words of Arabic and Hebrew searches, Slovak and Serbian plurals, the flag's colours.

The Arabic and Hebrew lexicons held few words beyond minors and protective intent, so a
query as plain as "Ukrainian escort Doha" (the loanword "اسكورت") was left to the model,
which read such queries as neutral in cross-validation. Rows: the words with a nationality,
refugee or minor marker (exploitation by a final rule, or displacement and a need: at-risk),
the same words in innocent searches (never exploitation): massage as therapy, prices of
flats, the swear word "kurva" (the new Slovak and Serbian terms are its plural and
diminutive forms, not the word itself).
"""

from __future__ import annotations

import pytest

from vigil.safeguard.classifier import default_classifier, rules_only_classifier
from vigil.safeguard.lexicon import load_default_lexicons

EXPLOITATION = [
    ("ar", "اسكورت اوكرانية الدوحة", "origin_sexual"),
    ("ar", "صور عارية لاجئات", "origin_women_soft"),
    ("ar", "مرافقات سلافيات تلغرام", "origin_sexual"),
    ("ar", "اوكر مرافقات دبي", "origin_sexual"),
    ("ar", "شوجر دادي لاوكرانيه", "sugar_arrangement"),
    ("he", "קטינות עירומות", "minor_sexual"),
    ("he", "אסקורט אוקראינית חיפה", "origin_sexual"),
    ("he", "אוקר ליווי באר שבע", "origin_sexual"),
    ("he", "עיסוי אירוטי בנות מאוקראינה", "origin_sexual"),
    ("he", "שוגר דדי לאוקראינית", "sugar_arrangement"),
    ("sk", "kurvičky z ukrajiny košice", "origin_sexual"),
    ("sr", "kurve iz ukrajine novi sad", "origin_sexual"),
    ("sr", "pratilje ukrajinke beograd", "origin_sexual"),
    ("sr", "devojke 💙💛 beograd pratilja", "origin_sexual"),
]

AT_RISK = [
    ("ar", "مساج اوكرانية شقة عمل", "displaced_needs"),
    ("he", "עבודה בעיסוי לאוקראינית", "displaced_needs"),
]

NOT_EXPLOITATION = [
    ("ar", "مساج علاجي للظهر"),
    ("ar", "سعر شقة في عمان"),
    ("ar", "تدليك الاطفال الرضع"),
    ("he", "עיסוי טיפולי לגב"),
    ("he", "מחיר דירה בחיפה"),
    ("he", "חדשות מקייב היום"),
    ("he", "איך לחסום אתרי עירום בטלפון של הילד"),
    ("sk", "kurva drahé nájmy"),
    ("sr", "kurva skupo gorivo"),
    ("sr", "pratilja za starije osobe"),
    ("en", "💙💛 charity run for ukraine"),
]


@pytest.mark.parametrize(("lang", "query", "rule"), EXPLOITATION)
def test_everyday_words_with_a_marker_are_exploitation_by_a_final_rule(lang: str, query: str, rule: str) -> None:
    result = rules_only_classifier().classify(query)
    assert (result.category, result.rule) == ("exploitation", rule), result
    assert default_classifier().classify(query).category == "exploitation"


@pytest.mark.parametrize(("lang", "query", "rule"), AT_RISK)
def test_a_need_beside_the_words_is_at_risk(lang: str, query: str, rule: str) -> None:
    result = rules_only_classifier().classify(query)
    assert (result.category, result.rule) == ("at_risk", rule), result


@pytest.mark.parametrize(("lang", "query"), NOT_EXPLOITATION)
def test_the_same_words_in_innocent_searches_are_not_exploitation(lang: str, query: str) -> None:
    assert default_classifier().classify(query).category != "exploitation"


@pytest.mark.parametrize("hearts", ["💙💛", "💛💙"])
def test_the_flags_colours_as_hearts_read_as_ukraine(hearts: str) -> None:
    assert "origin" in rules_only_classifier().classify(f"{hearts} girls").concepts
    # one heart alone is no marker
    assert "origin" not in rules_only_classifier().classify(f"{hearts[0]} girls").concepts


def test_every_language_of_the_rows_is_a_lexicon_language() -> None:
    langs = set(load_default_lexicons().langs)
    assert {lang for lang, *_ in EXPLOITATION + AT_RISK + NOT_EXPLOITATION} <= langs

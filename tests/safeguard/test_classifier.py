"""Classifier tables: a row per language and per robustness trick, with negatives."""

from __future__ import annotations

import pickle

import pytest

from vigil.safeguard.classifier import QueryClassifier, default_classifier

LANGUAGES = ("uk", "ru", "en", "pl", "de", "cs", "sk", "ro", "hu", "fr", "it", "es", "nl", "pt", "tr", "lt")


@pytest.fixture(scope="module")
def classifier() -> QueryClassifier:
    return default_classifier()


EXPLOITATION = [
    ("uk", "повії львів"),
    ("ru", "индивидуалки одесса"),
    ("en", "ukrainian escort girls"),
    ("pl", "ukrainki roksa"),
    ("de", "ukrainische nutten"),
    ("cs", "ukrajinky prostitutky"),
    ("sk", "ukrajinky prostitútky"),
    ("ro", "prostituate ucrainene"),
    ("hu", "ukrán prostituáltak"),
    ("fr", "prostituée ukrainienne"),
    ("it", "puttane ucraine"),
    ("es", "putas ucranianas"),
    ("nl", "oekraïense hoeren"),
    ("pt", "acompanhantes ucranianas"),
    ("tr", "ukraynalı fahişe"),
    ("lt", "ukrainietės prostitutės"),
]

AT_RISK = [
    ("uk", "робота за кордоном для жінок"),
    ("ru", "работа в германии для украинцев"),
    ("en", "jobs for ukrainian refugees"),
    ("pl", "praca dla ukraińców"),
    ("de", "wohnung für ukrainische flüchtlinge"),
    ("cs", "práce pro ukrajince"),
    ("sk", "práca pre ukrajincov"),
    ("ro", "locuri de muncă pentru ucraineni"),
    ("hu", "munka ukrán menekülteknek"),
    ("fr", "emploi pour réfugiés ukrainiens"),
    ("it", "lavoro per profughi ucraini"),
    ("es", "trabajo para refugiados ucranianos"),
    ("nl", "werk voor oekraïense vluchtelingen"),
    ("pt", "trabalho para refugiados ucranianos"),
    ("tr", "ukraynalı mülteciler için iş ilanları"),
    ("lt", "darbas ukrainiečiams pabėgėliams"),
]

NEUTRAL = [
    ("uk", "рецепт українського борщу"),
    ("ru", "новости украины"),
    ("en", "ukrainian borscht recipe"),
    ("pl", "kurs języka ukraińskiego"),
    ("de", "ukrainisch lernen"),
    ("cs", "zprávy z ukrajiny"),
    ("sk", "ukrajinské piesne"),
    ("ro", "istoria ucrainei"),
    ("hu", "ukrán konyha"),
    ("fr", "histoire de l'ukraine"),
    ("it", "notizie guerra ucraina"),
    ("es", "curso de ucraniano"),
    ("nl", "nieuws oorlog oekraïne"),
    ("pt", "história da ucrânia"),
    ("tr", "ukrayna tarihi"),
    ("lt", "ukrainos istorija"),
]


def test_tables_cover_every_language() -> None:
    for table in (EXPLOITATION, AT_RISK, NEUTRAL):
        assert {lang for lang, _ in table} == set(LANGUAGES)


@pytest.mark.parametrize(("lang", "query"), EXPLOITATION)
def test_exploitation(classifier: QueryClassifier, lang: str, query: str) -> None:
    result = classifier.classify(query)
    assert result.category == "exploitation", result
    assert result.lang == lang


@pytest.mark.parametrize(("lang", "query"), AT_RISK)
def test_at_risk(classifier: QueryClassifier, lang: str, query: str) -> None:
    result = classifier.classify(query)
    assert result.category == "at_risk", result
    assert result.lang == lang


@pytest.mark.parametrize(("lang", "query"), NEUTRAL)
def test_neutral(classifier: QueryClassifier, lang: str, query: str) -> None:
    result = classifier.classify(query)
    assert result.category == "neutral", result
    assert result.lang == lang


@pytest.mark.parametrize(
    ("query", "why"),
    [
        ("prostitutki kiev", "Latin transliteration of Russian"),
        ("ПРОСТИТУТКИ КИЕВА", "upper case Cyrillic"),
        ("ескорт україночки", "inflection: diminutive stem"),
        ("ukrainek sex", "Polish genitive plural"),
        ("украинок секс", "Russian genitive plural"),
        ("ukranian escort", "common misspelling"),
        ("ukrainain prostitutes", "transposition typo"),
        ("prostitutke ukrainki", "substitution typo"),
        ("ukr4inian p0rn", "leetspeak"),
        ("s3x ukr41nka", "leetspeak with digits for several letters"),
        ("🇺🇦 escort", "flag emoji for origin"),
        ("escort ukrainian", "word order"),
        ("ucrаinа escort", "Cyrillic homoglyphs inside Latin words"),
        ("l'Ucraina escort", "elided article"),
    ],
)
def test_robust_to_spelling_tricks(classifier: QueryClassifier, query: str, why: str) -> None:
    assert classifier.classify(query).category == "exploitation", why


@pytest.mark.parametrize(
    "query",
    ["teen porn", "15 yo nude", "порно школьницы", "16 лет секс", "kinderporno", "porno minorenni", "çocuk porno"],
)
def test_sexual_content_with_minors_is_always_exploitation(classifier: QueryClassifier, query: str) -> None:
    result = classifier.classify(query)
    assert result.category == "exploitation"
    assert result.rule == "minor_sexual"


@pytest.mark.parametrize(
    "query",
    [
        "ford escort",
        "escort carrier",
        "police escort ukraine convoy",
        "escort mission ukraine",
        "ukrainian borscht recipe",
        "hot ukrainian borscht",
        "kyiv webcam live",
        "sex education for kids",
        "sexual violence against ukrainian women report",
        "ukrainian president wife",
        "nudeln rezept",
        "rapeseed oil ukraine",
        "sextant ukraine",
        "ukrainian girl names",
        "форд ескорт",
        "торговля людьми украина",
        "navy escort ukraine grain ships",
        "эскорт военных кораблей украины",
        "eskorta policji ukraina",
    ],
)
def test_look_alikes_stay_neutral(classifier: QueryClassifier, query: str) -> None:
    assert classifier.classify(query).category != "exploitation"


@pytest.mark.parametrize(
    ("query", "category"),
    [
        ("free room for refugee girl in exchange for sex", "exploitation"),
        ("sugar daddy ukraine", "exploitation"),
        ("ukrainian brides", "exploitation"),
        ("buy a wife", "exploitation"),
        ("ищу спонсора", "at_risk"),
        ("escort job abroad", "at_risk"),
        ("modelling job abroad", "at_risk"),
        ("bus from lviv to warsaw", "at_risk"),
        ("rabota za granitsey dlya devushek", "at_risk"),
        ("жильё в варшаве", "at_risk"),
        ("ukrainian escort girls car", "exploitation"),
    ],
)
def test_arrangements_and_risky_jobs(classifier: QueryClassifier, query: str, category: str) -> None:
    assert classifier.classify(query).category == category


def test_result_names_its_rule_and_concepts(classifier: QueryClassifier) -> None:
    result = classifier.classify("ukrainian escort")
    assert result.rule == "origin_sexual"
    assert {"origin", "escort"} <= set(result.concepts)
    assert classifier.classify("weather in kyiv").rule is None


def test_empty_and_symbol_only_queries_are_neutral(classifier: QueryClassifier) -> None:
    for query in ["", "   ", "!!!", "🙂"]:
        assert classifier.classify(query).category == "neutral"


def test_classifier_is_picklable(classifier: QueryClassifier) -> None:
    clone = pickle.loads(pickle.dumps(classifier))
    assert clone.classify("ukrainian escort").category == "exploitation"

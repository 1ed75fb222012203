"""Per-market slang (lexicon ``slang`` entries): a trade word next to a nationality,
refugee or war marker is exploitation; protective look-alikes stay out; every entry says
where it comes from."""

from __future__ import annotations

from typing import Any

import pytest

from vigil.errors import ConfigError
from vigil.safeguard.classifier import default_classifier, rules_only_classifier
from vigil.safeguard.decision import QueryChecker
from vigil.safeguard.lexicon import WRITER_CORPUS, build_lexicons, load_default_lexicons

# One row per language: a slang word of that market with a Ukrainian or refugee marker.
SLANG_ROWS = [
    ("en", "ukr girls incall london"),
    ("uk", "індивідуалки біженки"),
    ("ru", "индивидуалки украинки москва"),
    ("pl", "roksa ukrainki warszawa"),
    ("de", "ukrainerin laufhaus wien"),
    ("cs", "ukrajinky sexinzerce praha"),
    ("sk", "ukrajinky šlapky bratislava"),
    ("ro", "matroane ucrainence bucuresti"),
    ("hu", "ukrán rosszlányok budapest"),
    ("fr", "michetonneuse ukrainienne"),
    ("it", "squillo ucraina milano"),
    ("es", "puticlub ucranianas"),
    ("pt", "garota de programa ucraniana"),
    ("nl", "oekraïense privéhuis"),
    ("lt", "ukrainietės kekšės vilnius"),
    ("tr", "nataşa ukraynalı istanbul"),
    ("he", "דירה דיסקרטית אוקראיניות"),
    ("ar", "بنات ليل اوكرانيات"),
    ("bg", "леки жени украинки"),
    ("sr", "sponzoruša ukrajinka"),
    ("*", "🇺🇦 🌹 150"),
]


@pytest.mark.parametrize(("lang", "query"), SLANG_ROWS)
def test_slang_with_a_marker_is_exploitation(lang: str, query: str) -> None:
    rules = rules_only_classifier().classify(query)
    assert "slang" in rules.concepts
    assert rules.category == "exploitation"
    assert rules.rule in ("origin_slang", "origin_sexual")
    assert default_classifier().classify(query).category == "exploitation"


@pytest.mark.parametrize(
    "query",
    [
        # Protective intent and look-alikes: never exploitation, by the rules or the model.
        "law on fkk clubs ukraine",
        "report ukrainian escort agency to police",
        "dama di compagnia per anziani ucraina",
        "ukrainian refugees host family",
        "therapeutic massage for ukrainian refugees",
        "ford escort ukraine",
        # A trade word without a nationality, refugee or war marker is not this rule's.
        "fkk club hamburg",
        "escort bayan istanbul",
    ],
)
def test_lookalikes_are_not_exploitation(query: str) -> None:
    assert rules_only_classifier().classify(query).rule != "origin_slang"
    assert default_classifier().classify(query).category != "exploitation"


def test_every_language_has_sourced_slang() -> None:
    lexicons = load_default_lexicons()
    langs = {entry.lang for entry in lexicons.slang}
    assert set(lexicons.langs) <= langs
    for entry in lexicons.slang:
        assert entry.source
        if entry.source == WRITER_CORPUS:
            assert not entry.verified, entry
        else:
            assert "reference/" in entry.source, entry


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"term": "x", "kind": "venue", "verified": False}, "no 'source'"),
        ({"term": "x", "kind": "venue", "source": WRITER_CORPUS, "verified": True}, "cannot be verified"),
        ({"term": "x", "kind": "place", "source": WRITER_CORPUS, "verified": False}, "kind"),
        ({"term": "x", "kind": "venue", "source": WRITER_CORPUS}, "verified"),
        ({"kind": "venue", "source": WRITER_CORPUS, "verified": False}, "term"),
    ],
)
def test_slang_entries_are_checked(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        build_lexicons({"xx.yaml": {"lang": "xx", "slang": [entry]}})


def test_reasons_name_the_slang_rule() -> None:
    result = QueryChecker().check("ukrán rosszlányok budapest")
    rule = result["reasons"][0]
    assert (rule["kind"], rule["rule"]) == ("rule", "origin_slang")
    assert "slang" in rule["concepts"]
    # origin_slang is final: the model is not consulted.
    assert [reason["kind"] for reason in result["reasons"]] == ["rule"]
    neutral = QueryChecker().check("fkk club hamburg")
    assert neutral["category"] == "neutral"
    assert all(reason.get("rule") != "origin_slang" for reason in neutral["reasons"])

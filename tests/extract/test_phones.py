"""Phones: E.164 from plain, spaced, spelled and disguised forms; prices, dates, ages and
identifiers are not phones. All numbers are synthetic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from extract_support import spans_of, values_of

from vigil.extract.entities import EntityExtractor
from vigil.extract.normalize import normalize

GOLDEN = Path(__file__).parents[1] / "data" / "phones_golden.jsonl"
#: The goal of the extraction issue: phone F1 including obfuscated forms.
MIN_F1 = 0.97


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Call me on +44 7911 123456", ["+447911123456"]),
        ("en", "call zero seven nine one one one two three four five six", ["+447911123456"]),
        ("uk", "Дзвоніть: нуль шість сім один два три чотири пʼять шість сім", ["+380671234567"]),
        ("ru", "Звоните 050 123 45 67", ["+380501234567"]),
        ("pl", "Tel. pięć zero jeden dwa trzy cztery pięć sześć siedem", ["+48501234567"]),
        ("de", "Handy 0151 2345 6789", ["+4915123456789"]),
        ("cs", "volej šest nula jedna dva tři čtyři pět šest sedm", ["+420601234567"]),
        ("sk", "volaj 0901 234 567", ["+421901234567"]),
        ("ro", "sună la zero șapte doi unu doi trei patru cinci șase șapte", ["+40721234567"]),
        ("hu", "hívj 06 20 123 4567", ["+36201234567"]),
        ("fr", "appelle 06 12 34 56 78", ["+33612345678"]),
        ("it", "chiama tre uno due tre quattro cinque sei sette otto nove", ["+393123456789"]),
        ("es", "llama seis uno dos tres cuatro cinco seis siete ocho", ["+34612345678"]),
        ("nl", "bel 06 12345678", ["+31612345678"]),
        ("pt", "liga 912 345 678", ["+351912345678"]),
        ("tr", "ara 0532 123 45 67", ["+905321234567"]),
        ("lt", "skambink 8 612 34567", ["+37061234567"]),
        ("pl", "kontakt 5O1-234-OOO", ["+48501234000"]),
        ("pl", "dzwoń 5️⃣0️⃣1️⃣ 2️⃣3️⃣4️⃣ 0️⃣0️⃣0️⃣", ["+48501234000"]),
        ("en", "tel 𝟎𝟕𝟗𝟏𝟏 𝟏𝟐𝟑𝟒𝟓𝟔", ["+447911123456"]),
        ("pl", "501 234 567 lub 602 345 678", ["+48501234567", "+48602345678"]),
        ("uk", "Польський номер 501 234 567", ["+48501234567"]),
    ],
)
def test_finds_phones(extractor: EntityExtractor, lang: str, text: str, expected: list[str]) -> None:
    assert values_of(extractor, text, lang, "phones") == expected


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Price 150 GBP, age 21, open 10:00-22:00"),
        ("pl", "Termin 15.06.2025, godziny 8.00-16.00"),
        ("pl", "PESEL 90010112345, NIP 123-456-32-18"),
        ("en", "Order ref 48501234567 shipped"),
        ("uk", "Зарплата 25000-30000 грн, вік від 18 до 35 років"),
        ("de", "Steuernummer 12345678901"),
        ("en", "170 cm, 55 kg, 90-60-90, born 1999"),
        ("ro", "CNP 1900101123456"),
        ("en", "one two three"),
        ("en", ""),
    ],
)
def test_not_phones(extractor: EntityExtractor, lang: str, text: str) -> None:
    assert values_of(extractor, text, lang, "phones") == []


def test_obfuscated_phone_is_marked(extractor: EntityExtractor) -> None:
    plain, = spans_of(extractor, "tel 501 234 567", "pl", "phones")
    spelled, = spans_of(extractor, "tel pięć zero jeden dwa trzy cztery pięć sześć siedem", "pl", "phones")
    assert plain.note == "" and spelled.note == "obfuscated"
    assert spelled.evidence == "pięć zero jeden dwa trzy cztery pięć sześć siedem"


def test_region_hint_from_document_location(extractor: EntityExtractor) -> None:
    nt = normalize("call 0612345678")
    in_france = [s.value for s in extractor.extract(nt, "en", location="Paris") if s.kind == "phones"]
    in_netherlands = [s.value for s in extractor.extract(nt, "en", location="Amsterdam") if s.kind == "phones"]
    assert in_france == ["+33612345678"]
    assert in_netherlands == ["+31612345678"]


def test_region_hint_from_platform_domain(extractor: EntityExtractor) -> None:
    nt = normalize("kontakt 601 234 567")
    assert [s.value for s in extractor.extract(nt, "en", hosts=("inzeraty.cz",)) if s.kind == "phones"] == ["+420601234567"]


def _golden() -> list[dict[str, object]]:
    with GOLDEN.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def test_golden_corpus_is_big_enough() -> None:
    cases = _golden()
    assert len(cases) >= 100
    assert len({c["lang"] for c in cases}) >= 13
    assert sum(1 for c in cases if c["phones"]) >= 90


def test_phone_f1_on_golden_corpus(extractor: EntityExtractor) -> None:
    tp = fp = fn = 0
    misses = []
    for case in _golden():
        text, lang = str(case["text"]), str(case["lang"])
        expected = set(case["phones"])  # type: ignore[arg-type]
        found = set(values_of(extractor, text, lang, "phones"))
        tp += len(found & expected)
        fp += len(found - expected)
        fn += len(expected - found)
        if found != expected:
            misses.append((case["id"], sorted(expected), sorted(found)))  # type: ignore[arg-type]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    assert f1 >= MIN_F1, f"phone F1 {f1:.3f} (P {precision:.3f}, R {recall:.3f}); misses: {misses}"

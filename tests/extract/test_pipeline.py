"""The pipeline and ``vigil.analyze``: the Analysis contract, exact evidence, purity, pickling."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import vigil
from vigil.errors import DocumentError
from vigil.extract.entities import ENTITY_KINDS
from vigil.pipeline import Pipeline

DATA = Path(__file__).parents[1] / "data"
CONTRACT_KEYS = {"id", "lang", "kind", "risk", "indicators", "entities"}
INDICATOR_KEYS = {"id", "evidence", "start", "end", "confidence", "source"}


def _check_contract(document: dict[str, Any], analysis: dict[str, Any]) -> None:
    assert set(analysis) == CONTRACT_KEYS
    assert analysis["id"] == document["id"]
    assert analysis["kind"] == document.get("kind", "other")
    assert isinstance(analysis["lang"], str) and len(analysis["lang"]) == 2
    assert list(analysis["entities"]) == list(ENTITY_KINDS)
    for indicator in analysis["indicators"]:
        assert INDICATOR_KEYS <= set(indicator) <= INDICATOR_KEYS | {"field"}
        source = document["title"] if indicator.get("field") == "title" else document["text"]
        assert source[indicator["start"] : indicator["end"]] == indicator["evidence"]
        assert 0.0 < indicator["confidence"] <= 1.0
    for phone in analysis["entities"]["phones"]:
        assert phone.startswith("+") and phone[1:].isdigit()
    for price in analysis["entities"]["prices"]:
        assert set(price) == {"amount", "currency"} and len(price["currency"]) == 3
    json.dumps(analysis)  # JSON-ready


def test_contract_on_the_example_of_the_design(pipeline: Pipeline) -> None:
    document = {
        "id": "d1",
        "kind": "job_ad",
        "lang": "uk",
        "text": "Робота в Італії! Оплата за оформлення документів 150 євро. Мені 19 років. "
        "Телефон +48 501 234 000, Telegram @italia_robota",
    }
    analysis = pipeline(document)
    _check_contract(document, analysis)
    entities = analysis["entities"]
    assert entities["phones"] == ["+48501234000"]
    assert entities["handles"] == ["telegram:italia_robota"]
    assert entities["prices"] == [{"amount": 150, "currency": "EUR"}]
    assert entities["ages"] == [19]
    assert entities["locations"] == ["Italy"]


def test_title_hits_carry_the_field(pipeline: Pipeline) -> None:
    document = {"id": "t1", "kind": "sex_ad", "lang": "en", "title": "Call 07911 123456", "text": "sweet girl"}
    result = pipeline.run(document)
    phone = next(s for s in result.entities if s.kind == "phones")
    assert phone.field == "title" and document["title"][phone.start : phone.end] == phone.evidence
    _check_contract(document, result.to_contract())


def test_language_is_detected_when_absent(pipeline: Pipeline) -> None:
    analysis = pipeline({"id": "l1", "text": "Szukamy pracowników do magazynu, zakwaterowanie zapewnione"})
    assert analysis["lang"] == "pl"


def test_given_language_is_kept(pipeline: Pipeline) -> None:
    assert pipeline({"id": "l2", "lang": "de", "text": "hello"})["lang"] == "de"


def test_invalid_document_is_rejected(pipeline: Pipeline) -> None:
    with pytest.raises(DocumentError):
        pipeline({"id": "x"})


def test_same_input_same_output(pipeline: Pipeline) -> None:
    document = {"id": "p1", "text": "Нова дівчина 🇺🇦 19 років, тел 067 123 45 67"}
    assert pipeline(document) == pipeline(dict(document))


def test_golden_corpus_gives_the_contract(pipeline: Pipeline) -> None:
    with (DATA / "indicators_golden.jsonl").open(encoding="utf-8") as handle:
        documents = [json.loads(line) for line in handle if line.strip()]
    assert documents
    for document in documents:
        record = {k: v for k, v in document.items() if k != "labels"}
        _check_contract(record, pipeline(record))


def test_library_entry_point() -> None:
    analysis = vigil.analyze({"id": "v1", "lang": "en", "text": "my name is Anna, 19 yo"})
    assert analysis["entities"]["names"] == ["Anna"] and analysis["entities"]["ages"] == [19]


def test_pipeline_pickles(pipeline: Pipeline) -> None:
    copy = pickle.loads(pickle.dumps(pipeline))
    document = {"id": "k1", "lang": "pl", "text": "Dzwoń 501 234 567, Kraków, 200 zł"}
    assert copy(document) == pipeline(document)


def test_the_contract_is_the_same_by_either_path(pipeline: Pipeline) -> None:
    """``pipeline(document)`` makes the indicators' JSON straight from the hits; ``run`` keeps
    the spans and makes it from them: the same contract, key for key and in the same order."""
    with (DATA / "indicators_golden.jsonl").open(encoding="utf-8") as handle:
        documents = [json.loads(line) for line in handle if line.strip()]
    titled = 0
    for document in documents:
        record = {k: v for k, v in document.items() if k != "labels"}
        titled += bool(record.get("title"))
        direct = pipeline(record)
        assert json.dumps(direct) == json.dumps(pipeline.run(record).to_contract())
        assert [i.get("field", "text") for i in direct["indicators"]] == [
            span.field for span in pipeline.run(record).indicators
        ]
    assert titled > 0

"""Real analyses have exactly the shape of the contract types in ``vigil.contract``.

The check walks each ``TypedDict``'s type hints: every required key present, no key the type
does not name, and each value of its declared type, down through lists, unions and nested
``TypedDict``s. It is checked on documents of every kind and language, and shown to reject
analyses that break the contract.
"""

from __future__ import annotations

import copy
import json
import types
from pathlib import Path
from typing import Any, NotRequired, Union, get_args, get_origin, get_type_hints, is_typeddict

import pytest

from vigil.contract import Analysis, Entities, IndicatorHit, Risk
from vigil.documents import parse_document
from vigil.pipeline import Pipeline

DATA = Path(__file__).parents[1] / "data"


def problems(value: object, hint: Any, path: str = "analysis") -> list[str]:
    """Where ``value`` departs from ``hint`` (a contract type); empty when it conforms."""
    origin = get_origin(hint)
    if origin is NotRequired:
        return problems(value, get_args(hint)[0], path)
    if is_typeddict(hint):
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__}, not an object"]
        hints = get_type_hints(hint, include_extras=True)
        out = [f"{path}: missing {key!r}" for key in sorted(hint.__required_keys__ - set(value))]
        out += [f"{path}: unexpected {key!r}" for key in sorted(set(value) - set(hints))]
        for key in sorted(set(value) & set(hints)):
            out += problems(value[key], hints[key], f"{path}.{key}")
        return out
    if origin in (Union, types.UnionType):
        options = [problems(value, option, path) for option in get_args(hint)]
        return [] if any(not found for found in options) else min(options, key=len)
    if origin is list:
        if not isinstance(value, list):
            return [f"{path}: {type(value).__name__}, not a list"]
        return [found for i, item in enumerate(value) for found in problems(item, get_args(hint)[0], f"{path}[{i}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__}, not an object"]
        key_hint, value_hint = get_args(hint)
        return [
            found
            for key, item in value.items()
            for found in problems(key, key_hint, f"{path} key") + problems(item, value_hint, f"{path}[{key!r}]")
        ]
    if hint is type(None):
        return [] if value is None else [f"{path}: {value!r}, not null"]
    if hint is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    else:
        ok = isinstance(value, hint) and not (hint is int and isinstance(value, bool))
    return [] if ok else [f"{path}: {value!r}, not {hint.__name__}"]


def _golden(name: str, count: int) -> list[dict[str, Any]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[:count]]


DOCUMENTS = [
    pytest.param(
        {
            "id": "design",
            "kind": "job_ad",
            "lang": "uk",
            "text": "Робота в Італії! Оплата за оформлення документів 150 євро. Мені 19 років. "
            "Телефон +48 501 234 000, Telegram @italia_robota",
        },
        id="design-example-uk",
    ),
    pytest.param(
        {
            "id": "title",
            "kind": "sex_ad",
            "lang": "en",
            "title": "New in town, young girl",
            "text": "Call 07911 123456",
        },
        id="title-hit-en",
    ),
    pytest.param({"id": "ambiguous", "text": "Call 0730082279"}, id="phone-alternates"),
    pytest.param({"id": "empty", "text": ""}, id="empty-text"),
    pytest.param(
        {"id": "pl", "kind": "job_ad", "lang": "pl", "text": "Praca w Niemczech, 3 tys. zł, mieszkanie zapewnione."},
        id="job-pl",
    ),
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_an_analysis_conforms_to_the_contract(pipeline: Pipeline, document: dict[str, Any]) -> None:
    assert problems(pipeline(document), Analysis) == []


def test_every_golden_document_conforms(pipeline: Pipeline) -> None:
    rows = _golden("risk_labelled.jsonl", 120) + _golden("indicators_golden.jsonl", 120)
    found = {row["id"]: problems(pipeline(parse_document(row)), Analysis) for row in rows}
    assert {key: value for key, value in found.items() if value} == {}


def test_the_optional_keys_occur_in_real_analyses(pipeline: Pipeline) -> None:
    # The documents above exercise every NotRequired key, so the check is not vacuous for them.
    analyses = [pipeline(param.values[0]) for param in DOCUMENTS]
    assert any("phone_alternates" in a for a in analyses)
    assert any(hit.get("field") == "title" for a in analyses for hit in a["indicators"])
    assert all(a["risk"] is not None and "contributions" in a["risk"] for a in analyses)


def test_without_a_scorer_risk_is_null_and_still_conforms(pipeline: Pipeline) -> None:
    unscored = Pipeline(None, pipeline.normalizer, pipeline.detector, pipeline.extractor, pipeline.recognizers, None)
    analysis = unscored({"id": "n", "text": "Call 07911 123456"})
    assert analysis["risk"] is None
    assert problems(analysis, Analysis) == []


#: Marks a key to delete in a changed analysis.
_DELETE = object()


def _set(path: tuple[str | int, ...], value: object) -> Any:
    def change(analysis: dict[str, Any]) -> None:
        target: Any = analysis
        for step in path[:-1]:
            target = target[step]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(_set(("lang",), _DELETE), "analysis: missing 'lang'", id="missing-key"),
        pytest.param(_set(("score",), 0.5), "analysis: unexpected 'score'", id="unexpected-key"),
        pytest.param(_set(("risk", "score"), "high"), "analysis.risk.score: 'high', not float", id="wrong-type"),
        pytest.param(_set(("risk", "level"), True), "analysis.risk.level: True, not str", id="bool-is-not-str"),
        pytest.param(_set(("risk", "model"), _DELETE), "analysis.risk: missing 'model'", id="nested-missing"),
        pytest.param(
            _set(("indicators", 0, "start"), "12"), "analysis.indicators[0].start: '12', not int", id="offset-as-text"
        ),
        pytest.param(
            _set(("indicators", 0, "start"), True), "analysis.indicators[0].start: True, not int", id="bool-offset"
        ),
        pytest.param(_set(("entities", "ages"), [19.5]), "analysis.entities.ages[0]: 19.5, not int", id="float-age"),
        pytest.param(
            _set(("entities", "phones"), "+48501234000"), "analysis.entities.phones: str, not a list", id="bare-phone"
        ),
        pytest.param(
            _set(("entities", "prices", 0), {"amount": 150}),
            "analysis.entities.prices[0]: missing 'currency'",
            id="price-no-currency",
        ),
        pytest.param(
            _set(("entities", "faces"), []), "analysis.entities: unexpected 'faces'", id="unknown-entity-kind"
        ),
        pytest.param(
            _set(("phone_alternates",), {"+48501234000": "+49501234000"}), "not a list", id="alternates-not-a-list"
        ),
        pytest.param(_set(("risk",), "high"), "analysis.risk: str, not an object", id="risk-as-text"),
    ],
)
def test_the_check_rejects_a_broken_analysis(pipeline: Pipeline, change: Any, expected: str) -> None:
    analysis = copy.deepcopy(dict(pipeline(DOCUMENTS[0].values[0])))
    assert problems(analysis, Analysis) == []
    change(analysis)
    found = problems(analysis, Analysis)
    assert any(expected in line for line in found), found


@pytest.mark.parametrize(
    ("contract", "required", "optional"),
    [
        (Analysis, {"id", "lang", "kind", "risk", "indicators", "entities"}, {"phone_alternates"}),
        (Risk, {"score", "level", "model"}, {"baseline", "logit", "contributions"}),
        (IndicatorHit, {"id", "evidence", "start", "end", "confidence", "source"}, {"field"}),
        (Entities, {"phones", "emails", "handles", "urls", "ages", "prices", "locations", "names"}, set()),
    ],
)
def test_the_contract_keys_are_those_of_the_design(contract: Any, required: set[str], optional: set[str]) -> None:
    assert (contract.__required_keys__, contract.__optional_keys__) == (required, optional)


def test_entity_kinds_match_the_entities_type() -> None:
    from vigil.extract.entities import ENTITY_KINDS

    assert tuple(get_type_hints(Entities)) == ENTITY_KINDS

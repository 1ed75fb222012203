"""The learned half of the query check: policy with the rules, reasons, model file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vigil.errors import ConfigError, InputError
from vigil.safeguard.classifier import default_classifier
from vigil.safeguard.decision import QueryChecker
from vigil.safeguard.model import QueryModel, model_json, model_tokens
from vigil.safeguard.training import train_query_model

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(
    ("query", "category"),
    [
        # Protective intent is never exploitation, even with a minor and a sexual word.
        ("block porn on my child's phone", "neutral"),
        ("как заблокировать порно на телефоне ребенка", "neutral"),
        ("jak zablokować pornografię na telefonie dziecka", "neutral"),
        # Negative: the minor rule keeps the last word without protective intent.
        ("teen porn", "exploitation"),
        ("порно школьницы", "exploitation"),
        ("buy a wife", "exploitation"),
    ],
)
def test_rules_keep_the_last_word(query: str, category: str) -> None:
    assert default_classifier().classify(query).category == category


@pytest.mark.parametrize(
    ("query", "lang", "category"),
    [
        ("מוזיקה אוקראינית", "he", "neutral"),
        ("مرافقات اوكرانيات دبي", "ar", "exploitation"),
        ("украинки проститутки софия", "bg", "exploitation"),
        ("ukrajinke prostitutke beograd", "sr", "exploitation"),
        ("ford escort", "en", "neutral"),
    ],
)
def test_new_languages(query: str, lang: str, category: str) -> None:
    result = QueryChecker().check(query)
    assert (result["lang"], result["category"]) == (lang, category)
    if category != "neutral":
        assert result["message"]["lang"] == lang


def test_reasons_name_rule_and_model() -> None:
    # A final rule has the last word: the model is not consulted, so not named.
    final = QueryChecker().check("ukr4inka escort berlin")
    assert [reason["kind"] for reason in final["reasons"]] == ["rule"]
    assert final["reasons"][0]["rule"] == "origin_sexual"
    # A weighed rule is named with the model's scores and its heaviest words.
    result = QueryChecker().check("free room for ukr4inian refugee girl private")
    kinds = [reason["kind"] for reason in result["reasons"]]
    assert kinds == ["rule", "model"]
    assert result["reasons"][0]["rule"] == "housing_for_sex"
    assert "ukrainian" in [word["token"] for word in result["reasons"][1]["top_words"]]  # leetspeak undone
    protective = QueryChecker().check("block porn on my child's phone")
    assert "protective" in [reason["kind"] for reason in protective["reasons"]]


@pytest.mark.parametrize(
    ("tokens", "extra"),
    [(["s", "e", "x"], ["sex"]), (["u", "k", "r", "girls"], ["ukr"]), (["a", "b"], []), (["ford", "escort"], [])],
)
def test_spelled_out_runs(tokens: list[str], extra: list[str]) -> None:
    assert model_tokens(tokens) == [*tokens, *extra]


@pytest.mark.parametrize(
    "data",
    [
        {"feature_version": 0, "classes": ["exploitation", "at_risk", "neutral"], "bias": [0, 0, 0], "weights": {}},
        {"feature_version": 1, "classes": ["neutral"], "bias": [0, 0, 0], "weights": {}},
    ],
)
def test_model_file_is_checked(data: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        QueryModel(data)


def test_training_is_reproducible_byte_for_byte() -> None:
    first = model_json(train_query_model([DATA / "queries_labelled.jsonl"]))
    second = model_json(train_query_model([DATA / "queries_labelled.jsonl"]))
    assert first == second
    assert '"weights": {' in first


@pytest.mark.parametrize(
    ("query", "category", "decided_by"),
    [
        # A host's query shares a displaced person's words; the model reads it as neutral.
        ("how to host a ukrainian refugee family at home", "neutral", "model"),
        # A displaced person's need keeps its safety message.
        ("housing for ukrainian refugees in berlin", "at_risk", "rule"),
        ("жильё для беженцев из украины", "at_risk", "rule"),
        # A risky job offer's rule always stands, whatever the model reads.
        ("escort job abroad", "at_risk", "rule"),
    ],
)
def test_model_overrules_only_displaced_needs(query: str, category: str, decided_by: str) -> None:
    classifier = default_classifier()
    assert classifier.model is not None and "at_risk_overrule" in classifier.model.policy
    result = classifier.classify(query)
    assert (result.category, result.decided_by) == (category, decided_by), result


def _split_labelled(tmp_path: Path) -> tuple[Path, Path]:
    lines = (DATA / "queries_labelled.jsonl").read_text(encoding="utf-8").splitlines()
    first, second = tmp_path / "teach.jsonl", tmp_path / "calibrate.jsonl"
    first.write_text("\n".join(lines[::2]) + "\n", encoding="utf-8")
    second.write_text("\n".join(lines[1::2]) + "\n", encoding="utf-8")
    return first, second


def test_the_policy_is_chosen_on_the_calibration_files_only(tmp_path: Path) -> None:
    teach, calibrate = _split_labelled(tmp_path)
    calibrated = train_query_model([teach, calibrate], calibration=[calibrate])
    everything = train_query_model([teach, calibrate])
    rows = len([line for line in calibrate.read_text(encoding="utf-8").splitlines() if line.strip()])
    assert (calibrated["calibrated_on"], calibrated["calibration_queries"]) == (["calibrate.jsonl"], rows)
    assert (everything["calibrated_on"], everything["calibration_queries"]) == ("all", everything["queries"])
    # the model learns from both files either way: the same weights, only the policy's data differ
    assert calibrated["weights"] == everything["weights"]
    assert model_json(train_query_model([teach, calibrate], calibration=[calibrate])) == model_json(calibrated)


def test_a_calibration_file_must_be_a_training_file(tmp_path: Path) -> None:
    teach, calibrate = _split_labelled(tmp_path)
    with pytest.raises(InputError, match="calibration file"):
        train_query_model([teach], calibration=[calibrate])


def test_the_default_calibration_is_the_retired_test_sets() -> None:
    from vigil.cli.safeguard import DEFAULT_CALIBRATION, DEFAULT_TRAINING

    assert DEFAULT_CALIBRATION and set(DEFAULT_CALIBRATION) <= set(DEFAULT_TRAINING)
    assert all(path.name.startswith("test") for path in DEFAULT_CALIBRATION)
    assert not any(path.name.startswith(("test10", "test11")) for path in DEFAULT_TRAINING)  # held out: never trained on
    # the shipped file records what it was calibrated on
    shipped = Path(__file__).resolve().parents[2] / "src/vigil/safeguard/data/query_model.json"
    data = json.loads(shipped.read_text(encoding="utf-8"))
    assert data["calibrated_on"] == [path.name for path in DEFAULT_CALIBRATION]
    assert QueryModel(data).policy

"""The shipped model files: safe formats, complete weights, provenance on every weight."""

from __future__ import annotations

import json
import pickletools

import pytest

from vigil.errors import ConfigError
from vigil.recognizers.catalogue import indicator_ids
from vigil.scoring.models import (
    EVIDENCE_FILE,
    JOB_TEXT_FILE,
    load_evidence,
    load_job_text,
    models_dir,
    parse_evidence,
    parse_job_text,
)

# Derived from the catalogue, the one place an indicator is registered.
SEX_IDS = indicator_ids("sex")
JOB_IDS = indicator_ids("jobs")
NETWORK_IDS = indicator_ids("network")


@pytest.mark.parametrize("name", [EVIDENCE_FILE, JOB_TEXT_FILE])
def test_model_files_are_text_not_pickles(name: str) -> None:
    raw = (models_dir() / name).read_bytes()
    raw.decode("utf-8")
    assert not raw.startswith(b"\x80"), "pickle protocol header"
    with pytest.raises(Exception):  # noqa: B017 - any failure to parse as a pickle is fine
        list(pickletools.genops(raw))


def test_job_model_is_plain_json_with_training_record() -> None:
    raw = json.loads((models_dir() / JOB_TEXT_FILE).read_text(encoding="utf-8"))
    model = load_job_text()
    assert raw["kind"] == "job_text"
    assert model.languages == frozenset({"en"})
    assert len(model.terms) > 1000
    assert all(idf > 0 for idf, _ in model.terms.values())
    training = raw["training"]
    assert {"seed", "rows", "families", "c", "cv_by_c", "files_sha256"} <= set(training)
    assert training["families"] < training["rows"], "the split must be by family, not by row"
    assert 0 < model.thresholds.medium <= model.thresholds.high < 1


@pytest.mark.parametrize(
    ("model", "ids"), [("sex", SEX_IDS + NETWORK_IDS), ("job", JOB_IDS), ("other", SEX_IDS + JOB_IDS)]
)
def test_every_indicator_has_a_sourced_weight(model: str, ids: tuple[str, ...]) -> None:
    models, _ = load_evidence()
    weights = models[model].weights
    for indicator in ids:
        assert indicator in weights, f"{model} model has no weight for {indicator}"
        assert weights[indicator].source


def test_every_kind_has_a_model() -> None:
    _, kinds = load_evidence()
    assert set(kinds) == {"sex_ad", "job_ad", "forum_post", "social_post", "classified", "other"}


def test_jirn_evidence_is_respected() -> None:
    weights = load_evidence()[0]["sex"].weights
    # Predictive in JIRN 2024 ...
    for predictive in ("youth", "obscured_phone", "nationality"):
        assert weights[predictive].weight > 0
    # ... and not predictive, or inversely related.
    assert weights["movement"].weight <= 0
    assert weights["new_arrival"].weight < weights["youth"].weight
    assert weights["nationality"].weight < weights["youth"].weight
    assert "nationality" in load_evidence()[0]["sex"].not_high_alone


@pytest.mark.parametrize(
    "raw",
    [
        None,
        {"models": {"sex": {"intercept": "x", "thresholds": {"high": 0.7, "medium": 0.3}, "weights": {}}}},
        {"models": {"sex": {"intercept": 0, "thresholds": {"high": 0.2, "medium": 0.3}, "weights": {}}}},
        {
            "models": {
                "sex": {"intercept": 0, "thresholds": {"high": 0.7, "medium": 0.3}, "weights": {"youth": {"weight": 1}}}
            }
        },
        {
            "models": {"sex": {"intercept": 0, "thresholds": {"high": 0.7, "medium": 0.3}, "weights": {}}},
            "kinds": {"sex_ad": "nope"},
        },
    ],
)
def test_bad_evidence_files_are_config_errors(raw: object) -> None:
    with pytest.raises(ConfigError):
        parse_evidence(raw)


@pytest.mark.parametrize(
    "raw",
    [
        {},
        {"kind": "pickle"},
        {"kind": "job_text", "terms": {"a": [1.0]}, "structured": {}},
        {"kind": "job_text", "terms": [], "structured": {}},
    ],
)
def test_bad_job_files_are_config_errors(raw: object) -> None:
    with pytest.raises(ConfigError):
        parse_job_text(raw)

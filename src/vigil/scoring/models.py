"""The shipped risk models as plain data: evidence weights (YAML) and the job text model (JSON).

Nothing here unpickles anything: a model file is numbers and strings, checked on load.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

import yaml

from vigil.errors import ConfigError

EVIDENCE_FILE: Final = "evidence-v1.yaml"
JOB_TEXT_FILE: Final = "job-v3.json"
LEVELS: Final = ("high", "medium", "low")


@dataclass(frozen=True, slots=True)
class Weight:
    """One feature's weight (log-odds) and where it comes from."""

    weight: float
    source: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Score at or above which a document is ``high`` or ``medium``."""

    high: float
    medium: float

    def level(self, score: float) -> str:
        if score >= self.high:
            return "high"
        if score >= self.medium:
            return "medium"
        return "low"


@dataclass(frozen=True, slots=True)
class EvidenceModel:
    """Logistic combination of indicator and entity features with fixed, sourced weights."""

    name: str
    version: int
    intercept: float
    thresholds: Thresholds
    weights: Mapping[str, Weight]
    not_high_alone: frozenset[str]
    #: Platt calibration on labelled data: logit = scale * (intercept + evidence) + shift.
    scale: float = 1.0
    shift: float = 0.0


@dataclass(frozen=True, slots=True)
class JobTextModel:
    """The EMSCAD-trained job-ad model: TF-IDF terms and structured facts, one logistic layer."""

    name: str
    version: int
    languages: frozenset[str]
    intercept: float
    prior_shift: float
    thresholds: Thresholds
    #: Platt calibration fitted on out-of-fold scores: logit = scale * raw + shift + prior_shift.
    scale: float
    shift: float
    #: term -> (IDF, weight): one lookup per term at inference.
    terms: Mapping[str, tuple[float, float]]
    structured: Mapping[str, float]
    source: str


def models_dir() -> Path:
    """Directory of the model files shipped inside the package."""
    return Path(str(resources.files("vigil.scoring") / "model_files"))


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where} must be a number, not {value!r}")
    return float(value)


def _thresholds(raw: object, where: str) -> Thresholds:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: thresholds must be a mapping with 'high' and 'medium'")
    high = _number(raw.get("high"), f"{where}.thresholds.high")
    medium = _number(raw.get("medium"), f"{where}.thresholds.medium")
    if not 0.0 < medium <= high <= 1.0:
        raise ConfigError(f"{where}: thresholds must satisfy 0 < medium <= high <= 1")
    return Thresholds(high=high, medium=medium)


def _weights(raw: object, where: str) -> dict[str, Weight]:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: weights must be a mapping")
    out: dict[str, Weight] = {}
    for feature, spec in raw.items():
        if not isinstance(spec, Mapping) or "source" not in spec:
            raise ConfigError(f"{where}.{feature}: a weight needs 'weight' and 'source'")
        out[str(feature)] = Weight(
            _number(spec.get("weight"), f"{where}.{feature}"), str(spec["source"]), str(spec.get("note", ""))
        )
    return out


def parse_evidence(raw: object) -> tuple[dict[str, EvidenceModel], dict[str, str]]:
    """Evidence models by name, and the model name per document kind."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("models"), Mapping):
        raise ConfigError("evidence model file must have a 'models' mapping")
    version = int(_number(raw.get("version", 1), "version"))
    specs: Mapping[str, Any] = raw["models"]
    models: dict[str, EvidenceModel] = {}
    for name, spec in specs.items():
        where = f"models.{name}"
        weights: dict[str, Weight] = {}
        scale = _number(spec.get("inherit_scale", 1.0), f"{where}.inherit_scale")
        for parent in spec.get("inherit", []):
            for feature, w in _weights(specs[parent]["weights"], f"models.{parent}.weights").items():
                scaled = Weight(round(w.weight * scale, 6), w.source, w.note)
                if feature not in weights or abs(scaled.weight) > abs(weights[feature].weight):
                    weights[feature] = scaled
        weights.update(_weights(spec.get("weights", {}), f"{where}.weights"))
        calibration = spec.get("calibration") or {}
        if not isinstance(calibration, Mapping):
            raise ConfigError(f"{where}.calibration must be a mapping with 'scale' and 'shift'")
        not_high = spec.get("not_high_alone", [])
        for parent in spec.get("inherit", []):
            not_high = [*not_high, *specs[parent].get("not_high_alone", [])]
        models[name] = EvidenceModel(
            name=str(name),
            version=version,
            intercept=_number(spec.get("intercept"), f"{where}.intercept"),
            thresholds=_thresholds(spec.get("thresholds"), where),
            weights=weights,
            not_high_alone=frozenset(str(f) for f in not_high),
            scale=_number(calibration.get("scale", 1.0), f"{where}.calibration.scale"),
            shift=_number(calibration.get("shift", 0.0), f"{where}.calibration.shift"),
        )
    kinds = {str(k): str(v) for k, v in (raw.get("kinds") or {}).items()}
    for kind, name in kinds.items():
        if name not in models:
            raise ConfigError(f"kind {kind!r} is mapped to unknown model {name!r}")
    return models, kinds


def parse_job_text(raw: object) -> JobTextModel:
    """Check and convert a job text model (as written by ``vigil train jobs``)."""
    if not isinstance(raw, Mapping) or raw.get("kind") != "job_text":
        raise ConfigError('not a job text model file (expected "kind": "job_text")')
    terms = raw.get("terms")
    structured = raw.get("structured")
    if not isinstance(terms, Mapping) or not isinstance(structured, Mapping):
        raise ConfigError("job text model needs 'terms' and 'structured' mappings")
    calibration = raw.get("calibration") or {}
    if not isinstance(calibration, Mapping):
        raise ConfigError("job text model: 'calibration' must be a mapping")
    table: dict[str, tuple[float, float]] = {}
    for term, pair in terms.items():
        if not isinstance(pair, list) or len(pair) != 2:
            raise ConfigError(f"job text model: term {term!r} must be [idf, weight]")
        table[str(term)] = (_number(pair[0], f"terms[{term!r}].idf"), _number(pair[1], f"terms[{term!r}].weight"))
    return JobTextModel(
        name=str(raw.get("name", "job")),
        version=int(_number(raw.get("version", 1), "version")),
        languages=frozenset(str(lang) for lang in raw.get("languages", ["en"])),
        intercept=_number(raw.get("intercept"), "intercept"),
        prior_shift=_number(raw.get("prior_shift", 0.0), "prior_shift"),
        scale=_number(calibration.get("scale", 1.0), "calibration.scale"),
        shift=_number(calibration.get("shift", 0.0), "calibration.shift"),
        thresholds=_thresholds(raw.get("thresholds"), "job text model"),
        terms=table,
        structured={str(k): _number(v, f"structured[{k!r}]") for k, v in structured.items()},
        source=str(raw.get("source", "EMSCAD")),
    )


@cache
def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read model file {path}: {exc.strerror}") from exc


def load_evidence(path: Path | None = None) -> tuple[dict[str, EvidenceModel], dict[str, str]]:
    target = path or models_dir() / EVIDENCE_FILE
    try:
        raw = yaml.safe_load(_read_text(target))
    except yaml.YAMLError as exc:
        raise ConfigError(f"model file {target} is not valid YAML: {exc}") from exc
    return parse_evidence(raw)


def load_job_text(path: Path | None = None) -> JobTextModel:
    target = path or models_dir() / JOB_TEXT_FILE
    try:
        raw = json.loads(_read_text(target))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"model file {target} is not valid JSON: {exc.msg}") from exc
    return parse_job_text(raw)

"""Document risk: calibrated, explained scores from indicators, entities and the job text model.

``Scorer.score`` returns the ``risk`` object of the Analysis contract plus its reasons:
``contributions`` lists every feature that moved the score, in log-odds, largest first.
``baseline`` (the model's intercept) plus the contributions is exactly the logit of
``score``, so the explanation always adds up. Scores are leads for a person to review.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from vigil.contract import Contribution as ContributionJSON
from vigil.contract import Entities, IndicatorHit, Risk
from vigil.documents import Document
from vigil.scoring.jobtext import job_features, weighted_terms
from vigil.scoring.models import LEVELS, EvidenceModel, JobTextModel, Thresholds, load_evidence, load_job_text
from vigil.scoring.signals import EmployerLexicon, document_signals, load_employer_lexicon

if TYPE_CHECKING:
    from vigil.settings import Settings

#: Terms of the text model listed one by one; the rest are summed into one line.
TOP_TERMS: Final = 5
#: How far under the high threshold a capped score sits.
CAP_MARGIN: Final = 0.01
_ROUND: Final = 4


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def logit(p: float) -> float:
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log(p / (1 - p))


@dataclass(frozen=True, slots=True)
class Contribution:
    feature: str
    contribution: float
    source: str

    def to_json(self) -> ContributionJSON:
        return _contribution_json(self.feature, self.contribution, self.source)


def _contribution_json(feature: str, contribution: float, source: str) -> ContributionJSON:
    """The contract's JSON of one contribution (rounded as every figure of ``risk``)."""
    return {"feature": feature, "contribution": round(contribution, _ROUND), "source": source}


def indicator_strengths(indicators: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """Highest confidence per indicator id: repeating a phrase does not add evidence."""
    out: dict[str, float] = {}
    for hit in indicators:
        name = hit.get("id")
        if not isinstance(name, str):
            continue
        confidence = hit.get("confidence", 1.0)
        if type(confidence) is float:  # what hits carry; float() of a float is the float
            value = confidence
        elif isinstance(confidence, int | float) and not isinstance(confidence, bool):
            value = float(confidence)
        else:
            value = 1.0
        # min(max(value, 0.0), 1.0) and max(known, value), as comparisons (NaN and -0.0 alike)
        value = 0.0 if value < 0.0 else value
        value = 1.0 if value > 1.0 else value
        known = out.get(name, 0.0)
        out[name] = value if value > known else known
    return out


class Scorer:
    """Scores documents with the model for their kind; built once by :func:`load_scorer`."""

    def __init__(
        self,
        evidence: Mapping[str, EvidenceModel],
        kinds: Mapping[str, str],
        job_text: JobTextModel | None,
        employer: EmployerLexicon,
    ) -> None:
        self.evidence = dict(evidence)
        self.kinds = dict(kinds)
        self.job_text = job_text
        self.employer = employer

    def model_for(self, kind: str) -> EvidenceModel:
        return self.evidence[self.kinds.get(kind, "other")]

    def score(self, document: Document, indicators: list[IndicatorHit], entities: Entities, lang: str) -> Risk:
        """The ``risk`` object: score, level, model name and the contributions behind it."""
        model = self.model_for(document.kind)
        weights = model.weights
        features = indicator_strengths(indicators)
        features.update(document_signals(document, entities, self.employer, weights))
        text_model = self.job_text if model.name == "job" else None
        if text_model is not None and lang not in text_model.languages:
            text_model = None
        # With the text model (calibrated on EMSCAD) the evidence weights add at face value;
        # without it, the evidence model's own calibration applies.
        scale = 1.0 if text_model is not None else model.scale
        # (feature, contribution, source) of each: a Contribution's fields, without the object.
        contributions: list[tuple[str, float, str]] = []
        for name, strength in sorted(features.items()):
            weight = weights.get(name)
            if weight is None or weight.weight == 0.0 or strength == 0.0:
                continue
            contributions.append((name, scale * weight.weight * strength, weight.source))
        baseline = model.scale * model.intercept + model.shift
        evidence_level: str | None = None
        if text_model is not None:
            # Levels in English job ads come from either route, each measured on its own
            # labelled data: the text model on EMSCAD, the indicator evidence on the labelled set.
            evidence_logit = baseline + model.scale * sum(c[1] for c in contributions)
            evidence_score = sigmoid(evidence_logit)
            evidence_level = model.thresholds.level(evidence_score)
            if evidence_level == "high" and _cap(model, model.thresholds, contributions, evidence_score):
                evidence_level = "medium"
            baseline, text_contributions = _job_text_contributions(text_model, document)
            contributions.extend(text_contributions)
            thresholds = text_model.thresholds
            model_name = f"{text_model.name}-v{text_model.version}"
        else:
            thresholds = model.thresholds
            model_name = f"{model.name}-v{model.version}"
        total = baseline + sum(c[1] for c in contributions)
        score = sigmoid(total)
        cap = _cap(model, thresholds, contributions, score)
        if cap is not None:
            contributions.append(cap)
            total += cap[1]
            score = sigmoid(total)
        level = thresholds.level(round(score, _ROUND))
        if evidence_level is not None and LEVELS.index(evidence_level) < LEVELS.index(level):
            level = evidence_level
        contributions.sort(key=_largest_first)
        return {
            "score": round(score, _ROUND),
            "level": level,
            "model": model_name,
            "baseline": round(baseline, _ROUND),
            "logit": round(total, _ROUND),
            "contributions": [_contribution_json(*part) for part in contributions],
        }


def _largest_first(contribution: tuple[str, float, str]) -> tuple[float, str]:
    """Contributions largest first (by size), then by feature."""
    return -abs(contribution[1]), contribution[0]


def _cap(
    model: EvidenceModel, thresholds: Thresholds, contributions: list[tuple[str, float, str]], score: float
) -> tuple[str, float, str] | None:
    """Keep a document under ``high`` when only weak, bias-prone features raise it."""
    if score < thresholds.high:
        return None
    raising = {feature for feature, value, _ in contributions if value > 0}
    if not raising or not raising <= model.not_high_alone:
        return None
    target = logit(thresholds.high - CAP_MARGIN)
    return ("cap:not_high_alone", target - logit(score), "vigil-policy/never-high-alone")


def _job_text_contributions(model: JobTextModel, document: Document) -> tuple[float, list[tuple[str, float, str]]]:
    """The text model's baseline and its contributions, as (feature, contribution, source)."""
    source = f"{model.name}-v{model.version}/EMSCAD-text-model"
    terms, structured = job_features(document)
    scale = model.scale
    total, top, counted = weighted_terms(terms, model.terms, TOP_TERMS)
    out = [(f"term:{term}", scale * part, source) for part, term in top]
    if counted > len(top):
        out.append(("term:other", scale * (total - sum(part for part, _ in top)), source))
    for name in sorted(structured):
        weight = model.structured.get(name)
        if weight:
            out.append((name, scale * weight, source))
    return scale * model.intercept + model.shift + model.prior_shift, out


def load_scorer(settings: Settings | None = None) -> Scorer:
    """Load the shipped models once; the scorer is plain data and pickles cheaply."""
    del settings  # the shipped models are part of the package; no setting changes them yet
    evidence, kinds = load_evidence()
    return Scorer(evidence, kinds, load_job_text(), load_employer_lexicon())

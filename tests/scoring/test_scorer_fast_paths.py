"""The scorer's faster forms give what the plain ones gave.

- The pre-check for letters standing in for digits looks at digits only (the letter after
  a digit, or before it by a look-behind): it finds one wherever the plain alternation does.
- ``indicator_strengths`` clamps and keeps the largest with comparisons, not ``min``/``max``.
- ``Scorer.score`` carries contributions as tuples: the risk is what ``Contribution`` objects
  and their ``to_json`` made.
"""

from __future__ import annotations

import json
import math
import random
import re
from pathlib import Path
from typing import Any

import pytest

from vigil.contract import Risk
from vigil.documents import Document
from vigil.scoring import Scorer, load_scorer
from vigil.scoring.jobtext import job_features, weighted_terms
from vigil.scoring.models import LEVELS
from vigil.scoring.scorer import (
    _ROUND,
    TOP_TERMS,
    Contribution,
    indicator_strengths,
    logit,
    sigmoid,
)
from vigil.scoring.signals import _LETTER_BY_DIGIT, document_signals

DATA = Path(__file__).resolve().parents[1] / "data"
_PLAIN_LETTER_BY_DIGIT = re.compile(r"\d[\s.\-]?[OoIl]|[OoIl][\s.\-]?\d")


def test_letter_by_digit_finds_what_the_alternation_finds() -> None:
    rng = random.Random(11)
    alphabet = list("0123456789٣OoIlLi .-\t\n\u2028xX_")
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(50_000)]
    texts += ["O7", "7O", "7 O", "O 7", "7-l", "l.7", "7  O", "O  7", "", "7", "O", "٣o", "o٣", "o\u20287"]
    for text in texts:
        assert (_LETTER_BY_DIGIT.search(text) is None) == (_PLAIN_LETTER_BY_DIGIT.search(text) is None), text


def _plain_strengths(indicators: list[dict[str, Any]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for hit in indicators:
        name = hit.get("id")
        if not isinstance(name, str):
            continue
        confidence = hit.get("confidence", 1.0)
        value = float(confidence) if isinstance(confidence, int | float) and not isinstance(confidence, bool) else 1.0
        out[name] = max(out.get(name, 0.0), min(max(value, 0.0), 1.0))
    return out


class _Half(float):
    pass


def test_indicator_strengths_are_the_min_max_ones() -> None:
    values: list[Any] = [0.5, 0.0, -0.0, 1.0, 1.5, -2.0, math.nan, math.inf, -math.inf, 0, 1, 2, True, False]
    values += [None, "0.7", _Half(0.25), 0.99, 0.3]
    rng = random.Random(5)
    for _ in range(3000):
        hits: list[dict[str, Any]] = []
        for _ in range(rng.randint(0, 5)):
            hit: dict[str, Any] = {"id": rng.choice(["a", "b", 3, None])}
            if rng.random() < 0.9:
                hit["confidence"] = rng.choice(values)
            hits.append(hit)
        got, expected = indicator_strengths(hits), _plain_strengths(hits)
        assert list(got) == list(expected)
        for name, value in expected.items():
            assert repr(got[name]) == repr(value) and type(got[name]) is type(value)


def _plain_score(scorer: Scorer, document: Document, indicators: list[Any], entities: Any, lang: str) -> Risk:
    """Scorer.score as it was, with Contribution objects."""
    model = scorer.model_for(document.kind)
    features = _plain_strengths(indicators)
    features.update(document_signals(document, entities, scorer.employer, model.weights))
    text_model = scorer.job_text if model.name == "job" else None
    if text_model is not None and lang not in text_model.languages:
        text_model = None
    scale = 1.0 if text_model is not None else model.scale
    contributions: list[Contribution] = []
    for name, strength in sorted(features.items()):
        weight = model.weights.get(name)
        if weight is None or weight.weight == 0.0 or strength == 0.0:
            continue
        contributions.append(Contribution(name, scale * weight.weight * strength, weight.source))

    def cap(thresholds: Any, score: float) -> Contribution | None:
        if score < thresholds.high:
            return None
        raising = {c.feature for c in contributions if c.contribution > 0}
        if not raising or not raising <= model.not_high_alone:
            return None
        return Contribution(
            "cap:not_high_alone", logit(thresholds.high - 0.01) - logit(score), "vigil-policy/never-high-alone"
        )

    baseline = model.scale * model.intercept + model.shift
    evidence_level = None
    if text_model is not None:
        evidence_score = sigmoid(baseline + model.scale * sum(c.contribution for c in contributions))
        evidence_level = model.thresholds.level(evidence_score)
        if evidence_level == "high" and cap(model.thresholds, evidence_score):
            evidence_level = "medium"
        source = f"{text_model.name}-v{text_model.version}/EMSCAD-text-model"
        terms, structured = job_features(document)
        total_terms, top, counted = weighted_terms(terms, text_model.terms, TOP_TERMS)
        contributions += [Contribution(f"term:{t}", text_model.scale * part, source) for part, t in top]
        if counted > len(top):
            rest = text_model.scale * (total_terms - sum(part for part, _ in top))
            contributions.append(Contribution("term:other", rest, source))
        for name in sorted(structured):
            if text_model.structured.get(name):
                contributions.append(Contribution(name, text_model.scale * text_model.structured[name], source))
        baseline = text_model.scale * text_model.intercept + text_model.shift + text_model.prior_shift
        thresholds = text_model.thresholds
        model_name = f"{text_model.name}-v{text_model.version}"
    else:
        thresholds = model.thresholds
        model_name = f"{model.name}-v{model.version}"
    total = baseline + sum(c.contribution for c in contributions)
    score = sigmoid(total)
    capped = cap(thresholds, score)
    if capped is not None:
        contributions.append(capped)
        total += capped.contribution
        score = sigmoid(total)
    level = thresholds.level(round(score, _ROUND))
    if evidence_level is not None and LEVELS.index(evidence_level) < LEVELS.index(level):
        level = evidence_level
    contributions.sort(key=lambda c: (-abs(c.contribution), c.feature))
    return {
        "score": round(score, _ROUND),
        "level": level,
        "model": model_name,
        "baseline": round(baseline, _ROUND),
        "logit": round(total, _ROUND),
        "contributions": [c.to_json() for c in contributions],
    }


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return load_scorer()


def test_score_is_the_one_made_with_contribution_objects(scorer: Scorer) -> None:
    from vigil.pipeline import build_pipeline

    pipeline = build_pipeline()
    rows = [json.loads(line) for line in (DATA / "risk_labelled.jsonl").read_text(encoding="utf-8").splitlines()]
    rows += [json.loads(line) for line in (DATA / "indicators_golden.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) > 100
    for row in rows:
        text = row.get("text") or ""
        for kind in ("job_ad", "sex_ad", "forum_post", "other"):
            for lang in ("en", "de"):
                document = Document(id="x", text=text, title=row.get("title"), kind=kind, lang=lang)
                analysis = pipeline(document)
                risk = scorer.score(document, analysis["indicators"], analysis["entities"], lang)
                expected = _plain_score(scorer, document, analysis["indicators"], analysis["entities"], lang)
                assert json.dumps(risk) == json.dumps(expected)

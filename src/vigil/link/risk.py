"""Network risk: one score for a linked network, rolled up from its ads and its network indicators.

Explained the way an ad's score is (:mod:`vigil.scoring.scorer`): a ``baseline`` in
log-odds plus ``contributions`` that add up exactly to the logit of ``score``.

- The baseline is the logit of the network's strongest ad: a network is at least as
  worrying as the worst ad in it. With no scored ad here (``vigil link --store`` input
  that is not stored), it is the evidence model's no-evidence score.
- Each network indicator adds its evidence weight times its confidence: the same sourced
  weights an ad's network-level features carry in ``scoring/model_files/evidence-v1.yaml``
  (read from the ``sex`` model, the one that lists all five network indicators).
- The share of the network's scored ads that are high-risk adds
  :data:`HIGH_SHARE_WEIGHT` times that share: many high-risk ads behind one contact
  weigh more than one.

Levels use :data:`NETWORK_THRESHOLDS` and never fall below the strongest ad's own level
(each ad's level was set by the thresholds of its own model). As for an ad, features the
model marks ``not_high_alone`` (movement between cities) never make a network high on
their own: the score is capped just under the high threshold and the cap is listed.
Scores are leads for a person to review.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from vigil.recognizers.catalogue import indicator_ids
from vigil.scoring.models import LEVELS, Thresholds, Weight, load_evidence
from vigil.scoring.scorer import CAP_MARGIN, Contribution, indicator_strengths, logit, sigmoid

#: The stricter of the shipped models' thresholds (job and other), so a network is not
#: called high more easily than any ad kind is.
NETWORK_THRESHOLDS: Final = Thresholds(high=0.6, medium=0.3)
#: Log-odds added when every scored ad of the network is high-risk (scaled by the share).
#: Equal to the weight of ``shared_contact``: one contact behind many high-risk ads is the
#: pattern the linked-ads literature (TellFinder, InfoShield) looks for.
HIGH_SHARE_WEIGHT: Final = 0.8
HIGH_SHARE_SOURCE: Final = "Vigil/network-rollup"
#: The evidence model whose network-level weights the rollup uses.
NETWORK_WEIGHTS_MODEL: Final = "sex"
STRONGEST_AD: Final = "strongest_ad"
HIGH_SHARE: Final = "high_risk_share"
CAP: Final = "cap:not_high_alone"
_ROUND: Final = 4


@dataclass(frozen=True, slots=True)
class MemberRisk:
    """One ad of a network as scored in the store (``score`` None when it is not scored here)."""

    doc_id: str
    score: float | None
    level: str | None


@dataclass(frozen=True, slots=True)
class NetworkModel:
    """The numbers the rollup reads: network indicator weights, caps and thresholds."""

    weights: Mapping[str, Weight]
    not_high_alone: frozenset[str]
    no_evidence_logit: float
    thresholds: Thresholds = NETWORK_THRESHOLDS


@dataclass(frozen=True, slots=True)
class NetworkRisk:
    """A network's score and level, the strongest ad it starts from, and what moved it."""

    score: float
    level: str
    baseline: float
    contributions: tuple[Contribution, ...]
    strongest: str | None
    scored: int
    high: int

    def to_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "level": self.level,
            "baseline": self.baseline,
            "logit": round(self.baseline + sum(c.contribution for c in self.contributions), _ROUND),
            "strongest": self.strongest,
            "scored": self.scored,
            "high": self.high,
            "contributions": [c.to_json() for c in self.contributions],
        }


@cache
def network_model() -> NetworkModel:
    """The shipped model: network indicator weights of the evidence file, read once."""
    models, _kinds = load_evidence()
    model = models[NETWORK_WEIGHTS_MODEL]
    network = set(indicator_ids("network"))
    return NetworkModel(
        weights={k: w for k, w in model.weights.items() if k in network},
        not_high_alone=frozenset(model.not_high_alone & network),
        no_evidence_logit=model.scale * model.intercept + model.shift,
    )


def _level_at_least(level: str, floor: str | None) -> str:
    if floor in LEVELS and LEVELS.index(floor) < LEVELS.index(level):
        return floor
    return level


def network_risk(
    members: Iterable[MemberRisk], indicators: Sequence[Mapping[str, Any]], model: NetworkModel | None = None
) -> NetworkRisk:
    """The risk of one network from its scored ads and its network indicators (pure)."""
    use = model or network_model()
    scored = [m for m in members if m.score is not None]
    strongest = max(scored, key=lambda m: (m.score or 0.0, m.doc_id), default=None)
    baseline = logit(strongest.score) if strongest is not None and strongest.score is not None else use.no_evidence_logit
    contributions: list[Contribution] = []
    for name, strength in sorted(indicator_strengths(indicators).items()):
        weight = use.weights.get(name)
        if weight is None or weight.weight == 0.0 or strength == 0.0:
            continue
        contributions.append(Contribution(name, weight.weight * strength, weight.source))
    high = sum(1 for m in scored if m.level == "high")
    if high:
        contributions.append(Contribution(HIGH_SHARE, HIGH_SHARE_WEIGHT * high / len(scored), HIGH_SHARE_SOURCE))
    total = baseline + sum(c.contribution for c in contributions)
    floor = strongest.level if strongest is not None else None
    if use.thresholds.level(sigmoid(total)) == "high" and floor != "high":
        without = baseline + sum(c.contribution for c in contributions if c.feature not in use.not_high_alone)
        if use.thresholds.level(sigmoid(without)) != "high":
            cap = logit(use.thresholds.high - CAP_MARGIN) - total
            contributions.append(Contribution(CAP, cap, "evidence-v1/not_high_alone"))
            total += cap
    contributions.sort(key=lambda c: (-abs(c.contribution), c.feature))
    score = round(sigmoid(total), _ROUND)
    return NetworkRisk(
        score=score,
        level=_level_at_least(use.thresholds.level(score), floor),
        baseline=round(baseline, _ROUND),
        contributions=tuple(contributions),
        strongest=strongest.doc_id if strongest is not None else None,
        scored=len(scored),
        high=high,
    )

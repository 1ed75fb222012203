"""A network's risk rolled up from its ads and network indicators: adds up, floors, caps, ignores the unknown."""

from __future__ import annotations

import math
from typing import Any

import pytest

from vigil.link.risk import CAP, HIGH_SHARE, NETWORK_THRESHOLDS, MemberRisk, network_model, network_risk
from vigil.scoring.scorer import logit, sigmoid


def _ind(ident: str, confidence: float = 0.9) -> dict[str, Any]:
    return {"id": ident, "evidence": "synthetic", "confidence": confidence, "source": "test"}


LOW = [MemberRisk("a", 0.10, "low"), MemberRisk("b", 0.12, "low")]


@pytest.mark.parametrize(
    ("members", "indicators", "level", "strongest", "features"),
    [
        # nothing scored here: the no-evidence score, low
        ([MemberRisk("x", None, None)], [], "low", None, set()),
        ([], [], "low", None, set()),
        # one high ad: the network is at least that
        ([MemberRisk("h", 0.9, "high"), *LOW], [], "high", "h", {HIGH_SHARE}),
        # a sex ad is high at 0.52 by its own model: the network never falls below its strongest ad
        ([MemberRisk("s", 0.52, "high")], [], "high", "s", {HIGH_SHARE}),
        # low ads, but one contact and one template behind them: raised to medium
        (LOW, [_ind("shared_contact"), _ind("template_reuse")], "medium", "b", {"shared_contact", "template_reuse"}),
        # movement alone never makes a network high: capped under the threshold, the cap listed
        ([MemberRisk("m", 0.55, "medium")], [_ind("multi_city")], "medium", "m", {"multi_city", CAP}),
        # with a shared contact as well, high is earned by more than movement
        ([MemberRisk("m", 0.55, "medium")], [_ind("multi_city"), _ind("shared_contact")], "high", "m",
         {"multi_city", "shared_contact"}),
        # ad-level and unknown ids carry no network weight
        (LOW, [_ind("upfront_fee"), _ind("no_such_indicator"), {"confidence": 1.0}], "low", "b", set()),
    ],
)
def test_network_risk(
    members: list[MemberRisk], indicators: list[dict[str, Any]], level: str, strongest: str | None, features: set[str]
) -> None:
    risk = network_risk(members, indicators)
    assert risk.level == level
    assert risk.strongest == strongest
    assert {c.feature for c in risk.contributions} == features
    # the explanation adds up, as an ad's does
    total = risk.baseline + sum(c.contribution for c in risk.contributions)
    assert math.isclose(sigmoid(total), risk.score, abs_tol=1e-3)
    assert risk.to_json()["contributions"] == [c.to_json() for c in risk.contributions]
    assert [abs(c.contribution) for c in risk.contributions] == sorted((abs(c.contribution) for c in risk.contributions), reverse=True)


def test_baseline_is_the_strongest_ad_or_no_evidence() -> None:
    assert network_risk([MemberRisk("a", 0.3, "medium")], []).baseline == pytest.approx(logit(0.3), abs=1e-4)
    assert network_risk([], []).baseline == pytest.approx(network_model().no_evidence_logit, abs=1e-4)
    assert network_risk([], []).score < NETWORK_THRESHOLDS.medium


def test_capped_score_sits_just_under_high() -> None:
    risk = network_risk([MemberRisk("m", 0.55, "medium")], [_ind("multi_city")])
    assert NETWORK_THRESHOLDS.medium <= risk.score < NETWORK_THRESHOLDS.high


def test_more_high_risk_ads_weigh_more() -> None:
    one = network_risk([MemberRisk("h", 0.7, "high"), *LOW], [])
    all_high = network_risk([MemberRisk("h", 0.7, "high"), MemberRisk("i", 0.65, "high")], [])
    assert all_high.score > one.score


def test_network_weights_are_the_evidence_models() -> None:
    model = network_model()
    assert set(model.weights) == {"shared_contact", "template_reuse", "alias_inconsistency", "age_inconsistency", "multi_city"}
    assert all(w.source for w in model.weights.values())
    assert "multi_city" in model.not_high_alone

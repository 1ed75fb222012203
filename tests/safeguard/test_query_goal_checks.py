"""Each goal of the query check is reported with its figure: floors for recalls, ceilings for neutral queries."""

from __future__ import annotations

from typing import Any

import pytest

from vigil.safeguard.evaluation import GOALS, goal_checks, meets_goals

ALL_MET = {
    "exploitation_recall": 0.97,
    "neutral_as_exploitation": 0.01,
    "at_risk_recall": 0.90,
    "neutral_touched": 0.0,
    "lowest_language_exploitation_recall": 0.90,
}


@pytest.mark.parametrize(
    ("change", "unmet"),
    [
        ({}, set()),
        ({"exploitation_recall": 0.969}, {"exploitation_recall"}),
        ({"neutral_as_exploitation": 0.011}, {"neutral_as_exploitation"}),
        ({"at_risk_recall": 0.89}, {"at_risk_recall"}),
        ({"neutral_touched": 0.0101}, {"neutral_touched"}),
        ({"neutral_touched": 0.01}, set()),  # at the ceiling is within it
        ({"lowest_language_exploitation_recall": 0.833}, {"lowest_language_exploitation_recall"}),
        ({"at_risk_recall": None}, {"at_risk_recall"}),  # no at-risk query: not met, never assumed
        ({"neutral_touched": None, "exploitation_recall": 1.0}, {"neutral_touched"}),
    ],
)
def test_each_goal_holds_or_not_on_its_own(change: dict[str, Any], unmet: set[str]) -> None:
    figures = {**ALL_MET, **change}
    checks = goal_checks(figures)
    assert [check["goal"] for check in checks] == list(GOALS)
    assert {check["goal"] for check in checks if not check["met"]} == unmet
    assert meets_goals(figures) is (not unmet)
    for check in checks:
        assert check["value"] == figures[check["goal"]]
        assert check["ceiling"] is (check["goal"] in {"neutral_as_exploitation", "neutral_touched"})

"""The rules-and-model policy: the model overrules a displaced person's need only with its
highest class, the classifier and the trainer decide alike, and the grid search's
vectorised decisions are the row-by-row ones."""

from __future__ import annotations

import random
from typing import Any

import pytest

from vigil.safeguard.classifier import QueryClassifier, load_default_rules, rules_only_classifier
from vigil.safeguard.lexicon import load_default_lexicons
from vigil.safeguard.model import FEATURE_VERSION, MODEL_CLASSES, QueryModel
from vigil.safeguard.training import Policy, Prepared, decide, decide_all, policies, prepare

#: A model that reads "bed" as exploitation and "garden" as neutral, nothing else.
WEIGHTS = {"w:bed": [6.0, 0.0, 0.0], "w:garden": [0.0, 0.0, 6.0]}
BOTH = {"rule_weight": 0.0, "neutral_bias": 0.0, "at_risk_overrule": 3.0, "exploitation_overrule": 0.0}
TO_NEUTRAL_ONLY = {"rule_weight": 0.0, "neutral_bias": 0.0, "at_risk_overrule": 3.0}


def classifier(policy: dict[str, float]) -> QueryClassifier:
    data: dict[str, Any] = {
        "feature_version": FEATURE_VERSION,
        "classes": list(MODEL_CLASSES),
        "bias": [0.0, 0.0, 0.0],
        "weights": WEIGHTS,
        "policy": policy,
    }
    return QueryClassifier(load_default_lexicons(), load_default_rules(), model=QueryModel(data))


@pytest.mark.parametrize(
    ("policy", "query", "category", "decided_by"),
    [
        # The displaced person's need stands when the model has nothing to say.
        (BOTH, "housing for ukrainian refugees in berlin", "at_risk", "rule"),
        # Housing offered for sex: the model's exploitation beats at-risk and is its highest.
        (BOTH, "housing for ukrainian refugees in berlin bed", "exploitation", "model"),
        # A helper's query: neutral.
        (BOTH, "garden housing for ukrainian refugees in berlin", "neutral", "model"),
        # Negative: without an exploitation margin in the policy the need stands.
        (TO_NEUTRAL_ONLY, "housing for ukrainian refugees in berlin bed", "at_risk", "rule"),
        # Negative: a risky-job rule always stands, whatever the model reads.
        (BOTH, "escort job abroad bed", "at_risk", "rule"),
        (BOTH, "escort job abroad garden", "at_risk", "rule"),
    ],
)
def test_model_overrules_a_displaced_need_with_its_highest_class(
    policy: dict[str, float], query: str, category: str, decided_by: str
) -> None:
    result = classifier(policy).classify(query)
    assert (result.category, result.decided_by) == (category, decided_by), result


@pytest.mark.parametrize(
    "query",
    [
        "housing for ukrainian refugees in berlin",
        "housing for ukrainian refugees in berlin bed",
        "garden housing for ukrainian refugees in berlin",
        "escort job abroad bed",
        "ukrainian girls bed",
        "block porn on my child's phone",
        "ford escort garden",
    ],
)
@pytest.mark.parametrize("policy", [BOTH, TO_NEUTRAL_ONLY])
def test_trainer_decides_as_the_classifier(query: str, policy: dict[str, float]) -> None:
    full = classifier(policy)
    result = full.classify(query)
    assert full.model is not None
    scores = full.model.scores(list(result.tokens), result.rule, result.concepts)
    item = prepare(rules_only_classifier(), [{"query": query, "category": "neutral"}])[0]
    assert MODEL_CLASSES[decide(list(scores), item, Policy.from_dict(policy))] == result.category


def test_vectorised_decisions_are_the_row_by_row_ones() -> None:
    pick = random.Random(0)
    items = [
        Prepared(
            [],
            pick.randrange(3),
            pick.choice([None, -1, 0, 1, 1, 2]),
            pick.random() < 0.2,
            pick.random() < 0.5,
        )
        for _ in range(300)
    ]
    # Whole numbers make ties, where the first of the highest must win in both.
    scores = [[float(pick.randint(-4, 4)) for _ in MODEL_CLASSES] for _ in items]
    grid = [*policies(), Policy(1.0, 0.0, 1.0, True, -1.0, 0.0), Policy(0.5, 1.0, 0.0, False, None, 1.0)]
    for policy in grid:
        expected = [decide(s, item, policy) for s, item in zip(scores, items, strict=True)]
        assert decide_all(scores, items, policy) == expected, policy

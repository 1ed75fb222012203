"""Scoring a clustering against planted truth: pairwise and B-cubed precision, recall and F1.

Documents outside any true network (and singletons of the prediction) are clusters of one,
so linking two unrelated ads costs precision and missing a network member costs recall.
Pair counts come from cluster sizes (sum of n choose 2), never from listing pairs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, float]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _labels(assignment: Mapping[str, str | None]) -> dict[str, str]:
    # a document outside every cluster is its own cluster
    return {doc: label if label is not None else f"\x00{doc}" for doc, label in assignment.items()}


def pairwise(truth: Mapping[str, str | None], predicted: Mapping[str, str | None]) -> Scores:
    """Precision and recall over all pairs of documents put in one cluster."""
    gold = _labels(truth)
    pred = _labels({doc: predicted.get(doc) for doc in gold})
    both = Counter((gold[d], pred[d]) for d in gold)
    true_pairs = sum(n * (n - 1) // 2 for n in Counter(gold.values()).values())
    pred_pairs = sum(n * (n - 1) // 2 for n in Counter(pred.values()).values())
    hit_pairs = sum(n * (n - 1) // 2 for n in both.values())
    precision = hit_pairs / pred_pairs if pred_pairs else 1.0
    recall = hit_pairs / true_pairs if true_pairs else 1.0
    return Scores(precision, recall, _f1(precision, recall))


def bcubed(truth: Mapping[str, str | None], predicted: Mapping[str, str | None]) -> Scores:
    """B-cubed: per document, the share of its predicted cluster that is truly its own, and back."""
    gold = _labels(truth)
    pred = _labels({doc: predicted.get(doc) for doc in gold})
    gold_size = Counter(gold.values())
    pred_size = Counter(pred.values())
    both = Counter((gold[d], pred[d]) for d in gold)
    if not gold:
        return Scores(1.0, 1.0, 1.0)
    precision = sum(both[(gold[d], pred[d])] / pred_size[pred[d]] for d in gold) / len(gold)
    recall = sum(both[(gold[d], pred[d])] / gold_size[gold[d]] for d in gold) / len(gold)
    return Scores(precision, recall, _f1(precision, recall))

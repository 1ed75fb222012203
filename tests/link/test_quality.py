"""Linking quality on a seeded planted-network corpus (the goal is pairwise F1 >= 0.97)."""

from __future__ import annotations

import pytest

from vigil.link.clusters import cluster_ids
from vigil.link.core import link_documents
from vigil.link.features import LinkFeatures
from vigil.link.prepare import prepare
from vigil.link.quality import bcubed, pairwise
from vigil.link.synthetic import LANGUAGES, generate_corpus


def _predicted(documents: list[dict[str, object]]) -> dict[str, str | None]:
    features = [f for f in prepare(enumerate(documents, start=1)) if isinstance(f, LinkFeatures)]
    result = link_documents(features)
    return dict(zip((f.id for f in features), cluster_ids([f.id for f in features], result.roots), strict=True))


@pytest.mark.parametrize("seed", [1, 2])
def test_planted_networks_pairwise_f1(seed: int) -> None:
    corpus = generate_corpus(1500, seed=seed, with_entities=True)
    predicted = _predicted(corpus.documents)
    scores = pairwise(corpus.truth, predicted)
    assert scores.f1 >= 0.97, scores
    assert bcubed(corpus.truth, predicted).f1 >= 0.97
    langs = {str(d["lang"]) for d in corpus.documents}
    assert langs == set(LANGUAGES)


def test_planted_networks_with_extracted_entities() -> None:
    """The same, with entities from the extraction pipeline instead of the planted ones."""
    corpus = generate_corpus(300, seed=4)
    scores = pairwise(corpus.truth, _predicted(corpus.documents))
    assert scores.f1 >= 0.97, scores


@pytest.mark.parametrize(
    ("truth", "predicted", "precision", "recall"),
    [
        ({"a": "n", "b": "n", "c": None}, {"a": "x", "b": "x", "c": None}, 1.0, 1.0),
        ({"a": "n", "b": "n", "c": None}, {"a": "x", "b": "x", "c": "x"}, 1 / 3, 1.0),
        ({"a": "n", "b": "n", "c": "n"}, {"a": "x", "b": "x", "c": None}, 1.0, 1 / 3),
        ({"a": None, "b": None}, {"a": None, "b": None}, 1.0, 1.0),
    ],
)
def test_pairwise_scores_table(
    truth: dict[str, str | None], predicted: dict[str, str | None], precision: float, recall: float
) -> None:
    scores = pairwise(truth, predicted)
    assert scores.precision == pytest.approx(precision)
    assert scores.recall == pytest.approx(recall)


def test_bcubed_penalises_a_merge() -> None:
    truth = {"a": "n", "b": "n", "c": "m", "d": "m"}
    merged = bcubed(truth, dict.fromkeys(truth, "x"))
    assert merged.recall == 1.0 and merged.precision == pytest.approx(0.5)

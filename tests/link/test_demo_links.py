"""Linking scored against the demo corpus's planted truth (its networks, returned beside the documents).

The background ads are composed from shared market phrasing; only the planted networks
re-use a template or a contact, so every link between background ads costs precision.
Thresholds are measured on the default demo corpus (precision 0.94, recall 1.0 with
the default limits; 0.29 precision when a short ad of market phrases may link on its own).
"""

from __future__ import annotations

from functools import cache

import pytest

from vigil.demo import generate_corpus
from vigil.link.clusters import cluster_ids
from vigil.link.config import LinkConfig
from vigil.link.core import link_documents
from vigil.link.features import LinkFeatures
from vigil.link.prepare import prepare
from vigil.link.quality import Scores, pairwise


@cache
def _demo() -> tuple[dict[str, str | None], tuple[LinkFeatures, ...]]:
    corpus = generate_corpus()
    assert corpus.truth is not None
    truth: dict[str, str | None] = {d["id"]: None for d in corpus.documents}
    for network, members in corpus.truth.networks.items():
        truth.update(dict.fromkeys(members, network))
    features = tuple(f for f in prepare(enumerate(corpus.documents, start=1)) if isinstance(f, LinkFeatures))
    assert len(features) == len(corpus.documents)
    return truth, features


def _scores(config: LinkConfig) -> Scores:
    truth, features = _demo()
    result = link_documents(features, config)
    predicted = dict(zip((f.id for f in features), cluster_ids([f.id for f in features], result.roots), strict=True))
    return pairwise(truth, predicted)


@pytest.mark.parametrize(
    ("config", "min_precision", "max_precision", "min_recall"),
    [
        pytest.param(LinkConfig(), 0.9, 1.0, 0.98, id="default-limits"),
        # negative: when any ad with 8 specific shingles may link, market phrasing joins unrelated ads
        pytest.param(LinkConfig(template_min_shingles=8), 0.0, 0.5, 0.98, id="short-ads-link-on-phrases"),
        # negative: a template must be shared by most of two texts, not a third of them
        pytest.param(LinkConfig(template_threshold=0.3), 0.0, 0.8, 0.98, id="loose-template-threshold"),
    ],
)
def test_demo_linking_against_planted_networks(
    config: LinkConfig, min_precision: float, max_precision: float, min_recall: float
) -> None:
    scores = _scores(config)
    assert min_precision <= scores.precision <= max_precision, scores
    assert scores.recall >= min_recall, scores

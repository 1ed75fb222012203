"""Linking quality on a planted-network corpus: pairwise and B-cubed precision, recall, F1.

    .venv/bin/python bench/link_quality.py --size 20000 --seed 5            # planted entities
    .venv/bin/python bench/link_quality.py --size 5000 --extract            # entities from the pipeline
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter

from vigil.link.clusters import cluster_ids
from vigil.link.config import LinkConfig
from vigil.link.core import link_documents
from vigil.link.features import LinkFeatures
from vigil.link.prepare import Rejected, prepare
from vigil.link.quality import bcubed, pairwise
from vigil.link.synthetic import generate_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--extract", action="store_true", help="extract entities with the pipeline instead of using the planted ones")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    corpus = generate_corpus(args.size, seed=args.seed, with_entities=not args.extract)
    started = time.perf_counter()
    items = list(enumerate(corpus.documents, start=1))
    prepared = list(prepare(items, workers=args.workers))
    features = [f for f in prepared if isinstance(f, LinkFeatures)]
    rejected = [f for f in prepared if isinstance(f, Rejected)]
    prepared_at = time.perf_counter()
    result = link_documents(features, LinkConfig())
    ids = cluster_ids([f.id for f in features], result.roots)
    linked_at = time.perf_counter()
    predicted = {f.id: c for f, c in zip(features, ids, strict=True)}
    pair = pairwise(corpus.truth, predicted)
    b3 = bcubed(corpus.truth, predicted)
    by_kind: dict[str, dict[str, float]] = {}
    for kind in ("phone", "burner", "email"):
        subset = {d: n for d, n in corpus.truth.items() if n is None or corpus.kinds[n] == kind}
        by_kind[kind] = {"pairwise_recall": round(pairwise(subset, predicted).recall, 4)}
    sizes = Counter(c for c in ids if c)
    print(json.dumps({
        "size": args.size,
        "seed": args.seed,
        "entities": "pipeline" if args.extract else "planted",
        "rejected": len(rejected),
        "networks": len(corpus.kinds),
        "network_docs": sum(1 for n in corpus.truth.values() if n),
        "predicted_clusters": len(sizes),
        "largest_cluster": max(sizes.values(), default=0),
        "pairwise": pair.as_dict(),
        "bcubed": b3.as_dict(),
        "recall_by_network_kind": by_kind,
        "prepare_seconds": round(prepared_at - started, 2),
        "link_seconds": round(linked_at - prepared_at, 2),
    }, indent=2))


if __name__ == "__main__":
    main()

"""The store process's linking, per partition: CPU of each stored batch and of its re-cluster.

    .venv/bin/python bench/link_store.py --docs 200000 [--partition 5000] [--cache DIR]

The demo corpus of ``bench/e2e.py`` (seed 11, a year of weeks, planted networks, one of
which grows with the corpus) is linked into a fresh SQLite store the way ``vigil process``
links it: one :class:`~vigil.link.state.StoredLinks` batch per partition, summaries deferred
to one flush at the end. Entities are extracted once into ``--cache`` (not timed), so the
run measures the store process's linking alone, without the analysis on the workers.

With ``--chain N`` the input is instead one stored network of N ads (each sharing a phone
with the next, linked in one untimed batch) and then ``--batches`` partitions of synthetic
ads, a few of which join that network: the cost of a partition against the size of the
network it touches.

Per partition it records the CPU seconds of ``add`` and of the re-cluster inside it; it
prints them for each third of the run, with the flush, the largest cluster and the load
average at start and end. Compare two versions of Vigil by running this script with
``PYTHONPATH`` pointing at each one's ``src``.
"""

from __future__ import annotations

import argparse
import inspect
import math
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEFAULT_CACHE = Path(os.environ.get("TMPDIR", "/tmp")) / "vigil-link-store-bench"
WEEKS = 52


def demo_features(cache: Path, docs: int) -> list[Any]:
    """Link features of the first ``docs`` demo ads, extracted once and kept in ``cache``."""
    from vigil.demo import generate_corpus
    from vigil.link.features import LinkFeatures
    from vigil.link.prepare import prepare

    path = cache / f"demo-{docs}.pickle"
    if path.exists():
        with path.open("rb") as handle:
            loaded: list[Any] = pickle.load(handle)
        return loaded
    corpus = generate_corpus(seed=11, weeks=WEEKS, ads_per_week=math.ceil(docs / WEEKS))
    records = corpus.documents[:docs]
    features = [f for f in prepare(enumerate(records, start=1), workers=2) if isinstance(f, LinkFeatures)]
    cache.mkdir(parents=True, exist_ok=True)
    with path.with_suffix(".partial").open("wb") as handle:
        pickle.dump(features, handle, protocol=pickle.HIGHEST_PROTOCOL)
    path.with_suffix(".partial").rename(path)
    return features


def chain_features(size: int, partitions: int, partition: int) -> tuple[list[Any], list[list[Any]]]:
    """One network of ``size`` ads, then ``partitions`` batches whose every 250th ad joins it."""
    import random

    from vigil.documents import parse_document
    from vigil.link.features import build_features

    words = [f"w{n:04d}" for n in range(5000)]

    def ad(doc_id: str, phones: list[int]) -> Any:
        text = " ".join(random.Random(doc_id).sample(words, 16))
        return build_features(parse_document({"id": doc_id, "text": text}), {"phones": [f"+4474{p:08d}" for p in phones]})

    network = [ad(f"net{i:06d}", [i, i + 1]) for i in range(size)]
    batches = [
        [ad(f"p{b:02d}-{i:05d}", [i * 7 % size] if i % 250 == 0 else [10**7 + b * partition + i]) for i in range(partition)]
        for b in range(partitions)
    ]
    return network, batches


def time_recluster(spent: list[float]) -> None:
    """Add the CPU seconds of every ``StoredLinks._recluster`` call to ``spent`` (either version's signature)."""
    from vigil.link.state import StoredLinks

    original = inspect.getattr_static(StoredLinks, "_recluster")
    function: Callable[..., Any] = original.__func__ if isinstance(original, staticmethod) else original

    def timed(*args: Any, **kwargs: Any) -> Any:
        began = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent.append(time.process_time() - began)

    setattr(StoredLinks, "_recluster", staticmethod(timed) if isinstance(original, staticmethod) else timed)  # noqa: B010


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--partition", type=int, default=5_000)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--chain", type=int, default=0, help="one stored network of this many ads, then --batches")
    parser.add_argument("--batches", type=int, default=5)
    args = parser.parse_args()

    import sqlalchemy as sa

    import vigil
    from vigil.link.config import LinkConfig
    from vigil.link.models import LinkDocument
    from vigil.link.state import StoredLinks
    from vigil.settings import load_settings
    from vigil.store import Store

    if args.chain:
        network, batches = chain_features(args.chain, args.batches, args.partition)
    else:
        features = demo_features(args.cache, args.docs)
        network, batches = [], [features[at : at + args.partition] for at in range(0, len(features), args.partition)]
    recluster: list[float] = []
    time_recluster(recluster)
    load_start = os.getloadavg()
    adds: list[float] = []
    with tempfile.TemporaryDirectory(prefix="vigil-bench-link-store-") as tmp:
        settings = load_settings(data_dir=Path(tmp) / "data", database_url="")
        with Store.open(settings) as store:
            links = StoredLinks(store, LinkConfig.from_settings(settings), defer_summaries=True)
            if network:
                links.add(network)
                links.flush()
                recluster.clear()
            for batch in batches:
                began = time.process_time()
                links.add(batch)
                adds.append(time.process_time() - began)
            began = time.process_time()
            links.flush()
            flush = time.process_time() - began
            with store.session() as session:
                largest = session.scalar(
                    sa.select(sa.func.count()).select_from(LinkDocument).where(LinkDocument.cluster.is_not(None))
                    .group_by(LinkDocument.cluster).order_by(sa.func.count().desc()).limit(1)
                )
    load_end = os.getloadavg()
    what = f"a network of {args.chain:,} ads, then" if args.chain else "demo ads in"
    print(f"vigil from {Path(vigil.__file__).parent}; {what} {len(batches)} partitions of {args.partition:,}")
    print("| partitions | add CPU s per partition | of which re-cluster |\n|---|---|---|")
    third = math.ceil(len(adds) / 3)
    for at in range(0, len(adds), third):
        part, spent = adds[at : at + third], recluster[at : at + third]
        print(f"| {at + 1}-{at + len(part)} | {sum(part) / len(part):.2f} | {sum(spent) / len(spent):.3f} |")
    print(f"| all {len(adds)} | {sum(adds) / len(adds):.2f} (total {sum(adds):.1f}) | "
          f"{sum(recluster) / len(recluster):.3f} (total {sum(recluster):.1f}) |")
    print(f"flush {flush:.1f} CPU s; largest cluster {largest:,} ads")
    print(f"load average at start {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}, "
          f"at end {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f} ({os.cpu_count()} cores)", file=sys.stdout)


if __name__ == "__main__":
    main()

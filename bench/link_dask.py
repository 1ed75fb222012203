"""Linking on the local engine against linking on Dask: wall time, CPU time, ads/s, same clusters.

    .venv/bin/python bench/link_dask.py                      # 100,000 planted ads
    .venv/bin/python bench/link_dask.py --million            # 100,000 and 1,000,000
    .venv/bin/python bench/link_dask.py --sizes 20000 --workers 2 --partition-size 20000

Both sides read the same JSONL of planted ads with pre-extracted ``entities`` (linking
measured apart from extraction, as in ``bench/link.py``) and produce the ``{"id",
"cluster"}`` lines of ``vigil link``:

* local: preparation on a process pool of ``--workers``, then linking in one process
  (``vigil link`` with the local engine);
* dask: :func:`vigil.link.distributed.link_on_dask` on the ``LocalCluster`` of ``--workers``
  processes that ``vigil link --engine dask`` starts (start-up timed apart), the client
  streaming the input out and the lines back.

CPU seconds are the process plus its children (``getrusage``), so they include the pool's
and the cluster's workers. The lines of both are compared one by one. Each size runs in
fresh processes; corpora are generated once into ``--cache`` (not timed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from link import DEFAULT_CACHE, corpus_file  # the planted corpora of bench/link.py


def _cpu_s() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _lines(path: Path) -> Iterator[tuple[int, object]]:
    with path.open("rb") as handle:
        yield from enumerate(handle, start=1)


def _digest(lines: Iterator[dict[str, Any]]) -> tuple[str, int, int, int]:
    """A hash of the output lines (to compare runs), documents, linked documents, clusters."""
    digest = hashlib.sha256()
    count = linked = 0
    clusters: set[str] = set()
    for line in lines:
        digest.update(json.dumps(line, separators=(",", ":")).encode("utf-8") + b"\n")
        count += 1
        if line["cluster"] is not None:
            linked += 1
            clusters.add(line["cluster"])
    return digest.hexdigest(), count, linked, len(clusters)


def run_local(path: Path, workers: int) -> dict[str, Any]:
    from vigil.engine import LocalEngine
    from vigil.link.clusters import cluster_ids
    from vigil.link.core import link_documents
    from vigil.link.features import LinkFeatures
    from vigil.link.prepare import prepare

    started, cpu = time.perf_counter(), _cpu_s()
    engine = LocalEngine(workers=workers)
    try:
        features = [f for f in prepare(_lines(path), keep_text=False, engine=engine) if isinstance(f, LinkFeatures)]
    finally:
        engine.close()
    result = link_documents(features)
    ids = [f.id for f in features]
    digest, count, linked, clusters = _digest(
        {"id": i, "cluster": c} for i, c in zip(ids, cluster_ids(ids, result.roots), strict=True)
    )
    return {"engine": "local", "wall_s": time.perf_counter() - started, "cpu_s": _cpu_s() - cpu,
            "digest": digest, "docs": count, "linked": linked, "clusters": clusters}


def run_dask(path: Path, workers: int, partition_size: int) -> dict[str, Any]:
    from vigil.engine import DaskEngine
    from vigil.link.distributed import link_on_dask

    began = time.perf_counter()
    stages: dict[str, float] = {}
    # the cluster `vigil link --engine dask` starts when no scheduler is given
    engine = DaskEngine(workers=workers)
    try:
        client = engine.client()
        startup = time.perf_counter() - began
        started, cpu = time.perf_counter(), _cpu_s()

        def report(stage: str, done: int, total: int | None) -> None:
            if total is not None and done == total:
                stages[stage] = round(time.perf_counter() - started, 2)

        linked = link_on_dask(client, _lines(path), partition_size=partition_size, on_progress=report)
        digest, count, linked_docs, clusters = _digest(linked.lines)
        wall = time.perf_counter() - started
    finally:
        engine.close()
    # the workers' CPU is counted once they have exited (children of this process)
    return {"engine": "dask", "wall_s": wall, "cpu_s": _cpu_s() - cpu, "startup_s": round(startup, 2),
            "digest": digest, "docs": count, "linked": linked_docs, "clusters": clusters,
            "partitions": linked.partitions, "stages_s": stages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--million", action="store_true", help="add 1,000,000 ads to the sizes")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--partition-size", type=int, default=20_000)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--run", nargs=2, metavar=("ENGINE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.run:
        engine, path = args.run[0], Path(args.run[1])
        row = run_local(path, args.workers) if engine == "local" else run_dask(path, args.workers, args.partition_size)
        print(json.dumps(row))
        return

    sizes = [*args.sizes, 1_000_000] if args.million else args.sizes
    print(json.dumps({"load_average": os.getloadavg(), "workers": args.workers}), flush=True)
    for size in sizes:
        path = corpus_file(args.cache, size, args.seed, raw=False)
        rows = {}
        for engine in ("local", "dask"):
            child = subprocess.run(
                [sys.executable, __file__, "--run", engine, str(path), "--workers", str(args.workers),
                 "--partition-size", str(args.partition_size)],
                check=True, capture_output=True, text=True,
            )
            row = json.loads(child.stdout.strip().splitlines()[-1])
            row.update(size=size, docs_per_s=round(row["docs"] / row["wall_s"]),
                       docs_per_cpu_s=round(row["docs"] / row["cpu_s"]),
                       wall_s=round(row["wall_s"], 2), cpu_s=round(row["cpu_s"], 2))
            rows[engine] = row
            print(json.dumps({k: v for k, v in row.items() if k != "digest"}), flush=True)
        same = rows["local"]["digest"] == rows["dask"]["digest"]
        print(json.dumps({"size": size, "same_clusters": same, "load_average": os.getloadavg()}), flush=True)
        if not same:
            sys.exit(f"dask and local clusters differ at {size} ads")


if __name__ == "__main__":
    main()

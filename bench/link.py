"""Linking throughput at 10,000 / 100,000 / 1,000,000 planted ads: time, docs/s, peak memory, growth.

    .venv/bin/python bench/link.py                              # 10k, 100k, 1M from pre-extracted entities
    .venv/bin/python bench/link.py --sizes 10000 --raw          # from raw documents (entity extraction included)

Each size runs in a fresh process, so its peak memory (resident set, the process plus its
worker processes) is its own. Stages, timed separately:

* floor: reading the JSONL and parsing every line into a document (the least any command does)
* prepare: validation, entities (given, or extracted with ``--raw``), normalization, slot masking,
  on a process pool of ``--workers``
* link: identifier links, shingles, MinHash, LSH, candidate checks, union-find, cluster ids

Corpora are generated once into ``--cache`` (not timed). CPU seconds (process plus workers)
are reported beside wall time because other jobs on a shared machine stretch wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

DEFAULT_CACHE = Path(os.environ.get("TMPDIR", "/tmp")) / "vigil-link-bench"


def corpus_file(cache: Path, size: int, seed: int, raw: bool) -> Path:
    from vigil.link.synthetic import iter_corpus_chunks

    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"planted-{size}-{seed}-{'raw' if raw else 'entities'}.jsonl"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as handle:
        for chunk in iter_corpus_chunks(size, seed, with_entities=not raw):
            for doc in chunk.documents:
                handle.write(json.dumps(doc, ensure_ascii=False) + "\n")
    partial.rename(path)
    return path


def _cpu_s() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round((own + children) / 1024, 1)


def run_one(path: Path, workers: int) -> dict[str, object]:
    """Time the stages on one corpus file (called in a fresh process)."""
    from vigil.documents import parse_document
    from vigil.link.clusters import cluster_ids
    from vigil.link.core import link_documents
    from vigil.link.features import LinkFeatures
    from vigil.link.prepare import decode_line, prepare

    def lines() -> Iterator[tuple[int, bytes]]:
        with path.open("rb") as handle:
            yield from enumerate(handle, start=1)

    started = time.perf_counter()
    for _, raw in lines():
        record = decode_line(raw)
        assert isinstance(record, dict)
        record.pop("entities", None)
        parse_document(record)
    floor = time.perf_counter() - started

    started, cpu = time.perf_counter(), _cpu_s()
    features = [f for f in prepare(lines(), workers=workers, keep_text=False) if isinstance(f, LinkFeatures)]
    prepared, prepare_cpu = time.perf_counter() - started, _cpu_s() - cpu

    started, cpu = time.perf_counter(), _cpu_s()
    result = link_documents(features)
    ids = cluster_ids([f.id for f in features], result.roots)
    linked, link_cpu = time.perf_counter() - started, _cpu_s() - cpu

    size = len(features)
    total = floor + prepared + linked
    return {
        "docs": size,
        "workers": workers,
        "floor_s": round(floor, 2),
        "prepare_s": round(prepared, 2),
        "link_s": round(linked, 2),
        "prepare_cpu_s": round(prepare_cpu, 2),
        "link_cpu_s": round(link_cpu, 2),
        "total_s": round(prepared + linked, 2),
        "docs_per_s": round(size / (prepared + linked)),
        "link_docs_per_s": round(size / linked),
        "ratio_to_floor": round((prepared + linked) / floor, 2),
        "peak_rss_mb": _peak_mb(),
        "edges": len(result.edges),
        "linked_docs": sum(c is not None for c in ids),
        "clusters": len({c for c in ids if c}),
        "wall_with_floor_s": round(total, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--raw", action="store_true", help="raw documents: entity extraction is part of the run")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.run:
        print(json.dumps(run_one(args.run, args.workers)))
        return

    rows = []
    for size in args.sizes:
        path = corpus_file(args.cache, size, args.seed, args.raw)
        child = subprocess.run(
            [sys.executable, __file__, "--run", str(path), "--workers", str(args.workers)],
            check=True,
            capture_output=True,
            text=True,
        )
        row = json.loads(child.stdout.strip().splitlines()[-1])
        row["input"] = "raw documents" if args.raw else "pre-extracted entities"
        rows.append(row)
        print(json.dumps(row), flush=True)
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        growth = (last["total_s"] / first["total_s"]) / (last["docs"] / first["docs"])  # type: ignore[operator]
        print(json.dumps({"growth_per_size_ratio": round(growth, 3), "note": "1.0 = linear"}))


if __name__ == "__main__":
    main()

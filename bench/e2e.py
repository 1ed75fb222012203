"""Ads end to end, on the clock: ingest, analyse, link and trends through the real command line.

    .venv/bin/python bench/e2e.py [--docs 10000|100000|1000000] [--engine local|dask] [--workers 2]
                                  [--scheduler tcp://HOST:8786]

Synthetic ads come from the demo generator (a year of weeks, planted networks and a trend).
Each stage is one ``vigil`` process on a fresh SQLite store, run as an operator would:

- ``ingest``: ``vigil ingest FILE --no-analyze --json`` (store and full-text index);
- ``process``: ``vigil process --json --engine ENGINE --workers N [--scheduler ADDRESS]``
  (analyse on the engine's workers, link, trends, watches); the JSON's ``seconds`` splits it
  into steps;
- with ``--engine dask`` also ``vigil link FILE --engine dask`` (linking spread over the
  cluster) and ``vigil trends FILE --engine dask`` (analysed, segmented and counted on the
  workers, the counts summed and detected in the client).

Without ``--scheduler`` each Dask stage starts a LocalCluster of ``--workers`` workers; with
one, the stages run on that cluster, whose workers need the same Vigil version and data files
(the measured CPU is then this machine's only).

Per stage and in total it prints wall seconds, CPU seconds of the process tree, documents per
second and peak resident memory of the tree (sampled every 0.1 s), with the load average at
start and end. Progress bars show on the terminal (the stages' stderr is passed through).

The projection for 10 million ads on N workers uses the measured costs per partition
(``partition_size`` documents): the workers' CPU per partition divides among N workers, the
store process's CPU per partition (writes, linking, counts) does not, and the two overlap
(the store process saves and links one partition while the workers analyse the next), so a
partition costs the larger of the two. Ingest is one process, counted at its measured CPU
rate. Loading the pipeline (once per process) is left out; linking is taken as linear.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from vigil.demo import generate_corpus, write_jsonl
from vigil.settings import load_settings

VIGIL = [sys.executable, "-m", "vigil.cli"]
#: Seconds between memory samples.
SAMPLE_EVERY = 0.1
#: Weeks of ads the synthetic input spans.
WEEKS = 52
PROJECTED_DOCS = 10_000_000
PROJECTED_WORKERS = (2, 8, 32, 128)


@dataclass
class Stage:
    name: str
    wall: float
    cpu: float
    peak: int
    output: dict[str, Any]


def make_input(path: Path, docs: int) -> int:
    corpus = generate_corpus(seed=11, weeks=WEEKS, ads_per_week=math.ceil(docs / WEEKS))
    corpus.documents = corpus.documents[:docs]
    write_jsonl(corpus, path)
    return len(corpus.documents)


def run(name: str, args: list[str], env: dict[str, str]) -> Stage:
    """One command: wall, CPU of it and its children, peak resident memory of the tree, its JSON summary."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen([*VIGIL, *args], env=env, stdout=subprocess.PIPE, stderr=None)
    peak = 0
    watched = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            tree = [watched, *watched.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(SAMPLE_EVERY)
    wall = time.perf_counter() - start
    out, _ = proc.communicate()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed with exit status {proc.returncode}")
    lines = [line for line in out.decode().splitlines() if line.startswith("{")]
    if not lines and args[0] not in ("link", "trends"):
        raise SystemExit(f"{' '.join(args)} printed no summary (exit status {proc.returncode})")
    return Stage(name, wall, cpu, peak, json.loads(lines[-1]) if lines else {})


def projection(docs: int, partition: int, ingest: Stage, process: Stage) -> list[str]:
    """Wall seconds for :data:`PROJECTED_DOCS` ads on N workers from the measured per-partition costs."""
    partitions = math.ceil(docs / partition)
    store_cpu = float(process.output.get("seconds", {}).get("cpu", 0.0))
    loading = float(process.output.get("seconds", {}).get("load cpu", 0.0))
    worker_cpu = max(0.0, process.cpu - store_cpu - loading)
    per_worker, per_store = worker_cpu / partitions, store_cpu / partitions
    ingest_per_doc = ingest.cpu / docs  # one process: its CPU is its wall on a quiet machine
    target = math.ceil(PROJECTED_DOCS / partition)
    lines = [
        f"per partition of {partition}: workers {per_worker:.2f} CPU s, store process {per_store:.2f} CPU s; "
        f"ingest {ingest_per_doc * 1e6:.0f} µs per ad",
        "| workers | projected wall for 10M ads |",
        "|---|---|",
    ]
    for n in PROJECTED_WORKERS:
        seconds = target * max(per_worker / n, per_store) + ingest_per_doc * PROJECTED_DOCS
        lines.append(f"| {n} | {seconds / 60:,.0f} min |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=10_000, choices=(10_000, 100_000, 1_000_000))
    parser.add_argument("--engine", default="local", choices=("local", "dask"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scheduler", help="Dask scheduler address; without one each Dask stage starts a LocalCluster")
    args = parser.parse_args()
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="vigil-bench-e2e-") as tmp:
        root = Path(tmp)
        path = root / "ads.jsonl"
        began = time.perf_counter()
        docs = make_input(path, args.docs)
        print(f"{docs} synthetic ads written in {time.perf_counter() - began:.0f} s; engine {args.engine}, "
              f"{args.workers} workers", file=sys.stderr)
        env = {
            **os.environ,
            "VIGIL_DATA_DIR": str(root / "data"),
            "VIGIL_DATABASE_URL": "",
            "VIGIL_WORKERS": str(args.workers),
        }
        engine = ["--engine", args.engine, "--workers", str(args.workers)]
        if args.scheduler:
            engine += ["--scheduler", args.scheduler]
        partition = load_settings().partition_size
        stages = [
            run("ingest", ["ingest", str(path), "--no-analyze", "--json"], env),
            run("process", ["process", "--json", *engine], env),
        ]
        if args.engine == "dask":
            stages.append(run("link on Dask", ["link", str(path), *engine, "-o", os.devnull], env))
            stages.append(run("trends on Dask", ["trends", str(path), *engine, "-o", os.devnull], env))
    load_end = os.getloadavg()
    print(f"| stage ({args.engine}, {docs:,} ads) | wall s | CPU s | docs/s | peak MiB |\n|---|---|---|---|---|")
    for stage in stages:
        print(f"| {stage.name} | {stage.wall:.1f} | {stage.cpu:.1f} | {docs / stage.wall:,.0f} | {stage.peak / 2**20:,.0f} |")
    wall = sum(s.wall for s in stages[:2])
    print(f"| ingest + process | {wall:.1f} | {sum(s.cpu for s in stages[:2]):.1f} | {docs / wall:,.0f} | "
          f"{max(s.peak for s in stages[:2]) / 2**20:,.0f} |")
    steps = stages[1].output.get("seconds", {})
    print("process steps (wall s): " + ", ".join(f"{k} {v:.1f}" for k, v in steps.items() if "cpu" not in k)
          + f"; store process CPU: loading {steps.get('load cpu', 0.0):.1f} s, then {steps.get('cpu', 0.0):.1f} s")
    summary = stages[1].output
    print(f"analysed {summary.get('analysed')}, linked {summary.get('linked')} into {summary.get('clusters')} networks, "
          f"{summary.get('trend_alerts')} trend alerts, failed {summary.get('failed')}")
    print(f"load average at start {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}, "
          f"at end {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f} ({os.cpu_count()} cores)")
    print("\n".join(projection(docs, partition, stages[0], stages[1])))


if __name__ == "__main__":
    main()

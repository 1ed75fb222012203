"""The store path: ``vigil ingest`` with analysis, linking and trends, against its parts.

    .venv/bin/python bench/store.py [--docs 100000] [--repeats 3] [--workers 2]

Three commands run as separate processes on the same synthetic JSONL file, interleaved
in every repeat so they share the machine's state:

- ``ingest``: ``vigil ingest FILE --no-analyze`` into a fresh store (storage only);
- ``analyze``: ``vigil analyze FILE -o /dev/null --workers N`` (analysis only, no store);
- ``store path``: ``vigil ingest FILE`` into a fresh store (store, analyse, link, trends).

It prints wall and CPU seconds, documents per second and peak memory (resident set of the
process tree, sampled every 0.1 s) per command, medians over the repeats, and the ratio
``store path / (ingest + analyze)`` taken pair by pair (goal: at most 1.3).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from vigil.demo import generate_corpus, write_jsonl

VIGIL = [sys.executable, "-m", "vigil.cli"]
#: Seconds between memory samples.
SAMPLE_EVERY = 0.1


def make_input(path: Path, docs: int) -> None:
    weeks = max(4, docs // 150 + 1)
    corpus = generate_corpus(seed=11, weeks=weeks)
    corpus.documents = corpus.documents[:docs]
    write_jsonl(corpus, path)


def run(args: list[str], data_dir: Path, workers: int) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak resident bytes (the process and its children) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "VIGIL_DATA_DIR": str(data_dir), "VIGIL_DATABASE_URL": "", "VIGIL_WORKERS": str(workers)}
    start = time.perf_counter()
    proc = subprocess.Popen([*VIGIL, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    watched = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            tree = [watched, *watched.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(SAMPLE_EVERY)
    elapsed = time.perf_counter() - start
    _, err = proc.communicate()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return elapsed, cpu, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vigil-bench-store-") as tmp:
        root = Path(tmp)
        path = root / "ads.jsonl"
        make_input(path, args.docs)
        docs = sum(1 for _ in path.open("rb"))
        print(f"{docs} documents, {args.workers} workers, {args.repeats} repeats", file=sys.stderr)
        times: dict[str, list[float]] = {"ingest": [], "analyze": [], "store path": []}
        cpus: dict[str, list[float]] = {k: [] for k in times}
        cpu_ratios: list[float] = []
        peaks: dict[str, list[int]] = {k: [] for k in times}
        ratios: list[float] = []
        for repeat in range(args.repeats):
            runs = {
                "ingest": (["ingest", str(path), "--no-analyze"], root / f"ingest-{repeat}"),
                "analyze": (["analyze", str(path), "-o", os.devnull, "--workers", str(args.workers)], root / "none"),
                "store path": (["ingest", str(path)], root / f"store-{repeat}"),
            }
            for name, (command, data_dir) in runs.items():
                elapsed, cpu, peak = run(command, data_dir, args.workers)
                times[name].append(elapsed)
                cpus[name].append(cpu)
                peaks[name].append(peak)
                print(f"repeat {repeat + 1}: {name}: {elapsed:.1f} s, CPU {cpu:.1f} s, peak {peak / 2**20:.0f} MiB", file=sys.stderr)
            ratios.append(times["store path"][-1] / (times["ingest"][-1] + times["analyze"][-1]))
            cpu_ratios.append(cpus["store path"][-1] / (cpus["ingest"][-1] + cpus["analyze"][-1]))
        print("| command | median wall s | docs/s | median CPU s | peak MiB |\n|---|---|---|---|---|")
        for name, values in times.items():
            median = statistics.median(values)
            cpu = statistics.median(cpus[name])
            peak = statistics.median(peaks[name]) / 2**20
            print(f"| {name} | {median:.1f} | {docs / median:,.0f} | {cpu:.1f} | {peak:,.0f} |")
        print(f"store path / (ingest + analyze): median {statistics.median(ratios):.2f} "
              f"(pairs: {', '.join(f'{r:.2f}' for r in ratios)}; goal <= 1.3)")
        print(f"the same in CPU seconds: median {statistics.median(cpu_ratios):.2f} "
              f"(pairs: {', '.join(f'{r:.2f}' for r in cpu_ratios)})")


if __name__ == "__main__":
    main()

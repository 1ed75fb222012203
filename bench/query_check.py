"""Benchmark of search-query checking: in-process queries/s on one core, and HTTP latency.

    .venv/bin/python bench/query_check.py            # both
    .venv/bin/python bench/query_check.py --no-http  # in-process only

In-process figures (single thread, per second of CPU time, so per core):
- ``unique``: 200,000 distinct queries built from the words of the labelled sets (each
  query is new, so the per-query cache never hits; words repeat, as in real traffic);
- ``stream``: the same number drawn Zipf-like from 20,000 distinct queries (what a
  provider sees: popular queries repeat);
- ``cold``: the first pass over the labelled queries on a fresh classifier (every word
  new, includes typo look-ups).
HTTP: ``GET /api/v1/query-check?q=`` on the real app under uvicorn on 127.0.0.1, one
client on a keep-alive connection, p50/p99 over 2,000 requests after 200 warm-up ones;
then 20 concurrent clients (``c20_*``, distinct queries) against the trivial ``/help/en``
page of the same app in turns, and the ratio of their p99s (goal: at most 2).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from vigil.safeguard.classifier import QueryClassifier, load_default_rules
from vigil.safeguard.lexicon import load_default_lexicons
from vigil.safeguard.model import QueryModel

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
MODEL = ROOT / "src" / "vigil" / "safeguard" / "data" / "query_model.json"


def labelled_queries() -> list[str]:
    rows = []
    for name in ("queries_labelled.jsonl", "queries_heldout.jsonl"):
        rows += [json.loads(line)["query"] for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
    return rows


def fresh(with_model: bool = True) -> QueryClassifier:
    """A new classifier (empty caches): the shipped rules and model, or the rules alone."""
    model = QueryModel(json.loads(MODEL.read_text(encoding="utf-8"))) if with_model else None
    return QueryClassifier(load_default_lexicons(), load_default_rules(), model=model)


def rate(classifier: QueryClassifier, queries: list[str]) -> float:
    """Queries per second of CPU time of this (single-threaded) process: per core, and
    not inflated by other processes competing for the cores."""
    start = time.process_time()
    for query in queries:
        classifier.classify(query)
    return len(queries) / (time.process_time() - start)


def in_process(n: int = 200_000) -> dict[str, float]:
    """Rules alone (``rules_*``), then rules and model (the shipped classifier), on the
    same queries in the same run, and the ratio of the distinct-query rates."""
    rules = _in_process(n, with_model=False)
    both = _in_process(n, with_model=True)
    return {
        **{f"rules_{k}": v for k, v in rules.items()},
        **both,
        "unique_ratio_after_before": both["unique_qps"] / rules["unique_qps"],
    }


def _in_process(n: int, with_model: bool) -> dict[str, float]:
    rng = random.Random(7)
    base = labelled_queries()
    words = [w for q in base for w in q.split()]
    unique = list({" ".join(rng.choice(words) for _ in range(rng.randint(2, 5))) for _ in range(int(n * 1.1))})[:n]
    pool = unique[:20_000]
    weights = [1 / (i + 1) for i in range(len(pool))]
    stream = rng.choices(pool, weights=weights, k=n)
    out = {"cold_labelled_qps": rate(fresh(with_model), base)}
    warm = fresh(with_model)
    rate(warm, base)  # warm the word cache on a small set
    warm.warm()  # and load the language model, which no labelled query needs
    out["unique_qps"] = rate(warm, unique)
    out["stream_qps"] = rate(fresh(with_model), stream)
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


SERVER = """
import sys, uvicorn
from vigil.settings import load_settings
from vigil.store import Store
from vigil.web import auth
from vigil.web.app import create_app
settings = load_settings(data_dir=sys.argv[1], database_url="")
store = Store.open(settings)
with store.session() as session:
    user = auth.create_user(session, "bench-partner", "partner", "correct-horse-battery")
    _row, key = auth.create_api_key(session, user, "bench")
open(sys.argv[1] + "/key", "w").write(key)
uvicorn.run(create_app(settings, store=store), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def http(requests: int = 2000, warmup: int = 200, clients: int = 20) -> dict[str, float]:
    import httpx

    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen([sys.executable, "-c", SERVER, tmp, str(port)])
        try:
            key_file = Path(tmp) / "key"
            deadline = time.time() + 60
            with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
                while True:
                    try:
                        if key_file.exists() and client.get("/help").status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    if time.time() > deadline:
                        raise RuntimeError("server did not start")
                    time.sleep(0.2)
                headers = {"Authorization": f"Bearer {key_file.read_text()}"}
                queries = labelled_queries()
                timings = _timed(
                    client,
                    warmup,
                    requests,
                    lambda i: ("/api/v1/query-check", {"q": queries[i % len(queries)]}),
                    headers,
                )
                # The same app answering a public page without authentication: the floor
                # that the server stack and this machine set for any route.
                floor = _timed(client, warmup, requests, lambda i: ("/help/en", {}), {})
                concurrent = asyncio.run(_concurrent(f"http://127.0.0.1:{port}", headers, queries, clients))
        finally:
            server.terminate()
            server.wait(10)
    return {
        "http_p50_ms": statistics.median(timings),
        "http_p99_ms": timings[int(len(timings) * 0.99) - 1],
        "http_max_ms": timings[-1],
        "floor_help_page_p50_ms": statistics.median(floor),
        "floor_help_page_p99_ms": floor[int(len(floor) * 0.99) - 1],
        **concurrent,
    }


async def _concurrent(base: str, headers: dict[str, str], queries: list[str], clients: int) -> dict[str, float]:
    """``clients`` concurrent keep-alive clients, each sending distinct queries, then the
    same clients on the trivial page, in turns (query, page, query, page), so both see the
    same load; p99 over all requests of each kind after a warm-up round."""
    import httpx

    rounds, per_client = 4, 50
    timings: dict[str, list[float]] = {"query": [], "page": []}
    async with httpx.AsyncClient(base_url=base, limits=httpx.Limits(max_connections=clients)) as client:

        async def one(kind: str, worker: int, round_: int, keep: bool) -> None:
            for i in range(per_client):
                if kind == "query":
                    n = (round_ * clients + worker) * per_client + i
                    path, params, head = "/api/v1/query-check", {"q": f"{queries[n % len(queries)]} {n}"}, headers
                else:
                    path, params, head = "/help/en", {}, {}
                start = time.perf_counter()
                response = await client.get(path, params=params, headers=head)
                elapsed = (time.perf_counter() - start) * 1000
                if response.status_code != 200:
                    raise RuntimeError(response.text)
                if keep:
                    timings[kind].append(elapsed)

        for round_ in range(rounds + 1):
            for kind in ("query", "page"):
                await asyncio.gather(*(one(kind, w, round_, round_ > 0) for w in range(clients)))
    query, page = sorted(timings["query"]), sorted(timings["page"])
    p99 = {kind: values[int(len(values) * 0.99) - 1] for kind, values in (("query", query), ("page", page))}
    return {
        f"c{clients}_query_p50_ms": statistics.median(query),
        f"c{clients}_query_p99_ms": p99["query"],
        f"c{clients}_page_p50_ms": statistics.median(page),
        f"c{clients}_page_p99_ms": p99["page"],
        f"c{clients}_p99_ratio": p99["query"] / p99["page"],
    }


def _timed(client: Any, warmup: int, requests: int, target: Any, headers: dict[str, str]) -> list[float]:
    timings = []
    for i in range(warmup + requests):
        path, params = target(i)
        start = time.perf_counter()
        response = client.get(path, params=params, headers=headers)
        elapsed = time.perf_counter() - start
        if response.status_code != 200:
            raise RuntimeError(response.text)
        if i >= warmup:
            timings.append(elapsed * 1000)
    return sorted(timings)


def calibration() -> float:
    """Nanoseconds per dict lookup in a Python loop: ~30-40 on an idle modern core; higher
    means the machine is shared or throttled, and every figure above scales with it."""
    table = {str(i): i for i in range(1000)}
    keys = [str(i % 1000) for i in range(1_000_000)]
    start = time.process_time()
    for key in keys:
        table.get(key)
    return (time.process_time() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP measurement")
    args = parser.parse_args()
    figures = {"calibration_dict_get_ns": calibration(), **in_process()}
    if not args.no_http:
        figures.update(http())
    for name, value in figures.items():
        print(f"{name:24s} {value:12,.1f}")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()

"""Web load: latency of analysts browsing and searching, without and then with one adversarial client.

    .venv/bin/python bench/load.py [--documents 3000] [--clients 50] [--duration 20] [--warmup 3]
                                   [--database-url URL] [--data-dir DIR] [--json]

A temporary store gets the synthetic demo corpus (ingested, analysed, linked, with trends),
hostile documents (40 KB of ``"a." * 20000 + "@"``, ``"1" + "O" * 40000`` and the like,
ingested and analysed like any other) and an analyst with an API key. A real ``vigil serve``
(uvicorn, one process) serves it on a free local port. Then ``--clients`` analysts browse and
search for ``--duration`` seconds (document list, search, document pages, networks, through
pages and the JSON API), first alone, then beside one adversarial client that keeps
requesting the hostile documents' pages, searches at the length limit and far past it, and
sends large bodies. Printed: p50/p95/p99 of the analysts in each phase, the ratio of the two
p99s (goal: under 3, measured in the same run), and the adversary's own latencies and errors.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from vigil.demo import generate_corpus
from vigil.demo.load import load_demo
from vigil.settings import Settings, load_settings
from vigil.store import Store
from vigil.web.auth import demo_accounts

GOAL_P99_RATIO = 3.0
SEED = 20260312
DEMO_WEEKS = 26
#: The demo generator writes at least this many documents per ad slot (ads, benign posts, networks).
DOCUMENTS_PER_AD = 1.2
#: How long the server may take to come up (migrations, pipeline loading).
STARTUP_SECONDS = 60.0
#: A request that takes longer counts as an error (a client would have given up).
CLIENT_TIMEOUT_SECONDS = 30.0
ANALYST = "load-analyst"

#: Hostile documents: long runs that drive naive e-mail, phone and tokenizer patterns super-linear.
HOSTILE_TEXTS = {
    "hostile-dots-at": "a." * 20_000 + "@",
    "hostile-one-ohs": "1" + "O" * 40_000,
    "hostile-spaced-digits": "+3 8 " * 8_000,
    "hostile-at-runs": "x@" * 20_000,
}
#: Search text at the API's length limit, built from the same hostile runs.
AT_LIMIT = ["a." * 249 + "@", "1" + "O" * 499, '"' * 500, "a* " * 166]
HUGE_QUERY = "a." * 20_000 + "@"
LARGE_BODY = json.dumps({"queries": ["1" + "O" * 40_000] * 25})
#: The most work one valid query-check request may ask for: 1000 different queries of 1000 letters.
_LETTERS = random.Random(SEED)
DISTINCT_QUERIES = json.dumps(
    {"queries": [" ".join("".join(_LETTERS.choices("abcdefghijklmnopqrstuvwxyz", k=9)) for _ in range(100)) for _ in range(1000)]}
)


@dataclass
class Target:
    """What the clients browse: pages and API routes that exist in the seeded store."""

    documents: list[int]
    hostile: list[int]
    clusters: list[str]
    words: list[str]
    api_key: str


@dataclass
class Tally:
    """Latencies (seconds) and errors of one kind of client, per request kind."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)

    def add(self, kind: str, seconds: float, outcome: str | None) -> None:
        self.latencies[kind].append(seconds)
        if outcome is not None:
            self.errors[f"{kind}: {outcome}"] += 1

    def all_latencies(self) -> list[float]:
        return [value for values in self.latencies.values() for value in values]


def percentiles(values: list[float]) -> dict[str, float]:
    """p50/p95/p99/max in milliseconds (nearest-rank on the sorted values)."""
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))] * 1000

    return {"n": len(ordered), "p50": rank(50), "p95": rank(95), "p99": rank(99), "max": ordered[-1] * 1000}


# --- the store -------------------------------------------------------------------------


def seed_store(settings: Settings, documents: int) -> Target:
    """The demo corpus cut to ``documents``, the hostile documents, and an analyst's API key."""
    from vigil.link.models import LinkDocument
    from vigil.store.models import DocumentRow
    from vigil.web import auth, security

    ads_per_week = max(1, math.ceil(documents / DEMO_WEEKS / DOCUMENTS_PER_AD))
    corpus = generate_corpus(seed=SEED, weeks=DEMO_WEEKS, ads_per_week=ads_per_week)
    # The hostile documents go through the same ingest and processing as the corpus.
    hostile = [{"id": key, "text": text, "kind": "sex_ad"} for key, text in HOSTILE_TEXTS.items()]
    corpus.documents = corpus.documents[:documents] + hostile
    load_demo(settings, corpus, SEED, demo_accounts())
    with Store.open(settings) as store, store.session() as session:
        user = auth.create_user(session, ANALYST, "analyst", security.new_password())
        _row, key = auth.create_api_key(session, user, "load")
        rows = session.execute(sa.select(DocumentRow.pk, DocumentRow.doc_id, DocumentRow.text)).all()
        clusters = session.scalars(
            sa.select(sa.distinct(LinkDocument.cluster)).where(LinkDocument.cluster.is_not(None))
        ).all()
    rng = random.Random(SEED)
    normal = [row for row in rows if row.doc_id not in HOSTILE_TEXTS]
    words = sorted({word for row in rng.sample(normal, min(200, len(normal))) for word in row.text.split() if word.isalpha() and len(word) > 3})
    return Target(
        documents=[row.pk for row in normal],
        hostile=[row.pk for row in rows if row.doc_id in HOSTILE_TEXTS],
        clusters=[str(cluster) for cluster in clusters],
        words=words,
        api_key=key,
    )


# --- the server ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(settings: Settings, port: int, log: Path) -> subprocess.Popen[bytes]:
    """``vigil serve`` on the seeded store, in its own process group; returns once it answers."""
    env = {
        **os.environ,
        "VIGIL_DATA_DIR": str(settings.data_dir),
        "VIGIL_DATABASE_URL": settings.database_url or "",
        "VIGIL_LOG_LEVEL": "WARNING",
    }
    vigil = Path(sys.executable).with_name("vigil")
    command = [str(vigil), "serve", "--host", "127.0.0.1", "--port", str(port), "--insecure-cookies"]
    with log.open("wb") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"vigil serve exited with {server.returncode}; see {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1.0).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"vigil serve did not answer within {STARTUP_SECONDS:.0f} s; see {log}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --- the clients -----------------------------------------------------------------------

Request = tuple[str, str, str, dict[str, Any]]  # kind, method, path, httpx options


def analyst_request(rng: random.Random, target: Target) -> Request:
    """One step of an analyst's browsing: lists, searches, document pages, networks."""
    word = rng.choice(target.words) if target.words else "work"
    choice = rng.randrange(8)
    if choice == 0:
        return "document list", "GET", "/documents", {"params": {"page": rng.randint(1, 5)}}
    if choice == 1:
        return "search page", "GET", "/documents", {"params": {"q": word}}
    if choice == 2:
        return "search api", "GET", "/api/v1/documents", {"params": {"q": word, "sort": "relevance"}}
    if choice in (3, 4):
        return "document page", "GET", f"/documents/{rng.choice(target.documents)}", {}
    if choice == 5:
        return "document api", "GET", f"/api/v1/documents/{rng.choice(target.documents)}", {}
    if target.clusters:
        return "network page", "GET", f"/networks/{rng.choice(target.clusters)}", {}
    return "network list", "GET", "/networks", {}


def adversary_requests(target: Target) -> list[Request]:
    """The adversary's round: hostile pages, searches at and past the limit, large bodies."""
    json_body = {"headers": {"Content-Type": "application/json"}}
    round_: list[Request] = []
    for pk in target.hostile:
        round_.append(("hostile document page", "GET", f"/documents/{pk}", {}))
        round_.append(("hostile document api", "GET", f"/api/v1/documents/{pk}", {}))
    # The costliest requests early in the round, so a short phase still sends them.
    round_.append(("10 MB body", "POST", "/api/v1/query-check", {"content": b"[" * 10_000_000, **json_body}))
    round_.append(("1000 distinct queries", "POST", "/api/v1/query-check", {"content": DISTINCT_QUERIES, **json_body}))
    round_.append(("large body", "POST", "/api/v1/query-check", {"content": LARGE_BODY, **json_body}))
    round_.append(("huge query string", "GET", "/api/v1/documents", {"params": {"q": HUGE_QUERY}}))
    round_.append(("huge query string page", "GET", "/documents", {"params": {"q": HUGE_QUERY}}))
    for text in AT_LIMIT:
        round_.append(("search at the limit", "GET", "/api/v1/documents", {"params": {"q": text, "sort": "relevance"}}))
        round_.append(("search page at the limit", "GET", "/documents", {"params": {"q": text}}))
    return round_


async def timed(client: httpx.AsyncClient, tally: Tally, request: Request) -> None:
    kind, method, path, options = request
    started = time.perf_counter()
    outcome: str | None
    try:
        response = await client.request(method, path, **options)
        outcome = None if response.status_code < 400 else str(response.status_code)
        if response.status_code < 500 and kind.startswith(("huge", "10 MB", "large", "1000 distinct")):
            outcome = None  # refusing hostile input with a 4xx is the right answer
    except httpx.HTTPError as exc:
        outcome = type(exc).__name__
    tally.add(kind, time.perf_counter() - started, outcome)


async def client_loop(base_url: str, api_key: str, until: float, step: Callable[[], Request], tally: Tally) -> None:
    headers = {"X-API-Key": api_key}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=CLIENT_TIMEOUT_SECONDS) as client:
        while time.monotonic() < until:
            await timed(client, tally, step())


def _analyst_steps(rng: random.Random, target: Target) -> Callable[[], Request]:
    return lambda: analyst_request(rng, target)


async def phase(base_url: str, target: Target, clients: int, seconds: float, adversary: bool) -> tuple[Tally, Tally]:
    """``clients`` analysts (and perhaps the adversary) for ``seconds``; (analysts, adversary) tallies."""
    analysts, hostile = Tally(), Tally()
    until = time.monotonic() + seconds
    tasks: list[Awaitable[None]] = []
    for number in range(clients):
        rng = random.Random(SEED + number)
        tasks.append(client_loop(base_url, target.api_key, until, _analyst_steps(rng, target), analysts))
    if adversary:
        rounds = itertools.cycle(adversary_requests(target))
        tasks.append(client_loop(base_url, target.api_key, until, lambda: next(rounds), hostile))
    await asyncio.gather(*tasks)
    return analysts, hostile


async def warm_up(base_url: str, target: Target) -> None:
    """Every kind of request once, unmeasured, so lazy loads at first use do not count as load."""
    rng = random.Random(SEED)
    steps = {request[0]: request for request in (analyst_request(rng, target) for _ in range(200))}
    async with httpx.AsyncClient(
        base_url=base_url, headers={"X-API-Key": target.api_key}, timeout=CLIENT_TIMEOUT_SECONDS
    ) as client:
        for request in [*steps.values(), *adversary_requests(target)]:
            await timed(client, Tally(), request)


# --- the run ---------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="vigil-load-"))
    settings = load_settings(data_dir=data_dir, database_url=args.database_url or "", workers=args.workers)
    started = time.perf_counter()
    target = seed_store(settings, args.documents)
    seeded = time.perf_counter() - started
    port = free_port()
    server = start_server(settings, port, data_dir / "serve.log")
    base_url = f"http://127.0.0.1:{port}"
    try:
        asyncio.run(warm_up(base_url, target))
        if args.warmup > 0:
            asyncio.run(phase(base_url, target, args.clients, args.warmup, adversary=False))
        alone, _ = asyncio.run(phase(base_url, target, args.clients, args.duration, adversary=False))
        beside, adversary = asyncio.run(phase(base_url, target, args.clients, args.duration, adversary=True))
    finally:
        stop_server(server)
    without, with_ = percentiles(alone.all_latencies()), percentiles(beside.all_latencies())
    ratio = with_["p99"] / without["p99"] if without.get("p99") and with_.get("p99") else None
    return {
        "documents": len(target.documents) + len(target.hostile),
        "seed_seconds": round(seeded, 1),
        "clients": args.clients,
        "duration_seconds": args.duration,
        "database": "postgresql" if args.database_url else "sqlite",
        "analysts_without_adversary": {**without, "errors": dict(alone.errors)},
        "analysts_with_adversary": {**with_, "errors": dict(beside.errors)},
        "p99_ratio": ratio,
        "goal_p99_ratio": GOAL_P99_RATIO,
        "goal_met": ratio is not None and ratio < GOAL_P99_RATIO,
        "analysts_by_kind_with_adversary": {kind: percentiles(values) for kind, values in beside.latencies.items()},
        "adversary": {kind: percentiles(values) for kind, values in adversary.latencies.items()},
        "adversary_errors": dict(adversary.errors),
    }


def _ms(figures: dict[str, Any]) -> str:
    if not figures.get("n"):
        return "no requests"
    return (
        f"n={figures['n']:>6}  p50={figures['p50']:8.1f} ms  p95={figures['p95']:8.1f} ms  "
        f"p99={figures['p99']:8.1f} ms  max={figures['max']:8.1f} ms"
    )


def report(result: dict[str, Any]) -> list[str]:
    lines = [
        f"{result['documents']} documents on {result['database']} (seeded in {result['seed_seconds']} s); "
        f"{result['clients']} analysts, {result['duration_seconds']} s per phase",
        f"analysts without adversary  {_ms(result['analysts_without_adversary'])}",
        f"analysts with adversary     {_ms(result['analysts_with_adversary'])}",
    ]
    ratio = result["p99_ratio"]
    verdict = "met" if result["goal_met"] else "NOT met"
    shown = f"{ratio:.2f}" if ratio is not None else "n/a"
    lines.append(f"p99 with / without: {shown} (goal < {result['goal_p99_ratio']:.0f}: {verdict})")
    for name in ("analysts_without_adversary", "analysts_with_adversary"):
        errors = sum(result[name]["errors"].values())
        lines.append(f"analyst errors {name.removeprefix('analysts_').replace('_', ' ')}: {errors} {result[name]['errors'] or ''}")
    lines.append("analysts by request, with adversary:")
    lines += [f"  {kind:<28}{_ms(figures)}" for kind, figures in sorted(result["analysts_by_kind_with_adversary"].items())]
    lines.append("adversary by request:")
    lines += [f"  {kind:<28}{_ms(figures)}" for kind, figures in sorted(result["adversary"].items())]
    lines.append(f"adversary errors: {sum(result['adversary_errors'].values())} {result['adversary_errors'] or ''}")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=3000, help="Synthetic demo documents in the store.")
    parser.add_argument("--clients", type=int, default=50, help="Concurrent analysts.")
    parser.add_argument("--duration", type=float, default=20.0, help="Seconds per phase.")
    parser.add_argument("--warmup", type=float, default=3.0, help="Seconds of unmeasured browsing first.")
    parser.add_argument("--database-url", default=None, help="An empty PostgreSQL database (default: SQLite in the data dir).")
    parser.add_argument("--workers", type=int, default=0, help="Processes that analyse the corpus (0: one per core).")
    parser.add_argument("--data-dir", type=Path, default=None, help="Where the store goes (default: a temp dir).")
    parser.add_argument("--json", action="store_true", help="Print one JSON object instead of lines.")
    args = parser.parse_args(argv)
    result = run(args)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print("\n".join(report(result)))


if __name__ == "__main__":
    main()

"""No accepted report is lost: concurrent submitters against a real ``vigil serve``, then a check
that every ``201`` receipt is in the store exactly once.

    .venv/bin/python bench/reports.py [--clients 50] [--duration 60] [--postgres URL]

Each submitter posts synthetic notices to ``POST /api/v1/reports`` as fast as answers come
(a quarter of them name a URL other submitters also report, so item merging is under
contention; every tenth carries an ``Idempotency-Key`` and is sent twice). The server runs
as its own process on SQLite (and PostgreSQL when ``--postgres`` or
``VIGIL_TEST_POSTGRES_URL`` names a server), with the per-client rate limit lifted because
all submitters share one address. Prints reports per second, latency percentiles, the
status codes seen, and the store check.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
VIGIL = [sys.executable, "-m", "vigil.cli"]


def percentiles(values: list[float]) -> dict[str, float]:
    """Nearest-rank percentiles in milliseconds."""
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def rank(p: float) -> float:
        index = max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 100)) - 1))
        return ordered[index] * 1000

    return {"n": len(ordered), "p50": rank(50), "p95": rank(95), "p99": rank(99), "max": ordered[-1] * 1000}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(data_dir: Path, database_url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "VIGIL_REPORTS_RATE_LIMIT": "100000000", "VIGIL_LOG_LEVEL": "WARNING"}
    base = [*VIGIL, "--data-dir", str(data_dir), "--database-url", database_url]
    subprocess.run([*base, "db", "upgrade"], check=True, env=env, capture_output=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / "serve.log"
    with log.open("wb") as handle:
        server = subprocess.Popen([*base, "serve", "--host", "127.0.0.1", "--port", str(port), "--insecure-cookies"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=handle)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"vigil serve stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("vigil serve did not answer within 60 s")


def notice(worker: int, n: int) -> dict[str, Any]:
    shared = n % 4 == 0
    url = f"https://ads.example.org/shared/{n % 10}" if shared else f"https://ads.example.org/w{worker}/{n}"
    return {"category": ("trafficking", "forced_labour", "sexual_exploitation", "other")[n % 4], "urls": [url],
            "explanation": f"Synthetic benchmark notice {worker}-{n}: a job offer abroad asking for a fee.",
            "good_faith": True, "language": "uk", "immediate_danger": n % 17 == 0}


def run_submitters(base_url: str, clients: int, duration: float) -> tuple[list[str], list[float], Counter[str]]:
    receipts: list[str] = []
    latencies: list[float] = []
    codes: Counter[str] = Counter()
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def submit(worker: int) -> None:
        with httpx.Client(base_url=base_url, timeout=30) as http:
            n = 0
            while time.monotonic() < stop_at:
                body = notice(worker, n)
                key = f"bench-{worker}-{n}-{uuid.uuid4().hex[:8]}" if n % 10 == 0 else None
                for _attempt in range(2 if key else 1):
                    started = time.perf_counter()
                    try:
                        response = http.post("/api/v1/reports", json=body, headers={"Idempotency-Key": key} if key else {})
                    except httpx.HTTPError as exc:
                        with lock:
                            codes[exc.__class__.__name__] += 1
                        continue
                    elapsed = time.perf_counter() - started
                    with lock:
                        codes[str(response.status_code)] += 1
                        latencies.append(elapsed)
                        if response.status_code == 201:
                            receipts.append(response.json()["receipt"])
                n += 1

    threads = [threading.Thread(target=submit, args=(w,)) for w in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return receipts, latencies, codes


def check_store(database_url: str, receipts: list[str]) -> dict[str, int]:
    """How many distinct accepted receipts are missing from the store, or stored more than once."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            stored = Counter(row[0] for row in conn.execute(sa.text("SELECT receipt FROM reports")))
    finally:
        engine.dispose()
    accepted = set(receipts)
    return {
        "accepted": len(receipts),
        "distinct": len(accepted),
        "stored": sum(stored.values()),
        "missing": sum(1 for r in accepted if stored[r] == 0),
        "duplicated": sum(1 for r in accepted if stored[r] > 1),
    }


def measure(label: str, data_dir: Path, database_url: str, clients: int, duration: float) -> dict[str, int]:
    port = free_port()
    server = start_server(data_dir, database_url, port)
    try:
        started = time.perf_counter()
        receipts, latencies, codes = run_submitters(f"http://127.0.0.1:{port}", clients, duration)
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures = percentiles(latencies)
    check = check_store(database_url, receipts)
    print(f"{label}: {clients} submitters for {duration:g} s")
    print(f"  reports/s: {len(receipts) / wall:.1f} (201 answers {len(receipts)}, wall {wall:.1f} s)")
    if figures["n"]:
        print(f"  latency ms: p50 {figures['p50']:.1f}  p95 {figures['p95']:.1f}  p99 {figures['p99']:.1f}  max {figures['max']:.1f}")
    print(f"  status codes: {dict(sorted(codes.items()))}")
    print(f"  store check: {check}")
    ok = check["missing"] == 0 and check["duplicated"] == 0 and check["stored"] == check["distinct"]
    print(f"  every 201 stored exactly once: {'yes' if ok else 'NO'}")
    return check


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--postgres", default=os.environ.get("VIGIL_TEST_POSTGRES_URL"))
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    failed = False
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = args.data_dir or Path(scratch)
        sqlite_dir = data_dir / "sqlite" / "vigil-data"
        sqlite_dir.mkdir(parents=True, exist_ok=True)
        check = measure("SQLite", sqlite_dir, f"sqlite:///{sqlite_dir / 'vigil.db'}", args.clients, args.duration)
        failed |= bool(check["missing"] or check["duplicated"])
        if args.postgres:
            admin = sa.create_engine(args.postgres.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
            name = f"vigil_bench_{uuid.uuid4().hex[:10]}"
            with admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            url = admin.url.set(database=name).render_as_string(hide_password=False)
            try:
                check = measure("PostgreSQL", data_dir / "pg", url, args.clients, args.duration)
                failed |= bool(check["missing"] or check["duplicated"])
            finally:
                with admin.connect() as conn:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Ingest throughput: documents per second into SQLite and PostgreSQL, as a ratio to parsing.

    .venv/bin/python bench/ingest.py [--docs 100000] [--repeats 3] [--postgres URL] [--baseline SRC]

The floor is merely reading and parsing the same JSONL file (``json.loads`` per line); the
ratio is ingest time / parse time, medians over the repeats, measured in the same run.
PostgreSQL is measured when ``--postgres`` or ``VIGIL_TEST_POSTGRES_URL`` names a server
(a fresh database is created and dropped for each repeat).

``--baseline SRC`` also measures the ``vigil`` package under SRC (another checkout's ``src``,
e.g. ``git archive COMMIT src | tar -x -C /tmp/before``), interleaved with this one in every
repeat, so a change is compared under the same load; each ingest's floor is the median of
three parses timed just before it. Each ingest then runs in a process of
its own (timed inside it, the interpreter's start-up left out), the parse floor between them.
Ingest uses the settings' defaults (a process pool of one worker per core). With a PostgreSQL
server on this machine, the comparison also prints the server's own CPU seconds per ingest
(its processes read from ``/proc``): on two cores the server's work and the client's share the
same processors, so both sides' CPU is what the wall time is made of.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from vigil.demo import generate_corpus, write_jsonl
from vigil.documents import parse_document
from vigil.ingest import ingest_input
from vigil.settings import load_settings
from vigil.store import Store


def make_input(path: Path, docs: int) -> None:
    weeks = max(4, docs // 120 + 1)
    corpus = generate_corpus(seed=7, weeks=weeks, networks=0)
    corpus.documents = corpus.documents[:docs]
    write_jsonl(corpus, path)


def parse_only(path: Path) -> float:
    start = time.perf_counter()
    with path.open("rb") as handle:
        for line in handle:
            json.loads(line)
    return time.perf_counter() - start


#: Parses timed before each ingest in ``--baseline`` runs, their median the pair's floor: one
#: parse takes well under a second, and on a shared machine a single one moved by half
#: between pairs (0.5 to 1.0 s per 100,000 ads), which moved the pair's ratio with it.
FLOOR_PARSES = 3


def parse_floor(path: Path) -> tuple[float, float]:
    """Median wall and CPU seconds of :data:`FLOOR_PARSES` parses run one after the other."""
    walls, cpus = [], []
    for _ in range(FLOOR_PARSES):
        cpu_start = time.process_time()
        walls.append(parse_only(path))
        cpus.append(time.process_time() - cpu_start)
    return statistics.median(walls), statistics.median(cpus)


def parse_and_validate(path: Path) -> float:
    start = time.perf_counter()
    with path.open("rb") as handle:
        for line in handle:
            parse_document(json.loads(line))
    return time.perf_counter() - start


#: Full-text index maintenance, dropped for the "store only" rows to show what it costs.
SEARCH_INDEX_DDL = {
    "sqlite": "DROP TRIGGER IF EXISTS documents_fts_ai",
    "postgresql": "DROP INDEX IF EXISTS ix_documents_fulltext",
}


def ingest_once(path: Path, data_dir: Path, url: str | None, search_index: bool = True) -> float:
    return ingest_timed(path, data_dir, url, search_index)[0]


def ingest_timed(
    path: Path, data_dir: Path, url: str | None, search_index: bool = True
) -> tuple[float, float, float | None]:
    """Wall and CPU seconds of one ingest (CPU of this process and of its finished children, the
    decoding pool), and the PostgreSQL server's CPU seconds when :class:`ServerCpu` can read them."""
    settings = load_settings(data_dir=data_dir, database_url=url or "")
    with Store.open(settings) as store:
        if not search_index:
            with store.engine.begin() as conn:
                conn.execute(sa.text(SEARCH_INDEX_DDL[store.dialect]))
        server = ServerCpu(url) if store.dialect == "postgresql" else None
        cpu_start = _cpu_seconds()
        start = time.perf_counter()
        with server or contextlib.nullcontext():
            report = ingest_input(store, path)
        elapsed = time.perf_counter() - start
        cpu = _cpu_seconds() - cpu_start
    assert report.rejected == 0, report.errors[:3]
    return elapsed, cpu, None if server is None else server.seconds


class ServerCpu:
    """CPU seconds the PostgreSQL server's processes spend while the block runs, read from ``/proc``.

    Only for a server on this machine (``localhost``, ``127.0.0.1``, ``::1`` or a socket
    directory) whose processes ``/proc`` shows; otherwise :attr:`seconds` stays None. Every
    process named ``postgres`` counts (the ingest's backends and the server's own writers),
    read once before and once after the block: a backend or autovacuum worker that exits
    meanwhile is counted in its postmaster's CPU of waited-for children. (Sampling ``/proc``
    every 20 ms instead took 0.15 to 0.25 s of this process's CPU per ingest, from the
    ingest it measured.)
    """

    LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", ""})

    def __init__(self, url: str | None) -> None:
        host = (sa.engine.make_url(url).host or "") if url else None
        self.enabled = host is not None and (host in self.LOCAL_HOSTS or host.startswith("/")) and Path("/proc").is_dir()
        self.seconds: float | None = None
        self._first = 0.0

    @staticmethod
    def _postgres_cpu() -> float:
        """CPU seconds of the live ``postgres`` processes, plus those their postmasters waited for."""
        tick = os.sysconf("SC_CLK_TCK")
        found: dict[int, tuple[int, float, float]] = {}  # pid: (parent, own CPU, waited-for children's CPU)
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # the process ended meanwhile
                continue
            name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
            if name.startswith("postgres"):
                own = (int(fields[11]) + int(fields[12])) / tick
                found[int(entry.name)] = (int(fields[1]), own, (int(fields[13]) + int(fields[14])) / tick)
        # a postmaster is a postgres process whose parent is not one
        return sum(own + (children if parent not in found else 0.0) for parent, own, children in found.values())

    def __enter__(self) -> ServerCpu:
        if self.enabled:
            self._first = self._postgres_cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.seconds = self._postgres_cpu() - self._first


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def postgres_database(admin_url: str) -> tuple[str, sa.Engine, str]:
    name = f"vigil_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    return url, admin, name


def ingest_in_process(
    src: str | None, path: Path, data_dir: Path, url: str | None, search_index: bool
) -> tuple[float, float, float | None]:
    """Wall and CPU seconds (its workers included) of :func:`ingest_timed` in a fresh interpreter,
    and the server's CPU seconds (None where not measured).

    ``vigil`` is imported from ``src`` (None: this checkout).
    """
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = src
    command = [sys.executable, __file__, "--ingest-once", str(path), str(data_dir), url or "", str(int(search_index))]
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    wall, cpu, server = done.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu), None if server == "None" else float(server)


def compare(args: argparse.Namespace) -> None:
    """This checkout against ``--baseline``, interleaved: each ingest against the parse timed just before it
    (the median of :data:`FLOOR_PARSES`).

    Prints medians of seconds and of the ratios taken pair by pair, for wall time and for
    CPU time (the ingesting process and its workers), and the PostgreSQL server's CPU where
    :class:`ServerCpu` can read it (a server on this machine).
    """
    variants = {"before": args.baseline, "after": None}
    targets = [("SQLite", None)] + ([("PostgreSQL", args.postgres)] if args.postgres else [])
    rows: dict[str, list[tuple[float, float, float, float]]] = {}
    servers: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.jsonl"
        make_input(path, args.docs)
        docs = sum(1 for _ in path.open("rb"))
        print(f"input: {docs} synthetic documents, {path.stat().st_size / 1e6:.1f} MB", file=sys.stderr)
        print(f"load average at the start {' '.join(f'{v:.1f}' for v in os.getloadavg())}", file=sys.stderr)
        for repeat in range(args.repeats):
            for target, admin_url in targets:
                for variant, src in variants.items():
                    parse_wall, parse_cpu = parse_floor(path)
                    rows.setdefault("parse (json.loads)", []).append((parse_wall, parse_cpu, 1.0, 1.0))
                    label = f"{variant}: ingest into {target}"
                    if admin_url is None:
                        wall, cpu, server = ingest_in_process(src, path, Path(tmp) / f"{variant}-{repeat}", None, True)
                    else:
                        url, admin, name = postgres_database(admin_url)
                        try:
                            wall, cpu, server = ingest_in_process(src, path, Path(tmp) / "pg", url, True)
                        finally:
                            with admin.connect() as conn:
                                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                            admin.dispose()
                    rows.setdefault(label, []).append((wall, cpu, wall / parse_wall, cpu / parse_cpu))
                    if server is not None:
                        servers.setdefault(label, []).append(server)
                    print(
                        f"repeat {repeat + 1}: {label} {wall:.2f} s ({wall / parse_wall:.1f} x parse), "
                        f"CPU {cpu:.2f} s ({cpu / parse_cpu:.1f} x parse)"
                        + ("" if server is None else f", server CPU {server:.2f} s"),
                        file=sys.stderr,
                    )
    print(f"load average at the end {' '.join(f'{v:.1f}' for v in os.getloadavg())}", file=sys.stderr)
    print(f"{'stage':<36}{'wall s':>9}{'docs/s':>10}{'x parse':>9}{'CPU s':>8}{'x parse':>9}{'server CPU s':>14}")
    for name, values in rows.items():
        wall, cpu, wall_ratio, cpu_ratio = (statistics.median(column) for column in zip(*values, strict=True))
        server_text = f"{statistics.median(servers[name]):>14.2f}" if name in servers else f"{'-':>14}"
        print(f"{name:<36}{wall:>9.2f}{docs / wall:>10,.0f}{wall_ratio:>9.1f}{cpu:>8.2f}{cpu_ratio:>9.1f}{server_text}")


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--ingest-once":
        _flag, input_arg, data_dir_arg, url_arg, indexed_arg = sys.argv[1:]
        print(*ingest_timed(Path(input_arg), Path(data_dir_arg), url_arg or None, indexed_arg == "1"))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--postgres", default=os.environ.get("VIGIL_TEST_POSTGRES_URL"))
    parser.add_argument("--baseline", help="src directory of another checkout to compare against, interleaved")
    args = parser.parse_args()
    if args.baseline:
        compare(args)
        return

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.jsonl"
        make_input(path, args.docs)
        docs = sum(1 for _ in path.open("rb"))
        size_mb = path.stat().st_size / 1e6
        print(f"input: {docs} synthetic documents, {size_mb:.1f} MB", file=sys.stderr)
        parse = statistics.median(parse_only(path) for _ in range(args.repeats))
        validate = statistics.median(parse_and_validate(path) for _ in range(args.repeats))
        rows = [("parse (json.loads)", parse), ("parse + validate", validate)]
        for indexed in (True, False):
            label = "ingest into SQLite" + ("" if indexed else " (no FTS)")
            times = [ingest_once(path, Path(tmp) / f"sqlite-{indexed}-{i}", None, indexed) for i in range(args.repeats)]
            rows.append((label, statistics.median(times)))
        if args.postgres:
            for indexed in (True, False):
                pg_times = []
                for _ in range(args.repeats):
                    url, admin, name = postgres_database(args.postgres)
                    try:
                        pg_times.append(ingest_once(path, Path(tmp) / "pg", url, indexed))
                    finally:
                        with admin.connect() as conn:
                            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                        admin.dispose()
                label = "ingest into PostgreSQL" + ("" if indexed else " (no FTS)")
                rows.append((label, statistics.median(pg_times)))
        else:
            print("PostgreSQL skipped: pass --postgres URL or set VIGIL_TEST_POSTGRES_URL", file=sys.stderr)

    print(f"{'stage':<34}{'seconds':>10}{'docs/s':>12}{'x parse':>10}")
    for name, seconds in rows:
        print(f"{name:<34}{seconds:>10.2f}{docs / seconds:>12,.0f}{seconds / parse:>10.1f}")


if __name__ == "__main__":
    main()

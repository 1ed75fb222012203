"""Search latency over a large store: p50/p95 of ``search_documents`` on SQLite (FTS5) and PostgreSQL.

    .venv/bin/python bench/search.py [--docs 1000000] [--queries 300] [--backend sqlite|postgresql|both]
                                     [--postgres URL] [--data-dir DIR]

Synthetic documents (a Zipf vocabulary plus domain words planted at known rates, analyses,
indicators, platforms, languages and dates) are bulk-loaded straight into the migrated
schema: ``executemany`` on SQLite (the FTS5 triggers index each row as it lands) and
``COPY`` on PostgreSQL (the stored ``search_vector`` column fills in as rows land; its GIN index
is dropped for the load and built after, as a bulk import would). The load time is reported on its own. Then a fixed, seeded mix of
queries (single words from common to rare, phrases, prefixes, several words, filters with and
without text, later pages, each sort order) runs through :func:`vigil.search.search_documents`
exactly as the web app calls it: count (capped), page of hits, snippets, indicators.
PostgreSQL is measured when ``--postgres`` or ``VIGIL_TEST_POSTGRES_URL`` names a server (a
fresh database is created and dropped).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa

from vigil.search import SearchQuery, search_documents
from vigil.settings import load_settings
from vigil.store import Store

GOAL_P95_MS = 300.0
BATCH = 20_000
SEED = 20260301
START = datetime(2024, 1, 1, tzinfo=UTC)
DAYS = 730
PLATFORMS = [f"site{i:02d}.example" for i in range(20)]
KINDS = ["sex_ad", "job_ad", "forum_post", "social_post", "classified", "other"]
LANGS = ["uk", "ru", "pl", "en", "de", "cs", "ro"]
INDICATORS = [
    "third_party", "new_arrival", "movement", "youth", "nationality", "crisis_context", "language_barrier",
    "multiple_workers", "unsafe_services", "always_available", "high_pay_low_skill", "no_requirements",
    "travel_housing_provided", "upfront_fee", "document_retention", "messenger_only", "urgency",
    "appearance_requirements", "vague_employer", "targets_ukrainians", "high_risk_sector",
]
#: Domain words planted at known document frequencies, so queries span common to rare.
PLANTED = {"telegram": 0.08, "робота": 0.05, "warehouse": 0.02, "praca": 0.02, "visa": 0.005, "passport": 0.002,
           "zakwaterowanie": 0.0005, "kryptonite": 0.00002}
VOCABULARY = 50_000
SYLLABLES = ["ka", "ro", "mi", "ta", "ne", "lo", "pa", "vi", "so", "du", "re", "zo", "bi", "ga", "fe", "ju", "sha", "chi"]


def vocabulary(rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < VOCABULARY:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def generate(n: int) -> Iterator[tuple[dict[str, Any], str | None, float, list[str]]]:
    """(document row, risk level, score, indicators) for ``n`` synthetic documents, deterministic."""
    rng = random.Random(SEED)
    nprng = np.random.default_rng(SEED)
    words = vocabulary(rng)
    ranks = np.arange(1, VOCABULARY + 1)
    weights = 1.0 / ranks**1.07
    weights /= weights.sum()
    planted = list(PLANTED.items())
    for start in range(0, n, BATCH):
        size = min(BATCH, n - start)
        lengths = nprng.integers(15, 60, size)
        picks = nprng.choice(VOCABULARY, size=int(lengths.sum()), p=weights)
        offset = 0
        for i in range(size):
            body = [words[w] for w in picks[offset : offset + lengths[i]]]
            offset += int(lengths[i])
            for word, rate in planted:
                if rng.random() < rate:
                    body.insert(rng.randrange(len(body) + 1), word)
            pk = start + i + 1
            kind = rng.choice(KINDS)
            level = rng.choices(["high", "medium", "low", None], weights=[5, 20, 65, 10])[0]
            score = {"high": 0.8, "medium": 0.5, "low": 0.1, None: 0.0}[level] + rng.random() * 0.15
            indicators = rng.sample(INDICATORS, rng.choice([0, 0, 1, 1, 2, 3]))
            row = {
                "pk": pk,
                "doc_id": f"bench-{pk:07d}",
                "title": " ".join(body[:5]).capitalize() if rng.random() < 0.7 else None,
                "text": " ".join(body[5:] or body),
                "kind": kind,
                "platform": rng.choice(PLATFORMS),
                "lang": rng.choice(LANGS),
                "posted_at": START + timedelta(seconds=rng.randrange(DAYS * 86400)),
            }
            yield row, level, score if level else None, indicators


def batches(n: int) -> Iterator[list[tuple[dict[str, Any], str | None, float | None, list[str]]]]:
    batch: list[tuple[dict[str, Any], str | None, float | None, list[str]]] = []
    for item in generate(n):
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _source(store: Store) -> int:
    with store.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO sources (id, name, created_at) VALUES (1, 'bench', :now)"), {"now": START})
    return 1


def load_sqlite(store: Store, n: int) -> None:
    source = _source(store)
    created = START.strftime("%Y-%m-%d %H:%M:%S.%f")
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for batch in batches(n):
            cursor.executemany(
                "INSERT INTO documents (pk, source_id, doc_id, text, title, kind, platform, lang, posted_at, images, meta, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', '{}', ?)",
                [(r["pk"], source, r["doc_id"], r["text"], r["title"], r["kind"], r["platform"], r["lang"],
                  r["posted_at"].strftime("%Y-%m-%d %H:%M:%S.%f"), created) for r, _, _, _ in batch],
            )
            cursor.executemany(
                "INSERT INTO analyses (document_pk, lang, risk_score, risk_level, model, result, analyzed_at)"
                " VALUES (?, ?, ?, ?, 'bench', '{}', ?)",
                [(r["pk"], r["lang"], score, level, created) for r, level, score, _ in batch if level],
            )
            cursor.executemany(
                "INSERT INTO document_indicators (document_pk, indicator) VALUES (?, ?)",
                [(r["pk"], ind) for r, _, _, inds in batch for ind in inds],
            )
            raw.commit()
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def load_postgres(store: Store, n: int) -> None:
    source = _source(store)
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("DROP INDEX IF EXISTS ix_documents_fulltext")
        for batch in batches(n):
            with cursor.copy(  # type: ignore[attr-defined]
                "COPY documents (pk, source_id, doc_id, text, title, kind, platform, lang, posted_at, images, meta, created_at)"
                " FROM STDIN"
            ) as copy:
                for r, _, _, _ in batch:
                    copy.write_row((r["pk"], source, r["doc_id"], r["text"], r["title"], r["kind"], r["platform"], r["lang"],
                                    r["posted_at"], "[]", "{}", START))
            with cursor.copy(  # type: ignore[attr-defined]
                "COPY analyses (document_pk, lang, risk_score, risk_level, model, result, analyzed_at) FROM STDIN"
            ) as copy:
                for r, level, score, _ in batch:
                    if level:
                        copy.write_row((r["pk"], r["lang"], score, level, "bench", "{}", START))
            with cursor.copy("COPY document_indicators (document_pk, indicator) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for r, _, _, inds in batch:
                    for ind in inds:
                        copy.write_row((r["pk"], ind))
            raw.commit()
        # The same index as migration search_0001; built once after the load.
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("CREATE INDEX ix_documents_fulltext ON documents USING gin (search_vector)")
        cursor.execute("SELECT setval(pg_get_serial_sequence('documents', 'pk'), (SELECT max(pk) FROM documents))")
        raw.commit()
    finally:
        raw.close()
    # VACUUM cannot run inside a transaction.
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))


def query_mix(count: int) -> list[SearchQuery]:
    """A seeded mix of what analysts type: words common to rare, phrases, prefixes, filters, pages, sorts."""
    rng = random.Random(SEED + 1)
    vocab = vocabulary(random.Random(SEED))
    planted = list(PLANTED)
    queries: list[SearchQuery] = []
    for i in range(count):
        shape = i % 10
        word = rng.choice(planted)
        common = vocab[rng.randrange(0, 50)]
        mid = vocab[rng.randrange(50, 2000)]
        rare = vocab[rng.randrange(20_000, VOCABULARY)]
        day = date(2024, 1, 1) + timedelta(days=rng.randrange(DAYS - 60))
        if shape == 0:
            q = SearchQuery(text=word)
        elif shape == 1:
            q = SearchQuery(text=f"{word} {mid}")
        elif shape == 2:
            q = SearchQuery(text=f'"{common} {mid}"')
        elif shape == 3:
            q = SearchQuery(text=mid[:3] + "*", platform=rng.choice(PLATFORMS))
        elif shape == 4:
            q = SearchQuery(text=common, kind=rng.choice(KINDS), lang=rng.choice(LANGS))
        elif shape == 5:
            q = SearchQuery(text=rare)
        elif shape == 6:
            q = SearchQuery(indicator=rng.choice(INDICATORS), risk_level="high")
        elif shape == 7:
            q = SearchQuery(text=word, posted_from=day, posted_to=day + timedelta(days=30), sort="posted", page=rng.randint(1, 3))
        elif shape == 8:
            q = SearchQuery(platform=rng.choice(PLATFORMS), sort="risk", page=rng.randint(1, 5))
        else:
            q = SearchQuery(text=f"{word} -{common}", sort="relevance", risk_level=rng.choice(["high", "medium"]))
        queries.append(q)
    return queries


def describe(q: SearchQuery) -> str:
    parts = [f"text={q.text!r}"] if q.text else []
    parts += [f"{k}={v}" for k in ("platform", "kind", "lang", "indicator", "risk_level", "posted_from", "posted_to")
              if (v := getattr(q, k)) is not None]
    if q.sort != "newest":
        parts.append(f"sort={q.sort}")
    if q.page != 1:
        parts.append(f"page={q.page}")
    return " ".join(parts)


SHAPES = ("word", "word+word", "phrase", "prefix+platform", "word+kind+lang", "rare word", "indicator+risk",
          "word+dates, posted order", "platform, risk order", "word -word, relevance order, risk")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return round(ordered[int(fraction * (len(ordered) - 1))], 1)


def measure(store: Store, queries: list[SearchQuery], by_class: bool = False, plans: bool = False) -> dict[str, Any]:
    for q in queries[:20]:  # warm the caches as a running app would be
        search_documents(store, q)
    times: list[tuple[float, SearchQuery, int]] = []
    by_shape: dict[str, list[float]] = {shape: [] for shape in SHAPES}
    slowest_by_shape: dict[str, tuple[float, SearchQuery]] = {}
    for i, q in enumerate(queries):
        start = time.perf_counter()
        page = search_documents(store, q)
        elapsed = (time.perf_counter() - start) * 1000
        times.append((elapsed, q, page.total))
        shape = SHAPES[i % len(SHAPES)]
        by_shape[shape].append(elapsed)
        if elapsed > slowest_by_shape.get(shape, (0.0, q))[0]:
            slowest_by_shape[shape] = (elapsed, q)
    ms = [t for t, _, _ in times]
    slowest = sorted(times, key=lambda t: -t[0])[:5]
    if by_class:
        for shape, values in by_shape.items():
            if values:
                print(f"{shape:<42} p50 {_percentile(values, 0.5):>8.1f} ms   p95 {_percentile(values, 0.95):>8.1f} ms",
                      file=sys.stderr, flush=True)
    if plans and store.dialect == "postgresql":
        for shape, (elapsed, q) in slowest_by_shape.items():
            print(f"\n### {shape}: {describe(q)} ({elapsed:.0f} ms in the run)", file=sys.stderr)
            for plan in explain(store, q):
                print(f"\n{plan}", file=sys.stderr, flush=True)
    return {
        "queries": len(ms),
        "p50_ms": _percentile(ms, 0.5),
        "p95_ms": _percentile(ms, 0.95),
        "max_ms": round(max(ms), 1),
        "p50_ms_by_shape": {shape: _percentile(v, 0.5) for shape, v in by_shape.items() if v},
        "p95_ms_by_shape": {shape: _percentile(v, 0.95) for shape, v in by_shape.items() if v},
        "slowest": [{"ms": round(t, 1), "query": describe(q), "total": n} for t, q, n in slowest],
    }


def explain(store: Store, query: SearchQuery) -> list[str]:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of every statement ``search_documents`` runs for ``query`` (PostgreSQL)."""
    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        statements.append((statement, parameters))

    sa.event.listen(store.engine, "before_cursor_execute", capture)
    try:
        search_documents(store, query)
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", capture)
    plans: list[str] = []
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):  # the search's own SET LOCAL settings
                cursor.execute(statement, parameters)
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
        raw.rollback()
    finally:
        raw.close()
    return plans


def run(
    backend: str,
    url: str | None,
    docs: int,
    queries: int,
    data_dir: Path,
    skip_load: bool = False,
    by_class: bool = False,
    plans: bool = False,
) -> dict[str, Any]:
    settings = load_settings(data_dir=data_dir, database_url=url or "")
    store = Store.open(settings)
    try:
        load: dict[str, Any] = {"load_s": None}
        if not skip_load:
            start = time.perf_counter()
            (load_sqlite if backend == "sqlite" else load_postgres)(store, docs)
            load_s = time.perf_counter() - start
            load = {"load_s": round(load_s, 1), "load_docs_per_s": round(docs / load_s)}
        with store.session() as session:
            stored = int(session.scalar(sa.text("SELECT count(*) FROM documents")) or 0)
        result = measure(store, query_mix(queries), by_class, plans)
    finally:
        store.close()
    return {"backend": backend, "docs": stored, **load, **result, "goal_p95_ms": GOAL_P95_MS,
            "meets_goal": result["p95_ms"] < GOAL_P95_MS}


def _pg_database(server: str, keep: str | None = None) -> tuple[str, sa.Engine, str, bool]:
    """(name, admin engine, URL, whether it is already loaded) of the database to measure.

    Without ``keep``, a fresh database with a random name; with it, that database, created when
    missing and measured as it stands when it already holds documents.
    """
    parsed = sa.engine.make_url(server)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    admin = sa.create_engine(parsed, isolation_level="AUTOCOMMIT")
    name = keep or f"vigil_bench_{uuid.uuid4().hex[:8]}"
    url = parsed.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is not None
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    loaded = False
    if exists:
        engine = sa.create_engine(url)
        try:
            with engine.connect() as conn:
                loaded = bool(conn.scalar(sa.text("SELECT to_regclass('documents') IS NOT NULL"))) and bool(
                    conn.scalar(sa.text("SELECT EXISTS (SELECT 1 FROM documents)"))
                )
        finally:
            engine.dispose()
    return name, admin, url, loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres", default=os.environ.get("VIGIL_TEST_POSTGRES_URL"))
    parser.add_argument("--data-dir", type=Path, default=None, help="Where the SQLite database goes (default: a temp dir).")
    parser.add_argument("--skip-load", action="store_true",
                        help="SQLite only: measure the store already loaded in --data-dir (its load time was reported then).")
    parser.add_argument("--keep", metavar="DATABASE", default=None,
                        help="PostgreSQL: load into this database and keep it; when it already holds documents, "
                             "measure it as it stands (after migrating it to the latest revision).")
    parser.add_argument("--by-class", action="store_true", help="Also print p50/p95 per query class, one line each, on stderr.")
    parser.add_argument("--explain", action="store_true",
                        help="PostgreSQL: print EXPLAIN (ANALYZE, BUFFERS) of the slowest query of each class on stderr.")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    with tempfile.TemporaryDirectory(prefix="vigil-bench-search-") as tmp:
        for backend in backends:
            data_dir = (args.data_dir or Path(tmp)) / f"{backend}-data"
            if backend == "sqlite":
                print(json.dumps(run("sqlite", None, args.docs, args.queries, data_dir, args.skip_load, args.by_class), ensure_ascii=False), flush=True)
                continue
            if not args.postgres:
                print(json.dumps({"backend": "postgresql", "skipped": "no --postgres URL or VIGIL_TEST_POSTGRES_URL"}))
                continue
            name, admin, url, loaded = _pg_database(args.postgres, args.keep)
            try:
                result = run("postgresql", url, args.docs, args.queries, data_dir, loaded, args.by_class, args.explain)
                print(json.dumps(result, ensure_ascii=False), flush=True)
            finally:
                if args.keep is None:
                    with admin.connect() as conn:
                        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()


if __name__ == "__main__":
    main()

"""Search answers the same after every speed-up: each query shape of ``bench/search.py`` (and later pages,
other orders and filters) on a small synthetic store, against results recorded before the PostgreSQL
search work of issue 21, on SQLite and on PostgreSQL.

Hits, their order, the total and whether it was capped must all stay as recorded. Record again only for
a change meant to alter results, with ``VIGIL_RECORD_SEARCH_RESULTS=1`` on both backends.
"""

from __future__ import annotations

import json
import os
import random
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bench_modules import load_bench
from vigil.search import SearchQuery, search_documents
from vigil.store import Store

RECORDED = Path(__file__).resolve().parents[1] / "data" / "search_same_results.json"
#: Enough documents that the common words match more than the count cap (1,000), so the plans for
#: many matches run as well as those for few.
DOCS = 6_000
MIX = 120


def _bench() -> ModuleType:
    return load_bench("search")


def queries(bench: ModuleType) -> list[SearchQuery]:
    """The bench's seeded mix, then later pages, each order over many and few matches, filters with orders."""
    vocab = bench.vocabulary(random.Random(bench.SEED))
    common, mid, rare = vocab[0], vocab[120], vocab[30_000]
    extra = [
        *(SearchQuery(sort="risk", page=page) for page in (1, 2, 7)),
        *(SearchQuery(text=common, sort="relevance", page=page) for page in (1, 3)),
        SearchQuery(text="telegram", sort="relevance", page=2),
        SearchQuery(text="telegram", sort="risk"),
        SearchQuery(text="telegram", sort="risk", page=4),
        SearchQuery(text="telegram", sort="posted", page=5),
        SearchQuery(text=common, sort="posted", page=9),
        SearchQuery(text=common, sort="risk", platform=bench.PLATFORMS[3]),
        SearchQuery(text=common, platform=bench.PLATFORMS[4], page=6),
        SearchQuery(text=mid[:3] + "*", sort="relevance"),
        SearchQuery(text=mid[:3] + "*", platform=bench.PLATFORMS[5], sort="risk"),
        SearchQuery(text=f"{common} -{mid}", kind="job_ad", sort="relevance"),
        SearchQuery(text=rare, risk_level="high", sort="risk"),
        SearchQuery(text="visa", risk_level="low", sort="relevance", per_page=50),
        SearchQuery(kind="sex_ad", sort="posted", page=3),
        SearchQuery(lang="uk", sort="risk", page=2),
        SearchQuery(indicator="urgency", sort="risk", page=2),
        SearchQuery(indicator="urgency", risk_level="medium", sort="relevance"),
        SearchQuery(text="telegram", indicator="youth", sort="relevance"),
        SearchQuery(platform=bench.PLATFORMS[1], risk_level="low", sort="risk", page=3),
        SearchQuery(posted_from=date(2024, 6, 1), posted_to=date(2024, 6, 30), sort="posted"),
        SearchQuery(text="telegram", posted_from=date(2025, 2, 1), posted_to=date(2025, 3, 1), sort="relevance"),
        SearchQuery(text="nothingmatchesthis", sort="risk"),
        SearchQuery(text='"telegram робота"'),
        SearchQuery(text="робот*", sort="risk"),
    ]
    return [*bench.query_mix(MIX), *extra]


def answer(store: Store, query: SearchQuery) -> dict[str, Any]:
    page = search_documents(store, query)
    return {"ids": [hit.doc_id for hit in page.items], "total": page.total, "capped": page.total_capped}


def test_results_as_recorded(store: Store) -> None:
    bench = _bench()
    (bench.load_sqlite if store.dialect == "sqlite" else bench.load_postgres)(store, DOCS)
    mix = queries(bench)
    found = [{"query": bench.describe(q), **answer(store, q)} for q in mix]
    recorded: dict[str, list[dict[str, Any]]] = json.loads(RECORDED.read_text()) if RECORDED.exists() else {}
    if os.environ.get("VIGIL_RECORD_SEARCH_RESULTS") == "1":
        recorded[store.dialect] = found
        RECORDED.write_text(json.dumps(recorded, ensure_ascii=False, indent=0, sort_keys=True) + "\n")
        pytest.skip("recorded")
    expected = recorded[store.dialect]
    assert len(found) == len(expected)
    different = [(want["query"], want, got) for want, got in zip(expected, found, strict=True) if want != got]
    assert not different, different[:3]
    # The store is big enough for every kind of answer: many matches (capped), a page, none.
    assert any(r["capped"] for r in found) and any(0 < r["total"] < 1_000 for r in found)
    assert any(r["total"] == 0 for r in found)

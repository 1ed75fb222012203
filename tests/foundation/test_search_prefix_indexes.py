"""Migration ``search_0004`` (FTS5 prefix indexes for 3 and 4 letters only) changes no search result.

Prefix indexes only make ``stem*`` faster: every query finds the same documents, in the same
order, with the same totals, before the migration, after it, and after its downgrade, on SQLite
and PostgreSQL (where the migration does nothing). The queries are prefixes of every length from
one letter to a whole word, in three languages, alone, in phrases, excluded, with filters and in
each order that reads the full-text index differently.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from vigil.ingest import ingest_input
from vigil.search import SearchQuery, search_documents
from vigil.store import Store
from vigil.store.db import alembic_config, upgrade

#: Synthetic ad words sharing stems of 3 to 6 letters, so each prefix length matches several words.
WORDS = (
    "praca", "pracownik", "pracownicy", "pracodawca", "prawo", "magazyn", "magazynier",
    "робота", "роботодавець", "роботи", "робочий", "житло", "житлові",
    "warehouse", "warehousing", "warsaw", "wardrobe", "housing", "house", "telegram", "telefon",
)
PLATFORMS = ("jobs.example", "praca.example", "robota.example")
#: Documents ingested in one input: more than one bulk batch of the full-text index, and a tail below it.
DOCUMENTS = 260

#: (query, platform, sort, whether it finds anything)
QUERIES: list[tuple[str, str | None, str, bool]] = [
    *((f"{word[:n]}*", None, "newest", True) for word in ("pracownik", "роботодавець", "warehousing") for n in range(1, 8)),
    ("prac*", "praca.example", "newest", True),
    ("робо*", None, "relevance", True),
    ("ware*", None, "risk", True),
    ("hous*", None, "posted", True),
    ("житл* -робота", None, "newest", True),
    ("magazyn -prac*", None, "relevance", True),
    ('"pracownik pracownicy" magaz*', None, "newest", True),
    ("tele* house", None, "newest", True),
    ("pracownikx*", None, "newest", False),
    ("zzz*", None, "newest", False),
    ("ware* -ware*", None, "newest", False),
]


def _input(path: Path) -> Path:
    cycle = itertools.cycle(WORDS)
    with path.open("w", encoding="utf-8") as handle:
        for n in range(DOCUMENTS):
            words = [next(cycle) for _ in range(1 + n % 5)]
            record = {
                "id": f"ad-{n}",
                "title": words[0].capitalize() if n % 3 else None,
                "text": " ".join(words) + f" oferta {n}",
                "platform": PLATFORMS[n % len(PLATFORMS)],
                "posted_at": f"2026-03-{1 + n % 28:02d}T12:00:00Z",
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def _results(store: Store) -> list[tuple[int, tuple[int, ...]]]:
    found = []
    for text, platform, sort, _finds in QUERIES:
        page = search_documents(store, SearchQuery(text=text, platform=platform, sort=sort, per_page=100))
        found.append((page.total, tuple(hit.pk for hit in page.items)))
    return found


def _fts_sql(store: Store) -> str | None:
    if store.dialect != "sqlite":
        return None
    with store.engine.connect() as conn:
        return str(conn.scalar(sa.text("SELECT sql FROM sqlite_master WHERE name = 'documents_fts'")))


def test_prefix_indexes_change_no_search_result(store: Store, tmp_path: Path) -> None:
    report = ingest_input(store, _input(tmp_path / "ads.jsonl"))
    assert report.accepted == DOCUMENTS
    after = _results(store)
    for (text, _platform, _sort, finds), (total, pks) in zip(QUERIES, after, strict=True):
        assert (total > 0) == finds, text
        assert len(pks) == min(total, 100), text
    if store.dialect == "sqlite":
        assert "prefix='3 4'" in (_fts_sql(store) or "")

    command.downgrade(alembic_config(store.engine), "search_0003")  # search_0006 to search_0004 undone
    if store.dialect == "sqlite":
        assert "prefix='3 4 5 6'" in (_fts_sql(store) or "")
    assert _results(store) == after

    upgrade(store.engine)
    assert _results(store) == after
    if store.dialect == "sqlite":
        assert "prefix='3 4'" in (_fts_sql(store) or "")
        with store.session() as session:
            session.execute(sa.text("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')"))


@pytest.mark.parametrize("count", [1, 150])
def test_the_rebuilt_index_is_fed_by_later_ingests(store: Store, tmp_path: Path, count: int) -> None:
    """After the migration made the table again, its triggers (and the bulk path) still index new documents."""
    command.downgrade(alembic_config(store.engine), "search_0003")  # search_0006 to search_0004 undone
    upgrade(store.engine)
    path = tmp_path / "later.jsonl"
    path.write_text("".join(json.dumps({"id": f"n{n}", "text": f"nowa pracownica {n}"}) + "\n" for n in range(count)))
    assert ingest_input(store, path).accepted == count
    for text, expected in (("pracown*", count), ("prac*", count), ("nowa", count), ("pracownicax*", 0)):
        assert search_documents(store, SearchQuery(text=text)).total == expected, text

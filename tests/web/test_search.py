"""Full-text search with filters and paging, on SQLite (FTS5) and PostgreSQL (tsvector + GIN)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from pages_support import BACKENDS, backend_store

from vigil.errors import InputError
from vigil.search import (
    SearchQuery,
    Term,
    filter_options,
    fts5_expression,
    parse_query,
    search_documents,
    tsquery_expression,
)
from vigil.store import Store
from vigil.store.models import AnalysisRow, DocumentIndicator, DocumentRow, Source

# Synthetic ads: (doc_id, title, text, kind, platform, lang, posted day, risk level, score, indicators)
CORPUS: list[tuple[Any, ...]] = [
    ("j1", "Робота в Польщі", "Терміново потрібні працівники на склад. Житло надаємо, оплата за оформлення документів 150 євро.",
     "job_ad", "robota.example", "uk", 3, "high", 0.91, ["upfront_fee", "urgency", "travel_housing_provided"]),
    ("j2", "Warehouse work Germany", "Warehouse staff wanted, no experience needed, free housing. Contact on Telegram only.",
     "job_ad", "jobs.example", "en", 5, "medium", 0.55, ["no_requirements", "messenger_only"]),
    ("j3", "Office assistant", "Office assistant in Kyiv, full contract, experience with spreadsheets required.",
     "job_ad", "jobs.example", "en", 7, "low", 0.08, []),
    ("s1", "New in town", "Just arrived in Warsaw, new girls every week, available 24/7.",
     "sex_ad", "ads.example", "en", 9, "high", 0.83, ["new_arrival", "always_available", "multiple_workers"]),
    ("s2", None, "Приватні оголошення: нова дівчина у місті, лише кілька днів.",
     "sex_ad", "ads.example", "uk", 11, None, None, []),
    ("p1", "Praca w magazynie", "Praca w magazynie w Łodzi, zakwaterowanie zapewnione, pilnie.",
     "job_ad", "praca.example", "pl", 13, "medium", 0.47, ["travel_housing_provided", "urgency"]),
    ("f1", "Forum thread", "Anyone tried the warehouse agency? They kept my passport for a month.",
     "forum_post", "forum.example", "en", 15, "medium", 0.61, ["document_retention"]),
]


def seed(store: Store, rows: list[tuple[Any, ...]] = CORPUS) -> dict[str, int]:
    with store.session() as session:
        source = Source(name="synthetic")
        session.add(source)
        session.flush()
        pks: dict[str, int] = {}
        for doc_id, title, text, kind, platform, lang, day, level, score, indicators in rows:
            doc = DocumentRow(
                source_id=source.id, doc_id=doc_id, title=title, text=text, kind=kind, platform=platform,
                lang=lang, posted_at=datetime(2026, 3, day, 12, tzinfo=UTC), images=[], meta={},
            )
            session.add(doc)
            session.flush()
            pks[doc_id] = doc.pk
            if level is not None:
                session.add(AnalysisRow(document_pk=doc.pk, lang=lang, risk_score=score, risk_level=level,
                                        model="test", result={"id": doc_id}))
            session.add_all(DocumentIndicator(document_pk=doc.pk, indicator=i) for i in indicators)
    return pks


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One store per backend holding :data:`CORPUS`, shared by the read-only tests of this module."""
    with backend_store(request.param, tmp_path_factory.mktemp("search") / "vigil-data") as opened:
        seed(opened)
        yield opened


def ids(store: Store, **kwargs: Any) -> list[str]:
    return [hit.doc_id for hit in search_documents(store, SearchQuery(**kwargs)).items]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("warehouse", ["f1", "j2"]),                      # title or body, newest first
        ("WAREHOUSE", ["f1", "j2"]),                      # case does not matter
        ("житло", ["j1"]),                                # Ukrainian
        ("дівчина", ["s2"]),                              # Ukrainian, document without a title
        ("magazynie", ["p1"]),                            # Polish
        ("Łodzi", ["p1"]),                                # letters with diacritics
        ('"free housing"', ["j2"]),                       # phrase
        ('"housing free"', []),                           # phrase in the wrong order
        ("warehouse -passport", ["j2"]),                  # exclusion
        ("wareh*", ["f1", "j2"]),                         # prefix
        ("warehouse telegram", ["j2"]),                   # every word is required
        ("nothingmatchesthis", []),
        ("'; DROP TABLE documents; --", []),              # hostile input is just words
        ('warehouse OR NEAR( "unbalanced', []),           # FTS5 operators are words too
    ],
)
def test_full_text(seeded: Store, text: str, expected: list[str]) -> None:
    assert ids(seeded, text=text) == expected


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"platform": "jobs.example"}, ["j3", "j2"]),
        ({"kind": "sex_ad"}, ["s2", "s1"]),
        ({"lang": "uk"}, ["s2", "j1"]),
        ({"indicator": "urgency"}, ["p1", "j1"]),
        ({"risk_level": "high"}, ["s1", "j1"]),
        ({"posted_from": date(2026, 3, 7), "posted_to": date(2026, 3, 11)}, ["s2", "s1", "j3"]),
        ({"posted_to": date(2026, 3, 3)}, ["j1"]),
        ({"text": "warehouse", "lang": "en", "risk_level": "medium"}, ["f1", "j2"]),
        ({"platform": "nowhere.example"}, []),
        ({"sort": "risk"}, ["j1", "s1", "f1", "j2", "p1", "j3", "s2"]),
    ],
)
def test_filters(seeded: Store, filters: dict[str, Any], expected: list[str]) -> None:
    assert ids(seeded, **filters) == expected


def test_relevance_prefers_more_hits(store: Store) -> None:
    seed(store, [
        ("a", "Warehouse", "warehouse warehouse warehouse jobs", "job_ad", "x", "en", 1, None, None, []),
        ("b", "Other", "one warehouse mention in a much longer text about many other things", "job_ad", "x", "en", 2, None, None, []),
    ])
    assert ids(store, text="warehouse", sort="relevance") == ["a", "b"]
    assert ids(store, text="warehouse") == ["b", "a"]


def test_newest_collected_or_newest_posted(store: Store) -> None:
    seed(store, [
        ("old-post", None, "agency", "job_ad", "x", "en", 20, None, None, []),  # collected first, posted last
        ("new-post", None, "agency", "job_ad", "x", "en", 1, None, None, []),
    ])
    assert ids(store, text="agency") == ids(store) == ["new-post", "old-post"]
    assert ids(store, text="agency", sort="posted") == ids(store, sort="posted") == ["old-post", "new-post"]


def test_posted_order_when_most_of_the_store_matches(store: Store) -> None:
    # Past the count cap the posted order is read off the date index (SQLite); it must agree with sorting.
    rows = [(f"d{i:02d}", None, f"agency number {i}", "job_ad", "x", "en", 28 - i % 28, None, None, []) for i in range(40)]
    seed(store, rows)
    walked = search_documents(store, SearchQuery(text="agency", sort="posted", per_page=15, page=2), count_cap=5)
    sorted_all = search_documents(store, SearchQuery(text="agency", sort="posted", per_page=15, page=2))
    assert walked.total_capped and not sorted_all.total_capped
    assert [h.doc_id for h in walked.items] == [h.doc_id for h in sorted_all.items]
    assert [h.posted_at for h in walked.items] == sorted(h.posted_at for h in walked.items if h.posted_at)[::-1]


def test_paging_and_totals(seeded: Store) -> None:
    store = seeded
    first = search_documents(store, SearchQuery(per_page=3))
    second = search_documents(store, SearchQuery(per_page=3, page=3))
    assert (first.total, first.pages, first.total_capped, first.has_next) == (7, 3, False, True)
    assert [h.doc_id for h in second.items] == ["j1"] and not second.has_next
    seen = [h.doc_id for p in (1, 2, 3) for h in search_documents(store, SearchQuery(per_page=3, page=p)).items]
    assert sorted(seen) == sorted(row[0] for row in CORPUS)


def test_hit_carries_snippet_indicators_and_risk(seeded: Store) -> None:
    hit = search_documents(seeded, SearchQuery(text="passport")).items[0]
    assert hit.doc_id == "f1" and hit.risk_level == "medium" and hit.indicators == ("document_retention",)
    assert ("passport", True) in hit.snippet
    assert "".join(piece for piece, _ in hit.snippet) in CORPUS[6][2]
    assert hit.posted_at is not None and hit.posted_at.tzinfo is not None
    assert hit.to_json()["risk"] == {"score": 0.61, "level": "medium"}


def test_index_follows_updates_and_deletes(store: Store) -> None:
    pks = seed(store)
    with store.session() as session:
        session.execute(sa.update(DocumentRow).where(DocumentRow.pk == pks["j3"]).values(text="now about a warehouse"))
        session.execute(sa.delete(DocumentRow).where(DocumentRow.pk == pks["f1"]))
    assert ids(store, text="warehouse") == ["j3", "j2"]
    assert ids(store, text="spreadsheets") == []


def test_count_is_capped(store: Store) -> None:
    cap = 50
    rows = [(f"d{i}", None, "common word", "other", "x", "en", 1, None, None, []) for i in range(cap + 5)]
    with store.session() as session:
        source = Source(name="bulk")
        session.add(source)
        session.flush()
        session.execute(sa.insert(DocumentRow), [
            {"source_id": source.id, "doc_id": r[0], "text": r[2], "kind": "other", "images": [], "meta": {}} for r in rows
        ])
    page = search_documents(store, SearchQuery(text="common"), count_cap=cap)
    assert page.total == cap and page.total_capped and len(page.items) == 20 and page.pages == 3
    exact = search_documents(store, SearchQuery(text="common"), count_cap=cap + 5)
    assert exact.total == cap + 5 and not exact.total_capped


def test_filter_options(seeded: Store) -> None:
    options = filter_options(seeded)
    assert options.platforms == ("ads.example", "forum.example", "jobs.example", "praca.example", "robota.example")
    assert options.langs == ("en", "pl", "uk")
    assert "urgency" in options.indicators and "high" in options.risk_levels


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("a b", (Term(("a",)), Term(("b",)))),
        ('"free housing" -passport', (Term(("free", "housing")), Term(("passport",), negated=True))),
        ("e-mail", (Term(("e", "mail")),)),
        ("praca*", (Term(("praca",), prefix=True),)),
        ("Робота", (Term(("робота",)),)),
        ("!!! ??", ()),
        ("-", ()),
    ],
)
def test_parse_query(text: str, terms: tuple[Term, ...]) -> None:
    assert parse_query(text) == terms


def test_engine_expressions() -> None:
    terms = parse_query('warehouse "free housing" -passport wareh*')
    assert fts5_expression(terms) == '("warehouse" AND "free housing" AND "wareh"*) NOT "passport"'
    assert tsquery_expression(terms) == "'warehouse' & ('free' <-> 'housing') & !'passport' & 'wareh':*"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"text": "-only -excluded"},
        {"text": "x" * 501},
        {"text": " ".join(f"w{i}" for i in range(17))},
        {"page": 0},
        {"per_page": 0},
        {"per_page": 101},
        {"page": 1000, "per_page": 100},
        {"sort": "oldest"},
        {"risk_level": "severe"},
        {"kind": "sex-ad"},
        {"posted_from": date(2026, 3, 2), "posted_to": date(2026, 3, 1)},
        {"platform": "a\x00b"},
        {"text": "nul\x00"},
    ],
)
def test_rejects_bad_queries(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        SearchQuery(**kwargs)

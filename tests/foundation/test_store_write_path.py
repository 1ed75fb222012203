"""The store process's write path stores what the pipeline and the pure row builders say, on each backend.

Analyses, indicator rows, identifier rows and trend rows are prepared in the worker and
written as plain rows (:mod:`vigil.store.rows`); the stored rows must be exactly those an
independent reading of the same documents gives, and the stored JSON text exactly what the
column's JSON type stores for the same value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from vigil.demo import generate_corpus, write_jsonl
from vigil.engine import LocalEngine
from vigil.identifier_keys import identifier_rows
from vigil.ingest import ingest_input
from vigil.link.models import LinkCluster, LinkDocument
from vigil.pipeline import build_pipeline
from vigil.processing import process_store, shared_describer
from vigil.store import Store
from vigil.store.analyses import analyze_store, row_to_document, save_analyses
from vigil.store.models import AnalysisRow, DocumentRow, ProcessingFailure, Source
from vigil.store.rows import delete_where_in, select_where_in
from vigil.trends.stored import trend_row

DEMO_WEEKS = 6


@pytest.fixture
def processed(store: Store, tmp_path: Path) -> Iterator[Store]:
    """Some weeks of the demo corpus, ingested and processed in partitions by two workers."""
    corpus = generate_corpus(weeks=DEMO_WEEKS)
    path = tmp_path / "demo.jsonl"
    write_jsonl(corpus, path)
    ingest_input(store, path)
    engine = LocalEngine(workers=2)
    try:
        process_store(store, store.settings.model_copy(update={"partition_size": 150}), engine=engine)
    finally:
        engine.close()
    yield store


def _rows(store: Store, sql: str) -> list[tuple[Any, ...]]:
    with store.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql))]


def test_stored_rows_are_what_the_pipeline_and_row_builders_give(processed: Store) -> None:
    pipeline = build_pipeline(processed.settings)
    segmenter = shared_describer().segmenter
    with processed.session() as session:
        documents = {row.pk: row_to_document(row) for row in session.scalars(sa.select(DocumentRow))}
    assert len(documents) > 300
    expected = {pk: json.loads(json.dumps(pipeline(doc))) for pk, doc in documents.items()}

    stored = {
        pk: (lang, score, level, model, json.loads(result))
        for pk, lang, score, level, model, result in _rows(
            processed, "SELECT document_pk, lang, risk_score, risk_level, model, CAST(result AS TEXT) FROM analyses"
        )
    }
    assert stored.keys() == expected.keys()
    for pk, analysis in expected.items():
        risk = analysis["risk"]
        assert stored[pk] == (analysis.get("lang"), risk["score"], risk["level"], risk["model"], analysis), pk

    indicators = sorted(_rows(processed, "SELECT document_pk, indicator FROM document_indicators"))
    assert indicators == sorted((pk, i) for pk, a in expected.items() for i in {hit["id"] for hit in a["indicators"]})
    assert indicators, "the demo corpus has indicators"

    identifiers = sorted(_rows(processed, "SELECT document_pk, kind, value, bare FROM document_identifiers"))
    reference = sorted(
        (r["document_pk"], r["kind"], r["value"], r["bare"]) for pk, a in expected.items() for r in identifier_rows(pk, a)
    )
    assert identifiers == reference
    assert identifiers, "the demo corpus has contacts"

    trends = {pk: (day, tuple(json.loads(names))) for pk, day, names in _rows(processed, "SELECT * FROM trend_documents")}
    assert trends == {pk: trend_row(segmenter, documents[pk], a) for pk, a in expected.items()}
    counted: dict[tuple[int, str], int] = {}
    for day, names in trends.values():
        if day is not None:
            for segment in ("*", *names):
                counted[(day, segment)] = counted.get((day, segment), 0) + 1
    assert {(d, s): n for d, s, n in _rows(processed, "SELECT day, segment, documents FROM trend_segment_counts")} == counted

    linked = _rows(processed, "SELECT document_pk FROM link_documents")
    assert sorted(pk for (pk,) in linked) == sorted(documents)


def _json_text(store: Store, table: str, column: str, where: str) -> str:
    (text,) = _rows(store, f"SELECT CAST({column} AS TEXT) FROM {table} WHERE {where}")[0]
    return str(text)


def test_stored_json_text_is_what_the_column_type_stores(processed: Store) -> None:
    """Rows written as plain tuples hold the same JSON text as the ORM writes for the same value."""
    with processed.session() as session:
        pk, result = session.execute(sa.select(AnalysisRow.document_pk, AnalysisRow.result).limit(1)).one()
        link = session.scalars(sa.select(LinkDocument).where(LinkDocument.cluster.is_not(None)).limit(1)).one()
        cluster = session.scalars(sa.select(LinkCluster).limit(1)).one()
    cases = [
        ("analyses", "result", f"document_pk = {pk}", AnalysisRow, {"document_pk": pk}, {"result": result}),
        ("link_documents", "facts", f"idx = {link.idx}", LinkDocument, {"idx": link.idx}, {"facts": link.facts}),
        ("link_clusters", "summary", f"cluster = '{cluster.cluster}'", LinkCluster, {"cluster": cluster.cluster}, {"summary": cluster.summary}),
    ]
    for table, column, where, model, key, value in cases:
        written = _json_text(processed, table, column, where)
        with processed.session() as session:  # the same value through the ORM's JSON type
            session.execute(sa.update(model).filter_by(**key).values(**value))
        assert _json_text(processed, table, column, where) == written, table


class _Unstorable:
    """An analysis value no JSON encoder takes."""


class _UnstorableFor:
    """The real pipeline, whose analysis of one document carries a value JSON cannot hold."""

    def __init__(self, pipeline: Any, bad: str) -> None:
        self.pipeline = pipeline
        self.bad = bad

    def __call__(self, document: Any) -> Any:
        analysis = self.pipeline(document)
        if document.id == self.bad:
            analysis["meta"] = {"value": _Unstorable()}
        return analysis


@pytest.mark.parametrize("workers", [1, 2])
def test_an_analysis_that_cannot_be_stored_is_recorded_and_the_rest_saved(store: Store, tmp_path: Path, workers: int) -> None:
    corpus = generate_corpus(weeks=1)
    corpus.documents = corpus.documents[:20]
    path = tmp_path / "few.jsonl"
    write_jsonl(corpus, path)
    ingest_input(store, path)
    bad = corpus.documents[7]["id"]
    engine = LocalEngine(workers=workers)
    try:
        counts = analyze_store(store, _UnstorableFor(build_pipeline(store.settings), bad), engine, partition_size=6)
    finally:
        engine.close()
    assert (counts.analysed, counts.failed) == (19, 1)
    with store.session() as session:
        failed = session.execute(
            sa.select(DocumentRow.doc_id, ProcessingFailure.error).join(DocumentRow, DocumentRow.pk == ProcessingFailure.document_pk)
        ).all()
        analysed = session.scalar(sa.select(sa.func.count()).select_from(AnalysisRow))
    assert [doc_id for doc_id, _ in failed] == [bad]
    assert failed[0][1] == "TypeError"
    assert analysed == 19


@pytest.mark.parametrize("count", [0, 1, 499, 500, 501, 1203])
def test_rows_in_lists_of_any_length(store: Store, count: int) -> None:
    """IN lists are chunked on SQLite and one array on PostgreSQL; both see every value, and only those."""
    with store.session() as session:
        session.add(Source(name="s"))
        session.flush()
        source = session.scalar(sa.select(Source.id))
        session.execute(
            sa.insert(DocumentRow), [{"source_id": source, "doc_id": str(i), "text": "t"} for i in range(1300)]
        )
    with store.session() as session:
        pks = sorted(session.scalars(sa.select(DocumentRow.pk)))
        wanted = pks[:count]
        found = select_where_in(session.connection(), "documents", ("pk", "doc_id"), "pk", wanted)
        assert sorted(pk for pk, _ in found) == wanted
        delete_where_in(session.connection(), "documents", "pk", wanted)
    with store.session() as session:
        assert sorted(session.scalars(sa.select(DocumentRow.pk))) == pks[count:]


def test_saving_again_replaces_rows(processed: Store) -> None:
    (pk,) = _rows(processed, "SELECT document_pk FROM document_identifiers ORDER BY document_pk LIMIT 1")[0]
    with processed.session() as session:
        result = session.scalar(sa.select(AnalysisRow.result).where(AnalysisRow.document_pk == pk))
    assert result is not None
    changed = {**result, "indicators": [{"id": "upfront_fee"}], "entities": {"phones": ["+447400123456"]}}
    save_analyses(processed, [(pk, changed)])
    assert _rows(processed, f"SELECT indicator FROM document_indicators WHERE document_pk = {pk}") == [("upfront_fee",)]
    assert _rows(processed, f"SELECT kind, value FROM document_identifiers WHERE document_pk = {pk}") == [
        ("phone", "+447400123456")
    ]
    assert len(_rows(processed, f"SELECT 1 FROM analyses WHERE document_pk = {pk}")) == 1

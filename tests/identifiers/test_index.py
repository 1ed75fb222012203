"""The identifier index: filled when analyses are saved, replaced with them, gone with the document."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from vigil.identifiers.index import Identifier, backfill_identifiers, identifier_rows, identifiers_of
from vigil.identifiers.models import DocumentIdentifier
from vigil.store import Store
from vigil.store.analyses import save_analyses
from vigil.store.models import DocumentRow, Source


@pytest.mark.parametrize(
    ("entities", "expected"),
    [
        ({"phones": ["+447400123456"]}, [Identifier("phone", "+447400123456", "7400123456")]),
        ({"phones": ["+390612345678"]}, [Identifier("phone", "+390612345678", "0612345678")]),  # Italy keeps its zero
        ({"emails": ["Anna.K@Gmail.com"]}, [Identifier("email", "anna.k@gmail.com", "anna.k@gmail.com")]),
        ({"handles": ["telegram:Anna_VIP"]}, [Identifier("handle", "telegram:anna_vip", "anna_vip")]),
        (
            {"handles": ["whatsapp:+48501234000"]},
            [Identifier("handle", "whatsapp:+48501234000", "+48501234000"), Identifier("phone", "+48501234000", "501234000")],
        ),
        ({"urls": ["https://www.Example.com/Anna/"]}, [Identifier("url", "example.com/anna", "example.com")]),
        ({"urls": ["http://example.com"]}, [Identifier("url", "example.com", "example.com")]),
        # negatives: not identifiers, or not this index's kinds
        ({"phones": ["501234000"], "emails": ["no-at-sign"], "urls": ["localhost"], "handles": [""]}, []),
        ({"ages": [21], "names": ["Anna"], "locations": ["Leeds"], "prices": [{"amount": 1, "currency": "EUR"}]}, []),
        ({"urls": ["example.com/" + "a" * 700]}, []),
    ],
)
def test_identifiers_of_entities(entities: dict[str, Any], expected: list[Identifier]) -> None:
    assert identifiers_of(entities) == sorted(expected)


def test_rows_need_an_entities_object() -> None:
    assert identifier_rows(1, {"id": "x"}) == []
    assert identifier_rows(1, {"entities": ["+447400123456"]}) == []
    assert identifier_rows(7, {"entities": {"phones": ["+447400123456", "+447400123456"]}}) == [
        {"document_pk": 7, "kind": "phone", "value": "+447400123456", "bare": "7400123456"}
    ]


def _document(store: Store, doc_id: str) -> int:
    with store.session() as session:
        source = session.scalar(sa.select(Source).where(Source.name == "t"))
        if source is None:
            source = Source(name="t")
            session.add(source)
            session.flush()
        row = DocumentRow(source_id=source.id, doc_id=doc_id, text="synthetic")
        session.add(row)
        session.flush()
        return row.pk


def _index(store: Store) -> list[tuple[int, str, str]]:
    with store.session() as session:
        rows = session.execute(sa.select(DocumentIdentifier.document_pk, DocumentIdentifier.kind, DocumentIdentifier.value))
        return sorted(tuple(r) for r in rows)


def _analysis(doc_id: str, **entities: list[Any]) -> dict[str, Any]:
    return {"id": doc_id, "lang": "en", "kind": "other", "risk": None, "indicators": [], "entities": entities}


def test_saving_analyses_fills_and_replaces_the_index(store: Store) -> None:
    first, second = _document(store, "a"), _document(store, "b")
    save_analyses(store, [(first, _analysis("a", phones=["+447400123456"], emails=["a@example.com"])), (second, _analysis("b"))])
    assert _index(store) == [(first, "email", "a@example.com"), (first, "phone", "+447400123456")]
    save_analyses(store, [(first, _analysis("a", handles=["telegram:anna_vip"]))])
    assert _index(store) == [(first, "handle", "telegram:anna_vip")]


def test_deleting_a_document_deletes_its_identifiers(store: Store) -> None:
    pk = _document(store, "a")
    save_analyses(store, [(pk, _analysis("a", phones=["+447400123456"]))])
    with store.session() as session:
        session.execute(sa.delete(DocumentRow).where(DocumentRow.pk == pk))
    assert _index(store) == []


def test_backfill_rebuilds_the_index_from_stored_analyses(store: Store) -> None:
    pk = _document(store, "a")
    save_analyses(store, [(pk, _analysis("a", phones=["+447400123456"], urls=["www.example.com/x"]))])
    with store.session() as session:
        session.execute(sa.delete(DocumentIdentifier))
    assert _index(store) == []
    assert backfill_identifiers(store) == 2
    assert _index(store) == [(pk, "phone", "+447400123456"), (pk, "url", "example.com/x")]
    assert backfill_identifiers(store) == 2  # idempotent: rebuilt, not doubled


def test_upgrading_an_existing_store_indexes_its_analyses(store: Store) -> None:
    from alembic import command

    from vigil.store.db import alembic_config, upgrade

    pk = _document(store, "a")
    save_analyses(store, [(pk, _analysis("a", emails=["a@example.com"]))])
    command.downgrade(alembic_config(store.engine), "identifiers@-1")
    with store.engine.connect() as conn:
        assert "document_identifiers" not in sa.inspect(conn).get_table_names()
    upgrade(store.engine)
    assert _index(store) == [(pk, "email", "a@example.com")]


@pytest.mark.parametrize(
    ("alternates", "expected"),
    [
        pytest.param({"+380730082279": ["+40730082279"]}, {"+380730082279", "+40730082279"}, id="other-reading-indexed"),
        pytest.param({}, {"+380730082279"}, id="no-alternates"),
        pytest.param({"+380730082279": ["not a phone"]}, {"+380730082279"}, id="garbage-ignored"),
    ],
)
def test_phone_alternates_are_indexed_for_lookup(alternates: dict[str, list[str]], expected: set[str]) -> None:
    from vigil.identifier_keys import identifier_rows

    analysis = {"entities": {"phones": ["+380730082279"]}, "phone_alternates": alternates}
    assert {r["value"] for r in identifier_rows(7, analysis) if r["kind"] == "phone"} == expected


def test_an_ambiguous_national_number_carries_its_other_readings() -> None:
    from vigil.pipeline import analyze

    analysis = analyze({"id": "a", "text": "Room near the centre. (0730) 082279 WhatsApp"})
    phones = analysis["entities"]["phones"]
    assert len(phones) == 1
    readings = {phones[0], *analysis.get("phone_alternates", {}).get(phones[0], [])}
    assert {"+40730082279", "+380730082279"} <= readings

"""Every place name of the gazetteer and every lexicon term, through the store and the document pages.

The analysis sweep (tests/extract/test_data_sweep.py) checks ``analyze`` on each row;
this one ingests them as documents (one per supported language, every row in one of
them), processes the store as ``vigil ingest`` does, and renders each document's page for
a role that sees contacts and one that does not: every page answers 200.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from data_tables import gazetteer_surfaces, lexicon_terms
from vigil.extract.language import SUPPORTED_LANGUAGES
from vigil.ingest import ingest_input
from vigil.processing import process_store
from vigil.store import Store
from vigil.store.models import DocumentRow
from vigil.web.permissions import Role

#: Rows per document: keeps each page a realistic size while every row is rendered once.
ROWS_PER_DOCUMENT = 400


def _documents() -> list[dict[str, str]]:
    rows = gazetteer_surfaces() + [term for _lang, term in lexicon_terms()]
    docs = []
    for n, start in enumerate(range(0, len(rows), ROWS_PER_DOCUMENT)):
        chunk = rows[start : start + ROWS_PER_DOCUMENT]
        docs.append({
            "id": f"sweep-{n}",
            "title": chunk[-1],
            "text": ". ".join(chunk),
            "lang": SUPPORTED_LANGUAGES[n % len(SUPPORTED_LANGUAGES)],
            "kind": ("sex_ad", "job_ad", "other")[n % 3],
        })
    return docs


def test_every_table_row_renders_on_a_document_page(
    web_app: FastAPI, logged_in: Callable[[Role | str], TestClient], tmp_path: Path
) -> None:
    store: Store = web_app.state.store
    path = tmp_path / "sweep.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in _documents()), encoding="utf-8")
    ingest_input(store, path, source="sweep")
    report = process_store(store, store.settings, trends=False)
    assert report.failed == 0, report.failures
    with store.session() as session:
        pks = list(session.scalars(sa.select(DocumentRow.pk)))
    assert report.analysed == len(pks) > 50
    for role in (Role.ANALYST, Role.VIEWER):
        client = logged_in(role)
        for pk in pks:
            response = client.get(f"/documents/{pk}")
            assert response.status_code == 200, (role, pk, response.text[:300])

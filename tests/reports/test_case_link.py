"""A reported item opens a case or joins one (its document and a note of the reports), for case roles only."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import FastAPI
from reports_support import DOCUMENT_URL, add_document, logged_in_client
from web_support import TestClient, csrf_of

from vigil.casework.models import CaseItem
from vigil.reports.models import ReportedItem
from vigil.store import Store
from vigil.web.permissions import Role

NOTICE = {"category": "trafficking", "urls": [DOCUMENT_URL], "good_faith": True, "explanation": "Fee for documents, free housing."}


def test_report_opens_and_joins_cases(client: TestClient, web_app: FastAPI) -> None:
    store: Store = web_app.state.store
    doc_pk = add_document(store)
    receipt = client.post("/api/v1/reports", json=NOTICE).json()["receipt"]
    with store.session() as session:
        item = session.execute(sa.select(ReportedItem.id)).scalar_one()
    moderator = logged_in_client(web_app, Role.MODERATOR, "mod-a")
    refused = moderator.post(f"/api/v1/reports/items/{item}/case", json={}, headers={"X-CSRF-Token": csrf_of(moderator)})
    assert refused.status_code == 403, "cases are for the case roles"
    analyst = logged_in_client(web_app, Role.ANALYST, "analyst-a")
    token = csrf_of(analyst)
    opened = analyst.post(f"/api/v1/reports/items/{item}/case", json={"title": "Italy job ads"}, headers={"X-CSRF-Token": token})
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["case"]
    joined = analyst.post(f"/api/v1/reports/items/{item}/case", json={"case_id": case_id}, headers={"X-CSRF-Token": token})
    assert joined.json() == {"case": case_id}
    with store.session() as session:
        items = session.scalars(sa.select(CaseItem).where(CaseItem.case_id == case_id)).all()
    kinds = sorted(i.kind for i in items)
    assert kinds.count("document") == 1 and [i.target for i in items if i.kind == "document"] == [str(doc_pk)]
    notes = [i.body or "" for i in items if i.kind == "note"]
    assert len(notes) == 2 and all(receipt in n for n in notes)
    other = logged_in_client(web_app, Role.ANALYST, "analyst-b")
    foreign = other.post(f"/api/v1/reports/items/{item}/case", json={"case_id": case_id}, headers={"X-CSRF-Token": csrf_of(other)})
    assert foreign.status_code == 404, "only members add to a case"

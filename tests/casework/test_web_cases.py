"""Cases and reviews in the app and the API, per role: pages, bulk actions, case file download, audit."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
import sqlalchemy as sa
from casework_support import PHONE, Corpus
from fastapi import FastAPI
from web_support import TestClient, create_account, csrf_of, login, new_client

from vigil.web.models import AuditEntry
from vigil.web.permissions import Role


def _client(app: FastAPI, role: Role, name: str) -> TestClient:
    account = create_account(app, role, name=name)
    client = new_client(app)
    assert login(client, account.name, account.password).status_code == 303
    return client


def _actions(app: FastAPI, prefix: str) -> list[str]:
    with app.state.store.session() as session:
        return [a for a in session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.seq)) if a.startswith(prefix)]


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def test_an_analyst_builds_a_case_from_a_network_page_and_downloads_a_verifiable_case_file(case_app: FastAPI, corpus: Corpus) -> None:
    ana = _client(case_app, Role.ANALYST, "ana")
    token = csrf_of(ana)
    page = ana.get(f"/networks/{corpus.network}")
    assert page.status_code == 200 and 'action="/cases/add"' in page.text and 'action="/reviews"' in page.text
    made = ana.post("/cases/add", data={"csrf_token": token, "case": "new", "title": "Two cities, one phone",
                                        "network": corpus.network}, follow_redirects=False)
    assert made.status_code == 303
    case_path = made.headers["location"]
    case_id = int(case_path.rsplit("/", 1)[1])
    noted = ana.post(case_path, data={"csrf_token": token, "status": "FollowUp", "members": "bo", "note": "Ask the NGO."},
                     follow_redirects=False)
    assert noted.status_code == 303
    shown = ana.get(case_path)
    assert shown.status_code == 200 and "Two cities, one phone" in shown.text and "Ask the NGO." in shown.text
    assert "ad-1" in shown.text and "ad-2" in shown.text
    detail = ana.get(f"/api/v1/cases/{case_id}").json()
    assert detail["status"] == "FollowUp" and detail["members"] == ["bo"] and len(detail["evidence"]) == 2
    download = ana.get(f"/cases/{case_id}/export")
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    files = _unzip(download.content)
    manifest = json.loads(files.pop("manifest.json"))
    assert {f["path"]: f["sha256"] for f in manifest["files"]} == {p: hashlib.sha256(d).hexdigest() for p, d in files.items()}
    assert sorted(json.loads(line)["id"] for line in files["data.jsonl"].decode().splitlines()) == ["ad-1", "ad-2"]
    assert _actions(case_app, "case.") == ["case.create", "case.add", "case.update", "case.note", "case.view", "case.view", "case.export"]


def test_bulk_review_from_search_results_and_the_review_panel(case_app: FastAPI, corpus: Corpus) -> None:
    ana = _client(case_app, Role.ANALYST, "ana")
    token = csrf_of(ana)
    results = ana.get("/documents?q=dziewczyny")
    assert results.status_code == 200 and 'form="bulk-leads"' in results.text and "review-new" in results.text
    pks = [str(corpus.pks["ad-1"]), str(corpus.pks["ad-2"])]
    done = ana.post("/reviews", data={"csrf_token": token, "kind": "document", "target": pks, "state": "dismissed",
                                      "reason": "already referred", "next": "/documents?q=dziewczyny"}, follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, "/documents?q=dziewczyny")
    assert ana.get("/documents?q=dziewczyny").text.count("review-dismissed") == 2
    refused = ana.post("/reviews", data={"csrf_token": token, "kind": "document", "target": pks, "state": "dismissed"})
    assert refused.status_code == 422
    page = ana.get(f"/documents/{pks[0]}")
    assert 'data-state="dismissed"' in page.text and "already referred" in page.text
    api = ana.get(f"/api/v1/reviews?kind=document&target={pks[0]}").json()
    assert api["state"] == "dismissed" and api["updated_by"] == "ana"
    posted = ana.post("/api/v1/reviews", json={"kind": "identifier", "targets": ["+48 501 234 567"], "state": "escalated",
                                               "note": "two cities"}, headers={"X-CSRF-Token": token})
    assert posted.status_code == 200 and posted.json()[0]["target"] == f"phone:{PHONE}"
    assert _actions(case_app, "review.") == ["review.set"] * 3


@pytest.mark.parametrize(
    ("role", "read", "manage", "review"),
    [
        (Role.ADMIN, True, True, True),
        (Role.ANALYST, True, True, True),
        (Role.PARTNER, False, False, False),
        (Role.MODERATOR, False, False, False),
        (Role.VIEWER, False, False, False),
    ],
)
def test_case_pages_and_api_answer_each_role(case_app: FastAPI, corpus: Corpus, role: Role, read: bool, manage: bool, review: bool) -> None:
    client = _client(case_app, role, f"user-{role.value}")
    token = csrf_of(client)
    assert (client.get("/cases").status_code == 200) == read
    assert (client.get("/api/v1/cases").status_code == 200) == read
    created = client.post("/api/v1/cases", json={"title": "t", "documents": ["ad-3"]}, headers={"X-CSRF-Token": token})
    assert (created.status_code == 201) == manage
    reviewed = client.post("/api/v1/reviews", json={"kind": "document", "targets": ["ad-3"], "state": "in_review"},
                           headers={"X-CSRF-Token": token})
    assert (reviewed.status_code == 200) == review
    if role in (Role.MODERATOR, Role.VIEWER):
        page = client.get(f"/documents/{corpus.pks['ad-3']}")
        assert page.status_code == 200 and 'id="casework"' not in page.text


def test_a_partner_named_as_case_member_is_refused_by_the_casework_routes(case_app: FastAPI, corpus: Corpus) -> None:
    """Partners read shared cases through the partnership grants only (tests/partners), never through membership."""
    ana = _client(case_app, Role.ANALYST, "ana")
    partner = _client(case_app, Role.PARTNER, "ngo")
    shared = ana.post("/api/v1/cases", json={"title": "shared", "members": ["ngo"], "networks": [corpus.network],
                                             "identifiers": ["+48 501 234 567"]}, headers={"X-CSRF-Token": csrf_of(ana)})
    case_id = shared.json()["id"]
    for path in ("/api/v1/cases", f"/api/v1/cases/{case_id}", f"/api/v1/cases/{case_id}/export", f"/cases/{case_id}"):
        response = partner.get(path)
        assert response.status_code == 403 and PHONE not in response.text, path
    changed = partner.patch(f"/api/v1/cases/{case_id}", json={"status": "Closed"}, headers={"X-CSRF-Token": csrf_of(partner)})
    assert changed.status_code == 403


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"title": ""}, 422),
        ({"title": "x", "documents": ["no-such-ad"]}, 404),
        ({"title": "x", "networks": ["c-0000"]}, 404),
        ({"title": "x", "identifiers": ["nothing to read here"]}, 422),
        ({"title": "x", "members": ["y" * 101]}, 422),
        ({"title": "x", "documents": ["ad-1"], "note": "first"}, 201),
    ],
)
def test_api_refuses_cases_that_cannot_hold(case_app: FastAPI, body: dict[str, object], status: int) -> None:
    ana = _client(case_app, Role.ANALYST, "ana")
    response = ana.post("/api/v1/cases", json=body, headers={"X-CSRF-Token": csrf_of(ana)})
    assert response.status_code == status, response.text
    if status != 201:
        assert ana.get("/api/v1/cases").json() == []

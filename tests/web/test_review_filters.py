"""Search and the network list by review: several states ("new" meaning never reviewed), assignee ("me"
too), label, and the order of the last review change; on SQLite and PostgreSQL, in one statement per page.

Reviews are set through the real route (``POST /api/v1/reviews``), as an analyst would set them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from pages_support import BACKENDS, backend_store
from web_support import TestClient, create_account, csrf_of, login, new_client

from vigil.documents import parse_document
from vigil.errors import InputError
from vigil.link import LinkConfig, build_features
from vigil.link.models import LinkDocument
from vigil.link.state import StoredLinks
from vigil.search import SearchQuery, search_documents
from vigil.store import Store
from vigil.store.models import AnalysisRow, DocumentRow, Source
from vigil.web.app import create_app
from vigil.web.permissions import CSRF_HEADER, Role

ANALYST = "olha"
#: Synthetic ads: (id, network or None, risk level, score)
ADS = [
    ("a1", "north", "high", 0.9), ("a2", "north", "high", 0.8), ("a3", "south", "low", 0.1),
    ("a4", "south", "low", 0.2), ("a5", None, "medium", 0.5), ("a6", None, "medium", 0.4),
]
PHONES = {"north": "+48601000222", "south": "+380501113344"}
#: Reviews in the order they are set (so the last review change orders them): (ad, change).
REVIEWS: list[tuple[str, dict[str, Any]]] = [
    ("a1", {"state": "dismissed", "reason": "duplicate of a closed lead", "labels": ["dup", "urgent-2"]}),
    ("a2", {"state": "escalated", "assignee": ANALYST, "labels": ["urgent"]}),
    ("a3", {"assignee": "petro", "labels": ['quote"and%percent']}),  # assigned, state stays new
    ("a4", {"state": "in_review", "assignee": ANALYST}),
    ("a5", {"state": "new", "note": "looked at it, nothing yet"}),  # reviewed, set (back) to new
]
NEVER_REVIEWED = ["a6"]


def _text(doc_id: str, network: str | None) -> str:
    if network == "north":
        return f"{doc_id}: new girl from abroad now in Warsaw, call any time, discreet"
    if network == "south":
        return f"Warehouse shifts in Lviv, weekly pay, apply at the office ({doc_id})."
    return f"Forum thread {doc_id} about agencies that keep passports."


def _seed(store: Store) -> tuple[dict[str, int], dict[str, str]]:
    features = []
    pks: dict[str, int] = {}
    with store.session() as session:
        source = Source(name="synthetic-review-filters")
        session.add(source)
        session.flush()
        for n, (doc_id, network, level, score) in enumerate(ADS):
            posted = datetime(2026, 4, 1 + n, 12, tzinfo=UTC)
            row = DocumentRow(source_id=source.id, doc_id=doc_id, title=f"ad {doc_id}", text=_text(doc_id, network),
                              kind="sex_ad" if network == "north" else "job_ad", platform="ads.example", lang="en",
                              location="Warsaw", posted_at=posted, images=[], meta={})
            session.add(row)
            session.flush()
            pks[doc_id] = row.pk
            session.add(AnalysisRow(document_pk=row.pk, lang="en", risk_score=score, risk_level=level, model="test",
                                    result={"id": doc_id, "risk": {"score": score, "level": level}}))
            if network is not None:
                document = parse_document({"id": doc_id, "text": _text(doc_id, network), "location": "Warsaw",
                                           "posted_at": posted.isoformat()})
                features.append(build_features(document, {"phones": [PHONES[network]]}))
    StoredLinks(store, LinkConfig()).add(features)
    with store.session() as session:
        networks = {
            net: str(session.scalars(sa.select(LinkDocument.cluster).where(LinkDocument.doc_id == first)).one())
            for net, first in (("north", "a1"), ("south", "a3"))
        }
    return pks, networks


@pytest.fixture(scope="module", params=BACKENDS)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, dict[str, int], dict[str, str]]]:
    with backend_store(request.param, tmp_path_factory.mktemp("review-filters") / "vigil-data") as store:
        pks, networks = _seed(store)
        app = create_app(store.settings, store=store)
        client = _client(app, Role.ANALYST, ANALYST)
        for doc_id, change in REVIEWS:
            _review(client, "document", [doc_id], change)
            time.sleep(0.002)  # distinct last-change times, even on a coarse clock
        _review(client, "network", [networks["south"]], {"state": "dismissed", "reason": "lawful agency", "labels": ["checked"]})
        time.sleep(0.002)
        _review(client, "network", [networks["north"]], {"state": "escalated", "assignee": ANALYST})
        client.close()
        yield app, pks, networks


def _client(app: FastAPI, role: Role, name: str | None = None) -> TestClient:
    account = create_account(app, role, name)
    client = new_client(app)
    assert login(client, account.name, account.password).status_code == 303
    return client


def _review(client: TestClient, kind: str, targets: list[str], change: dict[str, Any]) -> None:
    response = client.post("/api/v1/reviews", json={"kind": kind, "targets": targets, **change}, headers={CSRF_HEADER: csrf_of(client)})
    assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
def analyst(site: tuple[FastAPI, dict[str, int], dict[str, str]]) -> Iterator[TestClient]:
    app = site[0]
    client = new_client(app)
    from web_support import PASSWORD

    assert login(client, ANALYST, PASSWORD).status_code == 303
    yield client
    client.close()


def _store(site: tuple[FastAPI, dict[str, int], dict[str, str]]) -> Store:
    store: Store = site[0].state.store
    return store


def _found(store: Store, **fields: Any) -> list[str]:
    return [hit.doc_id for hit in search_documents(store, SearchQuery(per_page=50, **fields)).items]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"review_states": ("dismissed",)}, ["a1"]),
        ({"review_states": ("escalated", "in_review")}, ["a4", "a2"]),
        ({"review_states": ("new",)}, ["a6", "a5", "a3"]),                 # never reviewed, set back to new, only assigned
        ({"review_states": ("new", "dismissed")}, ["a6", "a5", "a3", "a1"]),
        ({"review_states": ("actioned",)}, []),
        ({"review_states": ("new", "in_review", "escalated", "dismissed", "actioned")}, ["a6", "a5", "a4", "a3", "a2", "a1"]),
        ({"assignee": ANALYST}, ["a4", "a2"]),
        ({"assignee": "petro"}, ["a3"]),
        ({"assignee": "petro", "review_states": ("new",)}, ["a3"]),         # an assigned lead in state new
        ({"assignee": ANALYST, "review_states": ("new",)}, []),
        ({"assignee": "nobody"}, []),
        ({"assignee": ANALYST.upper()}, []),                                # names are exact
        ({"label": "urgent"}, ["a2"]),                                      # a whole label, not part of "urgent-2"
        ({"label": "urgent-2"}, ["a1"]),
        ({"label": "urg"}, []),
        ({"label": 'quote"and%percent'}, ["a3"]),                          # JSON and LIKE characters are just text
        ({"label": "%"}, []),
        ({"label": "dup", "review_states": ("dismissed",)}, ["a1"]),
        ({"label": "dup", "review_states": ("escalated",)}, []),
        ({"text": "warehouse", "review_states": ("new",)}, ["a3"]),        # with the full-text words
        ({"text": "warehouse", "assignee": ANALYST}, ["a4"]),
        ({"sort": "reviewed"}, ["a5", "a4", "a3", "a2", "a1", "a6"]),       # last change first, never reviewed last
        ({"sort": "reviewed", "review_states": ("new",)}, ["a5", "a3", "a6"]),
        ({"sort": "reviewed", "text": "warehouse"}, ["a4", "a3"]),
    ],
)
def test_search_by_review(site: tuple[FastAPI, dict[str, int], dict[str, str]], fields: dict[str, Any], expected: list[str]) -> None:
    assert _found(_store(site), **fields) == expected


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"review_states": ("closed",)}, "review state is one of"),
        ({"review_states": ("new", "")}, "review state is one of"),
        ({"assignee": ""}, "1 to 100"),
        ({"assignee": "x" * 101}, "1 to 100"),
        ({"label": "x" * 65}, "1 to 64"),
        ({"label": "a\x00b"}, "control characters"),
        ({"sort": "last_seen"}, "sort must be one of"),
    ],
)
def test_review_filters_that_cannot_hold_are_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        SearchQuery(**fields)


def test_one_statement_per_page_whatever_its_length(site: tuple[FastAPI, dict[str, int], dict[str, str]]) -> None:
    """The review filters and order are part of the page's statements: no statement per result."""
    store = _store(site)
    counts = []
    for per_page in (1, 4):
        statements: list[str] = []

        def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement)  # noqa: B023 - read within this iteration only

        sa.event.listen(store.engine, "before_cursor_execute", count)
        try:
            page = search_documents(
                store, SearchQuery(review_states=("new", "dismissed"), label=None, sort="reviewed", per_page=per_page), reviews=True
            )
        finally:
            sa.event.remove(store.engine, "before_cursor_execute", count)
        assert len(page.items) == per_page
        assert any("review_states" in s for s in statements)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_hits_carry_their_review(site: tuple[FastAPI, dict[str, int], dict[str, str]]) -> None:
    page = search_documents(_store(site), SearchQuery(sort="reviewed", per_page=10), reviews=True)
    by_id = {hit.doc_id: hit.review for hit in page.items}
    assert by_id["a2"] is not None and (by_id["a2"].state, by_id["a2"].assignee, by_id["a2"].labels) == ("escalated", ANALYST, ("urgent",))
    assert by_id["a6"] is not None and by_id["a6"].to_json() == {"state": "new", "assignee": None, "labels": [], "updated_at": None}
    assert by_id["a1"] is not None and by_id["a1"].updated_at is not None and by_id["a1"].updated_at.tzinfo is not None
    unreviewed = search_documents(_store(site), SearchQuery(per_page=10))
    assert all(hit.review is None for hit in unreviewed.items)


def _api_ids(client: TestClient, params: list[tuple[str, str]]) -> list[str]:
    response = client.get("/api/v1/documents", params=[*params, ("per_page", "50")])
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ([("review", "dismissed"), ("review", "escalated")], ["a2", "a1"]),
        ([("review", "new")], ["a6", "a5", "a3"]),
        ([("assignee", "me")], ["a4", "a2"]),
        ([("assignee", "ME")], ["a4", "a2"]),
        ([("assignee", " me ")], ["a4", "a2"]),
        ([("assignee", "petro")], ["a3"]),
        ([("label", "urgent")], ["a2"]),
        ([("assignee", "me"), ("label", "urgent"), ("review", "escalated")], ["a2"]),
        ([("sort", "reviewed")], ["a5", "a4", "a3", "a2", "a1", "a6"]),
        ([("assignee", "")], ["a6", "a5", "a4", "a3", "a2", "a1"]),          # blank: anyone
    ],
)
def test_api_search_by_review(analyst: TestClient, params: list[tuple[str, str]], expected: list[str]) -> None:
    assert _api_ids(analyst, params) == expected


def test_api_hits_and_audit_entry_carry_the_review(analyst: TestClient, site: tuple[FastAPI, dict[str, int], dict[str, str]]) -> None:
    from vigil.web.models import AuditEntry

    items = analyst.get("/api/v1/documents", params=[("review", "escalated"), ("assignee", "me")]).json()["items"]
    assert [(i["id"], i["review"]["state"], i["review"]["assignee"], i["review"]["labels"]) for i in items] == [
        ("a2", "escalated", ANALYST, ["urgent"])
    ]
    with _store(site).session() as session:
        entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "document.search").order_by(AuditEntry.seq.desc())).first()
        assert entry is not None and entry.details["filters"] == {"review": ["escalated"], "assignee": ANALYST}


@pytest.mark.parametrize(
    "params",
    [[("review", "closed")], [("sort", "last_seen")], [("label", "x" * 65)], [("assignee", "x" * 101)],
     [("review", s) for s in ("new", "in_review", "escalated", "dismissed", "actioned", "new")]],
)
def test_api_refuses_review_filters_that_cannot_hold(analyst: TestClient, params: list[tuple[str, str]]) -> None:
    assert analyst.get("/api/v1/documents", params=params).status_code == 422


@pytest.mark.parametrize("role", [Role.VIEWER, Role.MODERATOR])
@pytest.mark.parametrize(
    "params", [[("review", "new")], [("assignee", "me")], [("label", "urgent")], [("sort", "reviewed")]]
)
def test_roles_that_do_not_review_may_not_search_by_review(
    site: tuple[FastAPI, dict[str, int], dict[str, str]], role: Role, params: list[tuple[str, str]]
) -> None:
    client = _client(site[0], role, f"{role.value}-{len(params[0][1])}-{params[0][0]}")
    try:
        assert client.get("/api/v1/documents", params=params).status_code == 403
        assert client.get("/documents", params=params).status_code == 403
        plain = client.get("/api/v1/documents")
        assert plain.status_code == 200 and all(item["review"] is None for item in plain.json()["items"])
        assert 'name="review"' not in client.get("/documents").text
    finally:
        client.close()


def test_search_page_keeps_every_ticked_state(analyst: TestClient) -> None:
    page = analyst.get("/documents", params=[("review", "new"), ("review", "dismissed"), ("per_page", "1")])
    assert page.status_code == 200
    html = page.text
    assert '<input type="checkbox" name="review" value="new" checked>' in html
    assert '<input type="checkbox" name="review" value="dismissed" checked>' in html
    assert '<input type="checkbox" name="review" value="escalated">' in html
    assert "review=new&amp;review=dismissed" in html  # the pager keeps both
    assert html.count('class="result card"') == 1


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Review state", "Assigned to", "Label", "in review", "dismissed", "last review change"]),
        ("uk", ["Стан перевірки", "Призначено", "Мітка", "на перевірці", "відхилено", "остання зміна перевірки"]),
    ],
)
def test_review_filters_in_every_interface_language(analyst: TestClient, lang: str, words: list[str]) -> None:
    html = analyst.get("/documents", params={"lang": lang}).text
    analyst.get("/documents", params={"lang": "en"})
    for word in words:
        assert word in html, word


def _networks(client: TestClient, params: list[tuple[str, str]]) -> list[dict[str, Any]]:
    response = client.get("/api/v1/networks", params=params)
    assert response.status_code == 200, response.text
    return list(response.json())


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ([("review", "dismissed")], ["south"]),
        ([("review", "dismissed"), ("review", "escalated")], ["north", "south"]),
        ([("review", "new")], []),
        ([("review", "new"), ("review", "")], []),
        ([("assignee", "me")], ["north"]),
        ([("assignee", "petro")], []),
        ([("label", "checked")], ["south"]),
        ([("label", "check")], []),
        ([("sort", "reviewed")], ["north", "south"]),
        ([("sort", "reviewed"), ("dir", "asc")], ["south", "north"]),
    ],
)
def test_network_list_by_review(
    analyst: TestClient, site: tuple[FastAPI, dict[str, int], dict[str, str]], params: list[tuple[str, str]], expected: list[str]
) -> None:
    names = {cluster: name for name, cluster in site[2].items()}
    assert [names[n["cluster"]] for n in _networks(analyst, params)] == expected


def test_network_list_shows_review_fields(analyst: TestClient, site: tuple[FastAPI, dict[str, int], dict[str, str]]) -> None:
    north = next(n for n in _networks(analyst, []) if n["cluster"] == site[2]["north"])
    assert (north["review"], north["assignee"], north["labels"]) == ("escalated", ANALYST, [])
    assert north["reviewed_at"] is not None and datetime.fromisoformat(north["reviewed_at"]).tzinfo is not None
    page = analyst.get("/networks", params=[("review", "escalated"), ("review", "dismissed"), ("assignee", "me")]).text
    assert '<input type="checkbox" name="review" value="escalated" checked>' in page
    assert 'name="assignee" maxlength="100" value="me"' in page
    assert "review=escalated&amp;review=dismissed&amp;assignee=me" in page  # the sort links keep the filters
    assert page.count("<tr data-network=") == 1


@pytest.mark.parametrize("params", [[("review", "new")], [("assignee", "me")], [("label", "checked")], [("sort", "reviewed")]])
def test_network_review_filters_need_review_permission(site: tuple[FastAPI, dict[str, int], dict[str, str]], params: list[tuple[str, str]]) -> None:
    client = _client(site[0], Role.VIEWER, f"viewer-net-{params[0][0]}")
    try:
        # A viewer may not read networks at all; a partner neither. Only admins and analysts list them,
        # and both review: the refusal is the permission check, not the filter.
        assert client.get("/api/v1/networks", params=params).status_code == 403
    finally:
        client.close()

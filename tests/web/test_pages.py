"""The analyst pages and their JSON API: dashboard, search, document view with evidence, contact masking, audit."""

from __future__ import annotations

import html
import json
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from pages_support import BACKENDS, backend_store

from vigil.documents import parse_document
from vigil.link import LinkConfig, build_features
from vigil.link.models import LinkDocument
from vigil.link.state import StoredLinks
from vigil.recognizers.catalogue import load_catalogue
from vigil.redaction import MASK_CHAR, ContactRedactor
from vigil.store import Store
from vigil.store.models import AnalysisRow, DocumentIndicator, DocumentRow, Evidence, Source
from vigil.trends.models import TrendAlertRow
from vigil.web import auth
from vigil.web.app import create_app
from vigil.web.models import AuditEntry
from vigil.web.pages.evidence import (
    Hit,
    contributions,
    entity_groups,
    highlight,
    hits_of,
)
from vigil.web.pages.networks_data import load_network, network_of

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

Client = Callable[[str], TestClient]
PASSWORD = "correct-horse-battery"

TITLE = "Робота в Польщі терміново"
TEXT = "Склад у Варшаві. Оплата за оформлення документів 150 євро. Пишіть у Telegram @italia_robota або +48 501 234 000."
FEE = "Оплата за оформлення документів 150 євро"
PHONE = "+48 501 234 000"
SHA = "ab" * 32


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def analysis_result(doc_id: str) -> dict[str, Any]:
    fee = _span(TEXT, FEE)
    urgent = _span(TITLE, "терміново")
    messenger = _span(TEXT, "Пишіть у Telegram @italia_robota")
    return {
        "id": doc_id, "lang": "uk", "kind": "job_ad",
        "risk": {"score": 0.87, "level": "high", "model": "job-test"},
        "indicators": [
            {"id": "upfront_fee", "evidence": FEE, "start": fee[0], "end": fee[1], "confidence": 0.9, "source": "OSCE-2022/rec3"},
            {"id": "urgency", "evidence": "терміново", "start": urgent[0], "end": urgent[1], "confidence": 0.6,
             "source": "ILO-2012", "field": "title"},
            {"id": "messenger_only", "evidence": "Пишіть у Telegram @italia_robota", "start": messenger[0],
             "end": messenger[1], "confidence": 0.7, "source": "OSCE-2022/rec3"},
        ],
        "entities": {"phones": ["+48501234000"], "emails": [], "handles": ["telegram:italia_robota"], "urls": [],
                     "ages": [], "prices": [{"amount": 150, "currency": "EUR"}], "locations": ["Warsaw"], "names": []},
    }


def seed(store: Store) -> dict[str, int]:
    """Two synthetic documents: one analysed job ad with evidence and a capture, one plain post."""
    with store.session() as session:
        source = Source(name="synthetic")
        session.add(source)
        session.add(Evidence(sha256=SHA, size=2048, media_type="text/html", url="https://robota.example/1",
                             captured_at=datetime(2026, 3, 4, 8, 30, tzinfo=UTC)))
        session.flush()
        ad = DocumentRow(source_id=source.id, doc_id="job-1", title=TITLE, text=TEXT, kind="job_ad",
                         platform="robota.example", url="https://robota.example/1", lang="uk",
                         posted_at=datetime(2026, 3, 3, 12, tzinfo=UTC), captured_at=datetime(2026, 3, 4, 8, 30, tzinfo=UTC),
                         images=["phash:8f3c2a1b00ff11ee"], meta={}, evidence_sha256=SHA)
        post = DocumentRow(source_id=source.id, doc_id="post-1", title="Forum", text="Anyone know the warehouse agency?",
                           kind="forum_post", platform="forum.example", lang="en",
                           posted_at=datetime(2026, 3, 5, 9, tzinfo=UTC), images=[], meta={})
        session.add_all([ad, post])
        session.flush()
        session.add(AnalysisRow(document_pk=ad.pk, lang="uk", risk_score=0.87, risk_level="high", model="job-test",
                                result=analysis_result("job-1")))
        session.add_all(DocumentIndicator(document_pk=ad.pk, indicator=i) for i in ("upfront_fee", "urgency", "messenger_only"))
        pks = {"ad": ad.pk, "post": post.pk}
        for i, city in enumerate(NETWORK_CITIES):
            row = DocumentRow(source_id=source.id, doc_id=f"net-{i}", title=f"New in {city}", text=network_text(city),
                              kind="sex_ad", platform="ads.example", lang="en",
                              posted_at=datetime(2026, 3, 10 + i, 20, tzinfo=UTC), images=[], meta={})
            session.add(row)
            session.flush()
            pks[f"net-{i}"] = row.pk
    features = []
    for i, city in enumerate(NETWORK_CITIES):
        document = parse_document({"id": f"net-{i}", "text": network_text(city), "kind": "sex_ad",
                                   "posted_at": f"2026-03-{10 + i}T20:00:00Z"})
        features.append(build_features(document, {"phones": [NETWORK_PHONE_E164], "locations": [city]}))
    StoredLinks(store, LinkConfig()).add(features)
    with store.session() as session:
        session.add(TrendAlertRow(segment="kind:sex_ad", freq="W", period_start=date(2026, 3, 9), observed=3, expected=0.4,
                                  ratio=7.5, p_value=0.001, q_value=0.004, direction="up", test="count", payload={}))
    return pks


NETWORK_CITIES = ("Warsaw", "Krakow", "Berlin")
NETWORK_PHONE_E164 = "+48601000111"


def network_text(city: str) -> str:
    return f"Just arrived in {city}, sweet and friendly, call +48 601 000 111 any time."


@dataclass
class Site:
    """One app on one seeded store for the whole module, with a logged-in client per role."""

    app: FastAPI
    docs: dict[str, int]
    clients: dict[str, TestClient]

    def client(self, role: str) -> TestClient:
        if role not in self.clients:
            with self.app.state.store.session() as session:
                auth.create_user(session, f"{role}-pages", role, PASSWORD)
            client = TestClient(self.app, base_url="https://testserver", raise_server_exceptions=False)
            form = client.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
            assert token is not None
            answer = client.post("/login", data={"name": f"{role}-pages", "password": PASSWORD,
                                                 "csrf_token": token.group(1), "next": "/"}, follow_redirects=False)
            assert answer.status_code == 303
            self.clients[role] = client
        return self.clients[role]


@pytest.fixture(scope="module", params=BACKENDS)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with backend_store(request.param, tmp_path_factory.mktemp("pages") / "vigil-data") as store:
        app = create_app(store.settings, store=store)
        made = Site(app, seed(store), {})
        yield made
        for client in made.clients.values():
            client.close()


@pytest.fixture
def docs(site: Site) -> dict[str, int]:
    return site.docs


@pytest.fixture
def logged_in(site: Site) -> Client:
    return site.client


@pytest.fixture
def web_app(site: Site) -> FastAPI:
    return site.app


def test_dashboard_shows_volumes_and_leads(logged_in: Client, docs: dict[str, int]) -> None:
    page = logged_in("analyst").get("/")
    assert page.status_code == 200
    assert "Highest-risk leads" in page.text
    assert f'href="/documents/{docs["ad"]}"' in page.text
    assert re.search(r'tile-n">5<', page.text)  # five documents
    assert "/networks/c-" in page.text  # the largest network


def test_search_page_and_htmx_partial(logged_in: Client, docs: dict[str, int]) -> None:
    client = logged_in("viewer")
    page = client.get("/documents", params={"q": "оформлення", "risk": "high"})
    assert page.status_code == 200 and "<html" in page.text
    assert "<mark>оформлення</mark>" in page.text
    assert f'href="/documents/{docs["ad"]}"' in page.text
    partial = client.get("/documents", params={"q": "warehouse"}, headers={"HX-Request": "true", "HX-Target": "results"})
    assert partial.status_code == 200 and "<html" not in partial.text
    assert f'href="/documents/{docs["post"]}"' in partial.text and f'href="/documents/{docs["ad"]}"' not in partial.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "yesterday"}, "from must be a date"),
        ({"q": "-only"}, "at least one word"),
        ({"page": "x"}, "whole numbers"),
        ({"risk": "severe"}, "risk level must be one of"),
    ],
)
def test_search_page_explains_bad_input(logged_in: Client, docs: dict[str, int], params: dict[str, str], message: str) -> None:
    page = logged_in("analyst").get("/documents", params=params)
    assert page.status_code == 422 and message in page.text


def test_document_page_highlights_and_explains_evidence(logged_in: Client, docs: dict[str, int]) -> None:
    page = logged_in("analyst").get(f"/documents/{docs['ad']}")
    assert page.status_code == 200
    html = page.text
    assert re.search(r'<mark class="evidence"[^>]*data-indicators="upfront_fee"><a href="#ind-upfront_fee">' + FEE + "</a></mark>", html)
    assert 'data-indicators="urgency"><a href="#ind-urgency">терміново</a>' in html  # title hit
    catalogue = load_catalogue()
    assert catalogue["upfront_fee"].title in html and catalogue["upfront_fee"].source in html
    assert SHA in html and "2026" in html  # evidence hash and capture time
    assert "phash:8f3c2a1b00ff11ee" in html and "<img" not in html  # images only as text
    assert PHONE in html and "+48501234000" in html  # analysts see contacts


@pytest.mark.parametrize(("role", "sees_contacts"), [("admin", True), ("analyst", True), ("moderator", False), ("viewer", False)])
def test_contacts_masked_by_role(logged_in: Client, docs: dict[str, int], role: str, sees_contacts: bool) -> None:
    client = logged_in(role)
    html = client.get(f"/documents/{docs['ad']}").text
    api = client.get(f"/api/v1/documents/{docs['ad']}").json()
    for shown in (html, str(api)):
        assert ("+48501234000" in shown) is sees_contacts
        assert ("italia_robota" in shown) is sees_contacts
        assert (PHONE in shown) is sees_contacts
    assert api["contacts_masked"] is not sees_contacts
    assert len(api["text"]) == len(TEXT)  # masking keeps offsets valid
    assert FEE in api["text"]


def test_every_view_is_audited(web_app: FastAPI, logged_in: Client, docs: dict[str, int]) -> None:
    client = logged_in("analyst")
    store: Store = web_app.state.store
    with store.session() as session:
        before = session.scalar(sa.select(sa.func.max(AuditEntry.seq))) or 0
    client.get(f"/documents/{docs['ad']}")
    client.get(f"/api/v1/documents/{docs['post']}")
    with store.session() as session:
        views = session.execute(
            sa.select(AuditEntry.action, AuditEntry.target_type, AuditEntry.target_id, AuditEntry.actor_role)
            .where(AuditEntry.action == "document.view", AuditEntry.seq > before)
            .order_by(AuditEntry.seq)
        ).tuples().all()
    assert views == [("document.view", "document", str(docs["ad"]), "analyst"),
                     ("document.view", "document", str(docs["post"]), "analyst")]


def test_api_search(logged_in: Client, docs: dict[str, int]) -> None:
    body = logged_in("viewer").get("/api/v1/documents", params={"q": "склад", "kind": "job_ad"}).json()
    assert body["total"] == 1 and body["items"][0]["id"] == "job-1"
    assert body["items"][0]["indicators"] == ["messenger_only", "upfront_fee", "urgency"]
    assert ["Склад", True] in body["items"][0]["highlights"]


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/documents/999999", 404, "not_found"),
        ("/api/v1/documents/abc", 422, "invalid_input"),
        ("/api/v1/documents/99999999999999999999999", 422, "invalid_input"),
        ("/api/v1/documents/0", 422, "invalid_input"),
        ("/api/v1/documents?per_page=1000", 422, "invalid_input"),
        ("/api/v1/documents?kind=spam", 422, "invalid_input"),
        ("/api/v1/documents?q=-x", 422, "invalid_input"),
        ("/api/v1/documents?from=2026-02-30", 422, "invalid_input"),
        ("/api/v1/documents?platform=a%00b", 422, "invalid_input"),
        ("/api/v1/trends/alerts?segment=a%00b", 422, "invalid_input"),
    ],
)
def test_api_errors_have_one_shape(logged_in: Client, docs: dict[str, int], path: str, status: int, code: str) -> None:
    response = logged_in("analyst").get(path)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def _cluster(web_app: FastAPI) -> str:
    with web_app.state.store.session() as session:
        cluster = session.scalar(sa.select(LinkDocument.cluster).where(LinkDocument.doc_id == "net-0"))
    assert cluster is not None
    return cluster


def test_network_page(web_app: FastAPI, logged_in: Client, docs: dict[str, int]) -> None:
    cluster = _cluster(web_app)
    client = logged_in("analyst")
    doc_page = client.get(f"/documents/{docs['net-1']}").text
    assert f'href="/networks/{cluster}"' in doc_page
    page = client.get(f"/networks/{cluster}")
    assert page.status_code == 200
    found = re.search(r"data-elements='([^']*)'", page.text)
    assert found is not None
    elements = json.loads(html.unescape(found.group(1)))
    ads = [n for n in elements["nodes"] if n["data"]["type"] == "ad"]
    shared = [n for n in elements["nodes"] if n["data"]["type"] == "identifier"]
    assert sorted(n["data"]["label"] for n in ads) == ["net-0", "net-1", "net-2"]
    assert [n["data"]["label"] for n in shared] == [f"phone:{NETWORK_PHONE_E164}"]
    assert sorted(e["data"]["source"] for e in elements["edges"] if e["data"]["type"] == "shares") == ["d:net-0", "d:net-1", "d:net-2"]
    assert all(e["data"]["type"] in {"shares", "template"} for e in elements["edges"])
    assert {n["data"]["href"] for n in ads} == {f"/documents/{docs[f'net-{i}']}" for i in range(3)}
    assert "Warsaw" in page.text and "Berlin" in page.text and "shared_contact" in page.text
    assert "/static/vendor/cytoscape-3.35.0.min.js" in page.text and "/static/pages/network.js" in page.text
    listing = client.get("/networks")
    assert f'href="/networks/{cluster}"' in listing.text


def test_network_api_and_audit(web_app: FastAPI, logged_in: Client, docs: dict[str, int]) -> None:
    cluster = _cluster(web_app)
    body = logged_in("admin").get(f"/api/v1/networks/{cluster}").json()
    assert body["size"] == 3 and body["shared_identifiers"] == {f"phone:{NETWORK_PHONE_E164}": 3}
    assert sorted(m["id"] for m in body["members"]) == ["net-0", "net-1", "net-2"]
    with web_app.state.store.session() as session:
        last = session.execute(sa.select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).scalar_one()
    assert (last.action, last.target_type, last.target_id, last.actor_role) == ("network.view", "network", cluster, "admin")


def test_network_masks_contacts_without_permission(web_app: FastAPI, docs: dict[str, int]) -> None:
    view = load_network(web_app.state.store, _cluster(web_app), show_contacts=False)
    assert view is not None
    labels = [n["data"]["label"] for n in view.graph["nodes"] if n["data"]["type"] == "identifier"]
    assert labels and all(NETWORK_PHONE_E164 not in label and label.startswith("phone:") for label in labels)
    ref = network_of(web_app.state.store, docs["net-0"])
    assert ref is not None and ref.size == 3
    assert network_of(web_app.state.store, docs["post"]) is None


@pytest.mark.parametrize(("path", "status"), [("/networks/c-doesnotexist", 404), ("/api/v1/networks/c-nothing", 404),
                                              ("/api/v1/networks/bad%20id!", 422)])
def test_unknown_network(logged_in: Client, docs: dict[str, int], path: str, status: int) -> None:
    assert logged_in("analyst").get(path).status_code == status


@pytest.mark.parametrize("role", ["viewer", "moderator", "partner"])
def test_network_refused_without_permission(web_app: FastAPI, logged_in: Client, docs: dict[str, int], role: str) -> None:
    cluster = _cluster(web_app)
    client = logged_in(role)
    assert client.get(f"/networks/{cluster}").status_code == 403
    assert client.get(f"/api/v1/networks/{cluster}").status_code == 403


def test_trends_page_charts_a_segment_with_alert_periods(logged_in: Client, docs: dict[str, int]) -> None:
    page = logged_in("viewer").get("/trends", params={"segment": "kind:sex_ad"})
    assert page.status_code == 200
    found = re.search(r"data-series='([^']*)'", page.text)
    assert found is not None
    chart = json.loads(html.unescape(found.group(1)))
    assert chart["segment"] == "kind:sex_ad" and "2026-03-09" in chart["periods"]
    assert sum(c or 0 for c in chart["count"]) == 3  # the three network ads
    assert chart["alerts"] == ["2026-03-09"]  # the stored alert period is shaded
    assert "/static/vendor/echarts-6.1.0.common.min.js" in page.text and "/static/pages/trends.js" in page.text
    assert 'href="/trends?segment=kind%3Asex_ad&amp;freq=W"' in page.text  # newest alerts list


def test_trends_api(logged_in: Client, docs: dict[str, int]) -> None:
    client = logged_in("analyst")
    series = client.get("/api/v1/trends/series", params={"segment": "kind:job_ad"}).json()
    assert series["freq"] == "W" and sum(p["count"] or 0 for p in series["points"]) == 1
    segments = {s["segment"]: s["documents"] for s in client.get("/api/v1/trends/segments").json()["segments"]}
    assert segments["kind:sex_ad"] == 3 and segments["lang:en"] == 4
    alerts = client.get("/api/v1/trends/alerts", params={"since": "2026-03-01"}).json()
    assert [(a["segment"], a["period_start"], a["direction"]) for a in alerts] == [("kind:sex_ad", "2026-03-09", "up")]
    assert client.get("/api/v1/trends/alerts", params={"since": "2026-04-01"}).json() == []
    assert client.get("/api/v1/trends/series", params={"segment": "kind:nothing"}).status_code == 404
    svg = client.get("/trends/chart.svg", params={"segment": "kind:sex_ad"})
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.content


@pytest.mark.parametrize("path", ["/trends", "/api/v1/trends/series?segment=kind:sex_ad", "/api/v1/trends/alerts"])
def test_partner_sees_no_trends(logged_in: Client, docs: dict[str, int], path: str) -> None:
    assert logged_in("partner").get(path).status_code == 403


@pytest.mark.parametrize("path", ["/", "/documents", "/documents/1", "/api/v1/documents", "/api/v1/documents/1"])
def test_partner_may_not_read_the_corpus(logged_in: Client, docs: dict[str, int], path: str) -> None:
    assert logged_in("partner").get(path).status_code == 403


def test_pages_carry_no_inline_script(logged_in: Client, docs: dict[str, int]) -> None:
    client = logged_in("analyst")
    for path in ("/", "/documents", f"/documents/{docs['ad']}"):
        html = client.get(path).text
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
        assert " style=" not in html and "<style" not in html


def test_ukrainian_interface(logged_in: Client, docs: dict[str, int]) -> None:
    html = logged_in("analyst").get(f"/documents/{docs['ad']}", params={"lang": "uk"}).text
    assert ('lang="uk"' in html and "Докази" in html) or "Індикатори" in html


# ---- pure functions of the document page ------------------------------------------------------


@pytest.fixture(scope="module")
def redactor() -> ContactRedactor:
    return ContactRedactor.build()


def _hit(indicator: str, start: int, end: int, field: str = "text", n: int = 1) -> Hit:
    return Hit(indicator, start, end, field, "", 0.5, None, n)


def test_highlight_splits_overlaps() -> None:
    segments = highlight("abcdefghij", [_hit("a", 1, 5), _hit("b", 3, 8, n=2), _hit("t", 0, 2, "title")])
    assert [(s.text, s.indicators) for s in segments] == [
        ("a", ()), ("bc", ("a",)), ("de", ("a", "b")), ("fgh", ("b",)), ("ij", ()),
    ]


@pytest.mark.parametrize(
    "raw",
    [
        {"id": "x", "start": 5, "end": 3},
        {"id": "x", "start": -1, "end": 3},
        {"id": "x", "start": "1", "end": 3},
        {"id": "x", "start": 0, "end": 999},
        {"id": "x"},
    ],
)
def test_bad_offsets_are_never_highlighted(raw: dict[str, Any]) -> None:
    hits = hits_of({"indicators": [raw, "junk", {"start": 0, "end": 1}]})
    assert [h.indicator for h in hits] == ["x"]
    assert [s.hits for s in highlight("short", hits)] == [()]


@pytest.mark.parametrize(
    ("text", "masked_part"),
    [
        ("call +48 501 234 000 now", "+48 501 234 000"),
        ("tel 0501234567", "0501234567"),
        ("Телефон +371 2О2 892 1О.", "+371 2О2 892 1О"),  # Cyrillic О for zero
        ("mail anna.k@example.com ok", "anna.k@example.com"),
        ("mail anna (at) example (dot) com ok", "anna (at) example (dot) com"),
        ("tg @italia_robota", "@italia_robota"),
        ("see https://t.me/italia_robota", "https://t.me/italia_robota"),
        ("пишіть t.me/robota_ua", "t.me/robota_ua"),
    ],
)
def test_mask_contacts(redactor: ContactRedactor, text: str, masked_part: str) -> None:
    masked = redactor.redact(text)
    assert len(masked) == len(text)
    start = text.index(masked_part)
    assert set(masked[start : start + len(masked_part)]) <= {MASK_CHAR, " "}
    assert masked[:start] == text[:start]


@pytest.mark.parametrize("text", ["150 євро за 2 дні", "age 19, 24/7", "Warsaw 2026-03-03", "Hello I loooooove Oslo", "OOO Ltd"])
def test_mask_contacts_leaves_prices_ages_dates(redactor: ContactRedactor, text: str) -> None:
    assert redactor.redact(text) == text


def test_contributions_reported_or_from_confidence() -> None:
    hits = hits_of(analysis_result("x"))
    fallback = contributions({"risk": {"score": 0.8}}, hits)
    assert [(c.indicator, c.value, c.kind) for c in fallback] == [
        ("upfront_fee", 0.9, "confidence"), ("messenger_only", 0.7, "confidence"), ("urgency", 0.6, "confidence"),
    ]
    reported = contributions({"risk": {"contributions": [{"feature": "urgency", "contribution": 0.4}, {"id": "upfront_fee", "value": -0.1}]}}, hits)
    assert [(c.indicator, c.value, c.kind) for c in reported] == [("urgency", 0.4, "weight"), ("upfront_fee", -0.1, "weight")]
    as_mapping = contributions({"risk": {"contributions": {"a": 0.2, "b": "junk"}}}, [])
    assert [(c.indicator, c.value) for c in as_mapping] == [("a", 0.2)]


def test_entity_groups_mask_only_contacts() -> None:
    groups = {g.kind: g for g in entity_groups(analysis_result("x"), show_contacts=False)}
    assert groups["phones"].masked and "+48501234000" not in groups["phones"].values
    assert groups["handles"].masked and groups["locations"].values == ("Warsaw",) and not groups["locations"].masked
    assert groups["prices"].values == ("150 EUR",)
    shown = {g.kind: g for g in entity_groups(analysis_result("x"), show_contacts=True)}
    assert shown["phones"].values == ("+48501234000",)

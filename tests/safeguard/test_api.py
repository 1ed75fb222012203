"""The safeguarding routes in the real app, with API keys and roles."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from web_support import TestClient

from vigil.safeguard.campaigns import seed_demo_campaigns
from vigil.web.audit import SYSTEM, change_recorder
from vigil.web.pages.safeguard import MAX_BATCH
from vigil.web.permissions import declared_routes

Keys = Callable[[str], dict[str, str]]


def test_every_safeguard_route_declares_a_rule(web_app: FastAPI) -> None:
    ours = [
        r
        for r in declared_routes(web_app)
        if any(part in r.path for part in ("query-check", "campaign", "safeguard")) or r.path.startswith("/help")
    ]
    assert len(ours) >= 10
    for route in ours:
        assert route.declared, route.path
        assert route.public == route.path.startswith("/help"), route.path


def test_get_query_check(client: TestClient, api_key: Keys) -> None:
    response = client.get("/api/v1/query-check", params={"q": "ukrainian escort"}, headers=api_key("partner"))
    assert response.status_code == 200
    body = response.json()
    assert body["category"] == "exploitation" and body["action"] == "suppress_and_deter"
    assert body["message"]["kind"] == "deterrence" and body["message"]["helplines"]


def test_post_batch_keeps_order(client: TestClient, api_key: Keys) -> None:
    queries = ["ford escort", "робота в польщі", {"query": "teen porn", "prior_deterrence": True}, "ukrainian escort"]
    response = client.post(
        "/api/v1/query-check", json={"queries": queries, "country": "pl"}, headers=api_key("partner")
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["query"] for r in results] == ["ford escort", "робота в польщі", "teen porn", "ukrainian escort"]
    assert [r["action"] for r in results] == ["none", "show_safety_info", "suppress_and_deter", "suppress_and_deter"]
    assert results[1]["message"]["lang"] == "uk"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"queries": ["x"] * (MAX_BATCH + 1)}, 413, "too_large"),
        ({"queries": []}, 422, "invalid_input"),
        ({"queries": ["x" * 5000]}, 422, "invalid_input"),
        ({"query": "x"}, 422, "invalid_input"),
        ({"queries": ["x"], "country": "Poland"}, 422, "invalid_input"),
    ],
)
def test_post_errors_use_the_one_error_shape(
    client: TestClient, api_key: Keys, body: object, status: int, code: str
) -> None:
    response = client.post("/api/v1/query-check", json=body, headers=api_key("partner"))
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code and error["correlation_id"]


def test_full_batch_is_accepted(client: TestClient, api_key: Keys) -> None:
    response = client.post(
        "/api/v1/query-check", json={"queries": ["ukrainian escort"] * MAX_BATCH}, headers=api_key("partner")
    )
    assert response.status_code == 200
    assert len(response.json()["results"]) == MAX_BATCH


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("partner", 200), ("moderator", 200)])
def test_roles(client: TestClient, api_key: Keys, role: str, status: int) -> None:
    response = client.get("/api/v1/query-check", params={"q": "x"}, headers=api_key(role))
    assert response.status_code == status


def test_anonymous_is_refused(client: TestClient) -> None:
    response = client.get("/api/v1/query-check", params={"q": "x"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_stats_count_without_identifiers(client: TestClient, api_key: Keys) -> None:
    headers = api_key("partner")
    client.post(
        "/api/v1/query-check",
        json={"queries": ["ukrainian escort", "ford escort", {"query": "ukrainian escort", "prior_deterrence": True}]},
        headers=headers,
    )
    stats = client.get("/api/v1/safeguard/stats", params={"days": 1}, headers=headers).json()
    assert stats["total"]["queries"] == 3
    assert stats["total"]["exploitation"] == 2
    assert stats["total"]["repeat_rate"] == 0.5
    assert stats["total"]["exploitation_share"] == pytest.approx(2 / 3)


def test_campaign_match_and_counting(client: TestClient, api_key: Keys, web_app: FastAPI) -> None:
    seed_demo_campaigns(web_app.state.store, audit=change_recorder(SYSTEM, "campaign"))
    headers = api_key("partner")
    minor = client.get(
        "/api/v1/campaigns/match", params={"lang": "uk", "country": "PL", "age": 16, "gender": "f"}, headers=headers
    ).json()
    assert minor["campaign"]["name"] == "Young people: stay safe online"
    adult = client.get(
        "/api/v1/campaigns/match",
        params={"lang": "uk", "country": "PL", "age": 30, "audience": "job_seekers"},
        headers=headers,
    ).json()
    assert adult["campaign"]["name"] == "Safe work abroad" and adult["message"]["lang"] == "uk"
    campaign_id = adult["campaign"]["id"]
    assert (
        client.post(f"/api/v1/campaigns/{campaign_id}/displays", json={"lang": "uk"}, headers=headers).status_code
        == 202
    )
    assert (
        client.post(f"/api/v1/campaigns/{campaign_id}/clicks", json={"lang": "uk"}, headers=headers).status_code == 202
    )
    detail = client.get(f"/api/v1/campaigns/{campaign_id}", headers=headers).json()
    assert detail["counts"][-1]["displays"] >= 1 and detail["counts"][-1]["clicks"] >= 1
    assert client.post("/api/v1/campaigns/9999/displays", json={"lang": "uk"}, headers=headers).status_code == 404


def test_campaign_management_needs_manage(client: TestClient, api_key: Keys) -> None:
    campaign = {
        "name": "Test campaign",
        "messages": {"en": {"title": "Stay safe", "body": "Check offers."}},
        "audiences": ["refugees"],
    }
    assert client.post("/api/v1/campaigns", json=campaign, headers=api_key("partner")).status_code == 403
    created = client.post("/api/v1/campaigns", json=campaign, headers=api_key("moderator"))
    assert created.status_code == 201
    listed = client.get("/api/v1/campaigns", headers=api_key("viewer")).json()["campaigns"]
    assert "Test campaign" in [c["name"] for c in listed]
    assert client.post("/api/v1/campaigns", json=campaign, headers=api_key("admin")).status_code == 422
    bad = {**campaign, "name": "Bad", "helplines": ["invented"]}
    assert client.post("/api/v1/campaigns", json=bad, headers=api_key("admin")).status_code == 422


@pytest.mark.parametrize("lang", ["uk", "ru", "en", "pl", "de", "cs", "ro"])
def test_help_pages(client: TestClient, lang: str) -> None:
    response = client.get(f"/help/{lang}")
    assert response.status_code == 200
    page = response.text
    assert f'<html lang="{lang}">' in page
    assert "1547" in page and "112" in page
    assert "https://dn.gov.ua/" in page
    assert "0 800 500 335" not in page


def test_help_index_and_unknown_language(client: TestClient) -> None:
    index = client.get("/help")
    assert index.status_code == 200 and "/help/uk" in index.text
    assert client.get("/help/xx").status_code == 404


def test_analyst_campaign_pages(client: TestClient, api_key: Keys, web_app: FastAPI) -> None:
    seed_demo_campaigns(web_app.state.store, audit=change_recorder(SYSTEM, "campaign"))
    headers = api_key("viewer")
    listing = client.get("/safeguard/campaigns", headers=headers)
    assert listing.status_code == 200 and "Safe work abroad" in listing.text
    first = client.get("/api/v1/campaigns", headers=headers).json()["campaigns"][0]["id"]
    page = client.get(f"/safeguard/campaigns/{first}", headers=headers)
    assert page.status_code == 200
    anonymous = client.get("/safeguard/campaigns", follow_redirects=False)
    assert anonymous.status_code in {401, 303}
    assert "Safe work abroad" not in anonymous.text


def test_query_check_gives_reasons(client: TestClient, api_key: Keys) -> None:
    response = client.get(
        "/api/v1/query-check", params={"q": "matroane ucrainence bucuresti"}, headers=api_key("partner")
    )
    body = response.json()
    assert body["category"] == "exploitation"
    assert body["reasons"][0] == {"kind": "rule", "rule": "origin_slang", "concepts": ["origin", "female", "slang"]}
    batch = client.post("/api/v1/query-check", json={"queries": ["ford escort"]}, headers=api_key("partner")).json()
    assert batch["results"][0]["category"] == "neutral"
    assert "rule" not in [reason["kind"] for reason in batch["results"][0]["reasons"]]

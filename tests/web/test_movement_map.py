"""The movement map: a network's and an identifier's ads by city in time order (JSON), the map
container on the network, identifier and dashboard pages with no inline script, and the
dashboard's ads and high-risk leads by country."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from pages_support import BACKENDS, backend_store
from test_network_triage import PHONES, seed
from web_support import TestClient, create_account, login, new_client

from vigil.web.app import create_app
from vigil.web.pages.movement_data import Sighting, locate, movement
from vigil.web.permissions import Role

D1, D2, D3 = (datetime(2026, 3, d, 12, tzinfo=UTC) for d in (1, 2, 3))


@pytest.mark.parametrize(
    ("sightings", "cities", "route", "no_place", "unknown"),
    [
        # Out of order in, time order out; a return to a city is a new stop.
        ([Sighting("Warsaw", D2), Sighting("Kraków", D1), Sighting("Kraków", D3)],
         {"Kraków": 2, "Warsaw": 1}, ["Kraków", "Warsaw", "Kraków"], 0, {}),
        # One city: one stop, no legs to draw.
        ([Sighting("Berlin", D1), Sighting("Berlin", D2)], {"Berlin": 2}, ["Berlin"], 0, {}),
        # Another script and spelling find the same city.
        ([Sighting("Київ", D1), Sighting("Kyiv", D2)], {"Kyiv": 2}, ["Kyiv"], 0, {}),
        # No coordinates: no place at all, a country only, or a name no gazetteer knows.
        ([Sighting(None, D1), Sighting("  ", D2)], {}, [], 2, {}),
        ([Sighting("Ukraine", D1)], {}, [], 0, {"Ukraine": 1}),
        ([Sighting("Qqzxville", D1), Sighting("Lviv", D2)], {"Lviv": 1}, ["Lviv"], 0, {"Qqzxville": 1}),
        # Undated ads come after the dated ones; naive times are read as UTC.
        ([Sighting("Lviv", None), Sighting("Warsaw", datetime(2026, 3, 1))], {"Warsaw": 1, "Lviv": 1}, ["Warsaw", "Lviv"], 0, {}),
        ([], {}, [], 0, {}),
    ],
)
def test_movement_from_sightings(
    sightings: list[Sighting], cities: dict[str, int], route: list[str], no_place: int, unknown: dict[str, int]
) -> None:
    out = movement(sightings)
    assert {c["city"]: c["ads"] for c in out["cities"]} == cities
    assert [s["city"] for s in out["route"]] == route
    assert [s["order"] for s in out["route"]] == list(range(1, len(route) + 1))
    assert out["unplaced"] == {"no_place": no_place, "unknown": unknown}
    for city in out["cities"]:
        assert -90 <= city["lat"] <= 90 and -180 <= city["lon"] <= 180


def test_first_and_last_seen_per_city() -> None:
    out = movement([Sighting("Kraków", D3), Sighting("Kraków", D1), Sighting("Warsaw", D2)])
    krakow = next(c for c in out["cities"] if c["city"] == "Kraków")
    assert (krakow["first_seen"], krakow["last_seen"]) == (D1.isoformat(), D3.isoformat())


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Kraków", ("Kraków", "PL", 50.06, 19.94)), ("Warszawa", ("Warsaw", "PL", 52.23, 21.01)),
     ("Poland", None), ("Qqzxville", None), ("", None)],
)
def test_locate(name: str, expected: tuple[str, str, float, float] | None) -> None:
    city = locate(name)
    assert (None if city is None else (city.name, city.country, city.lat, city.lon)) == expected


@pytest.fixture(scope="module", params=BACKENDS)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    with backend_store(request.param, tmp_path_factory.mktemp("movement") / "vigil-data") as store:
        yield create_app(store.settings, store=store), seed(store)


def _client(app: FastAPI, role: Role) -> TestClient:
    account = create_account(app, role)
    client = new_client(app)
    assert login(client, account.name, account.password).status_code == 303
    return client


@pytest.fixture(scope="module")
def analyst(site: tuple[FastAPI, dict[str, str]]) -> TestClient:
    return _client(site[0], Role.ANALYST)


def _route(body: dict[str, Any]) -> list[str]:
    return [stop["city"] for stop in body["route"]]


def test_network_movement_json(analyst: TestClient, site: tuple[FastAPI, dict[str, str]]) -> None:
    clusters = site[1]
    hot = analyst.get(f"/api/v1/networks/{clusters['hot']}/movement").json()
    # The ads' own places, never the origin their text names (Ukraine).
    assert _route(hot) == ["Warsaw", "Kraków", "Berlin"]
    assert {c["country"] for c in hot["cities"]} == {"PL", "DE"}
    calm = analyst.get(f"/api/v1/networks/{clusters['calm']}/movement").json()
    assert _route(calm) == ["Lviv"] and calm["cities"][0]["ads"] == 2
    assert analyst.get("/api/v1/networks/no-such-network/movement").status_code == 404


def test_identifier_movement_json(analyst: TestClient) -> None:
    # The seed links the phones but does not index them: the lookup finds no ads, and the map is empty.
    body = analyst.get(f"/api/v1/movement/identifiers/{PHONES['hot']}").json()
    assert body == {"cities": [], "route": [], "unplaced": {"no_place": 0, "unknown": {}}, "truncated": False}
    assert analyst.get("/api/v1/movement/identifiers/not-an-identifier").status_code == 422


@pytest.mark.parametrize(("role", "status"), [(Role.VIEWER, 403), (Role.MODERATOR, 403)])
def test_movement_is_for_roles_that_see_networks_and_contacts(
    site: tuple[FastAPI, dict[str, str]], role: Role, status: int
) -> None:
    client = _client(site[0], role)
    assert client.get(f"/api/v1/networks/{site[1]['hot']}/movement").status_code == status
    assert client.get(f"/api/v1/movement/identifiers/{PHONES['hot']}").status_code == status


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


@pytest.mark.parametrize(
    ("path", "container"),
    [("/networks/{hot}", 'id="movement-map"'), ("/", 'id="country-map"')],
)
def test_pages_carry_the_map_and_no_inline_script(
    analyst: TestClient, site: tuple[FastAPI, dict[str, str]], path: str, container: str
) -> None:
    page = analyst.get(path.format(hot=site[1]["hot"]))
    assert page.status_code == 200
    assert container in page.text
    assert "/static/pages/movement.js" in page.text and "/static/vendor/echarts-6.1.0.min.js" in page.text
    assert not _INLINE_SCRIPT.search(page.text)
    assert analyst.get("/static/vendor/world-110m.geojson").status_code == 200


def test_identifier_page_without_ads_draws_no_map(analyst: TestClient) -> None:
    page = analyst.get("/identifiers/" + PHONES["hot"])
    assert page.status_code == 200 and 'id="movement-map"' not in page.text
    assert not _INLINE_SCRIPT.search(page.text)


def test_dashboard_counts_ads_and_high_risk_by_country(analyst: TestClient) -> None:
    page = analyst.get("/").text
    match = re.search(r"data-series='([^']*)'[^>]*data-world", page)
    assert match is not None
    import html
    import json

    data = json.loads(html.unescape(match.group(1)))
    by_country = {row["country"]: (row["ads"], row["high"]) for row in data["countries"]}
    assert by_country == {"PL": (2, 2), "DE": (1, 0), "UA": (2, 0)}
    assert data["unplaced"] == 0

"""Rough edges of issue 14 item 6, the last three: API docs page, /help by Accept-Language, trend alert windows."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from web_support import TestClient, create_account, login, new_client

import vigil.web
from vigil.settings import load_settings
from vigil.store import Store
from vigil.trends.detect import Alert
from vigil.trends.models import TrendAlertRow
from vigil.web.app import create_app
from vigil.web.pages.trends_data import summed_window_start, with_window
from vigil.web.permissions import Role


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    store = Store.open(load_settings(data_dir=tmp_path_factory.mktemp("edges") / "vigil-data", database_url=""))
    try:
        yield create_app(store.settings, store=store)
    finally:
        store.close()


@pytest.fixture(scope="module")
def visitor(app: FastAPI) -> TestClient:
    return new_client(app)


@pytest.mark.parametrize(
    ("accept_language", "query", "location"),
    [
        ("uk-UA,uk;q=0.9,en;q=0.5", "", "/help/uk"),
        ("ru", "", "/help/ru"),
        ("de-AT", "", "/help/de"),  # a regional tag reaches its language's page
        ("fr-FR,fr;q=0.9,pl;q=0.7", "", "/help/pl"),  # no French page: the next language the visitor reads
        ("en;q=0.2,cs;q=0.8", "", "/help/cs"),  # quality, not order, decides
        ("ro;q=0,en", "", "/help/en"),  # q=0 means "not this one"
        ("uk", "?lang=ru", "/help/ru"),  # ?lang= wins over the header
        ("uk", "?lang=xx", "/help/uk"),  # an unknown ?lang= falls back to the header
        ("", "?lang=de", "/help/de"),
    ],
)
def test_help_follows_the_visitors_language(
    visitor: TestClient, accept_language: str, query: str, location: str
) -> None:
    response = visitor.get(f"/help{query}", headers={"Accept-Language": accept_language}, follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == location
    assert "accept-language" in response.headers["vary"].lower()
    assert visitor.get(location).status_code == 200


@pytest.mark.parametrize("accept_language", ["", "fr-FR,fr;q=0.9", "*", "zz;q=1;;,,", "uk;q=abc"])
def test_help_lists_every_language_when_none_of_the_visitors_has_a_page(
    visitor: TestClient, accept_language: str
) -> None:
    response = visitor.get("/help", headers={"Accept-Language": accept_language}, follow_redirects=False)
    assert response.status_code == 200
    assert 'href="/help/uk"' in response.text and 'href="/help/en"' in response.text


VENDOR = Path(vigil.web.__file__).parent / "static" / "vendor"
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL)
ASSET = re.compile(r'(?:src|href)="(/static/[^"]+)"')


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_api_docs_page_draws_the_openapi_document_under_the_strict_policy(visitor: TestClient, lang: str) -> None:
    response = visitor.get("/api/v1/docs", params={"lang": lang})
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    page = response.text
    assert 'data-openapi-url="/api/v1/openapi.json"' in page
    assert ("<h1>Документація API</h1>" if lang == "uk" else "<h1>API documentation</h1>") in page
    scripts = SCRIPT_TAG.findall(page)
    assert scripts, "Swagger UI and its initialiser are loaded"
    assert all("src=" in attrs and not body.strip() for attrs, body in scripts), "no inline script"
    assets = ASSET.findall(page)
    assert {"/static/vendor/swagger-ui-bundle-5.36.0.js", "/static/pages/api_docs.js"} <= set(assets)
    assert "/static/vendor/swagger-ui-5.36.0.css" in assets
    for asset in assets:
        assert visitor.get(asset).status_code == 200, asset
    assert visitor.get("/api/v1/openapi.json").json()["paths"], "the document it draws is served"


def test_vendored_files_match_their_recorded_hashes_and_licences() -> None:
    table = (VENDOR / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| [^|]+ \| [^|]+ \| `([^`]+)` \|[^|]+\|([^|]+)\| `([0-9a-f]{64})` \|$", table, re.MULTILINE)
    recorded = {name: (licences, digest) for name, licences, digest in rows}
    assert {"swagger-ui-bundle-5.36.0.js", "swagger-ui-5.36.0.css"} <= set(recorded)
    for name, (licences, digest) in recorded.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
        for licence in re.findall(r"`([^`]+)`", licences):
            assert (VENDOR / licence).is_file(), licence


@pytest.mark.parametrize(
    ("freq", "period_start", "periods", "first"),
    [
        ("W", date(2026, 3, 9), 1, date(2026, 3, 9)),
        ("W", date(2026, 3, 9), 2, date(2026, 3, 2)),
        ("W", date(2026, 3, 9), 4, date(2026, 2, 16)),
        ("W", date(2026, 1, 5), 4, date(2025, 12, 15)),  # across a year
        ("D", date(2026, 3, 9), 7, date(2026, 3, 3)),
        ("D", date(2026, 3, 1), 14, date(2026, 2, 16)),  # across a month
        ("D", date(2026, 3, 9), 1, date(2026, 3, 9)),
        ("W", date(2026, 3, 9), 0, date(2026, 3, 9)),  # never fewer than the alert's own period
    ],
)
def test_summed_window_starts_where_the_sum_starts(freq: str, period_start: date, periods: int, first: date) -> None:
    assert summed_window_start(freq, period_start, periods) == first


def test_a_detected_block_alert_says_its_window() -> None:
    alert = Alert(
        "city:Lviv", "W", date(2026, 3, 9), 40.0, 22.0, 1.82, 0.001, 0.01, "up", "share", 400.0, 0.1, 0.055, 4
    )
    shown = with_window(alert.to_json())
    assert (shown["periods"], shown["window_start"]) == (4, "2026-02-16")


#: (segment, freq, period_start, payload) of stored alerts, and what the API and pages say of them.
STORED_ALERTS = [
    ("city:Lviv", "W", date(2026, 3, 9), {"periods": 4}, 4, "2026-02-16", "4 weeks", "4 тижні"),
    ("kind:job_ad", "D", date(2026, 3, 9), {"periods": 7}, 7, "2026-03-03", "7 days", "7 днів"),
    ("kind:sex_ad", "W", date(2026, 3, 2), {}, 1, "2026-03-02", "1 week", "1 тиждень"),  # stored before block tests
]


@pytest.fixture(scope="module")
def analyst(app: FastAPI) -> TestClient:
    with app.state.store.session() as session:
        for segment, freq, start, payload, *_ in STORED_ALERTS:
            session.add(
                TrendAlertRow(
                    segment=segment,
                    freq=freq,
                    period_start=start,
                    observed=40,
                    expected=22,
                    ratio=1.82,
                    p_value=0.001,
                    q_value=0.01,
                    direction="up",
                    test="share",
                    payload=payload,
                )
            )
    account = create_account(app, Role.ANALYST)
    client = new_client(app)
    assert login(client, account.name, account.password).status_code == 303
    return client


def test_alert_json_says_over_how_many_periods_observed_and_expected_are_summed(analyst: TestClient) -> None:
    alerts = {a["segment"]: a for a in analyst.get("/api/v1/trends/alerts").json()}
    for segment, _freq, _start, _payload, periods, window_start, *_ in STORED_ALERTS:
        assert (alerts[segment]["periods"], alerts[segment]["window_start"]) == (periods, window_start), segment
    schema = analyst.get("/api/v1/openapi.json").json()["components"]["schemas"]["AlertOut"]
    assert {"periods", "window_start"} <= set(schema["required"])
    assert "summed" in schema["properties"]["observed"]["description"]


@pytest.mark.parametrize(("lang", "column", "from_word"), [("en", "Summed over", "from"), ("uk", "Сума за", "від")])
def test_trends_page_says_over_how_many_periods_alerts_are_summed(
    analyst: TestClient, lang: str, column: str, from_word: str
) -> None:
    for freq in ("W", "D"):
        page = analyst.get("/trends", params={"lang": lang, "freq": freq}).text
        assert f"<th>{column}</th>" in page
        listed = [row for row in STORED_ALERTS if row[1] == freq]
        for *_, periods, _window, en, uk in listed:
            summed = f"<td>{uk if lang == 'uk' else en}"
            assert summed + (f" ({from_word} " if periods > 1 else "</td>") in page, (freq, summed)
        assert page.count(f"({from_word} ") == sum(1 for row in listed if row[4] > 1), "only block alerts say where"

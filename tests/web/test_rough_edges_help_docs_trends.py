"""Rough edges of issue 14 item 6, the last three: API docs page, /help by Accept-Language, trend alert windows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from web_support import TestClient, new_client

from vigil.settings import load_settings
from vigil.store import Store
from vigil.web.app import create_app


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

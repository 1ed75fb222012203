"""The app loads at start-up what its first requests would otherwise pay for.

FastAPI's route models, the query classifier's language model, the trend segmenter and the
weekly series, the contact redactor and the platform map are loaded in the app's lifespan,
so the first request to each is about as fast as the next. A warm-up that cannot load
its data is skipped and start-up goes on. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from web_support import TestClient, create_account, login, new_client

from vigil.errors import ConfigError
from vigil.store import Store
from vigil.web.app import create_app
from vigil.web.pages import trends_data
from vigil.web.pages.platforms import RANK_KEY
from vigil.web.permissions import Role

# CPU-time budgets: no cycle collection of other tests' garbage inside the timed calls.
pytestmark = pytest.mark.usefixtures("cycle_collector_paused")

MODULE_WARM_UPS = {
    "vigil.web.pages.documents",
    "vigil.web.pages.trends",
    "vigil.web.pages.platforms",
    "vigil.web.pages.safeguard",
}
#: CPU seconds a first request may take once warmed (cold, these took 0.15 to 0.8 s each).
FIRST_REQUEST_CPU = 0.1


@pytest.fixture
def app(store: Store) -> Iterator[FastAPI]:
    yield create_app(store.settings, store=store)


def _loaded(app: FastAPI) -> dict[str, bool]:
    cache: trends_data.SeriesCache | None = getattr(app.state, "trend_series", None)
    return {
        "contact redactor": getattr(app.state, "contact_redactor", None) is not None,
        "platform map": RANK_KEY in (getattr(app.state, "page_cache", None) or {}),
        "weekly series": cache is not None and cache.fresh("W") is not None,
        # the classifier's language model (loaded by its warm(), or by the first query needing it)
        "query classifier": "_identifier" in vars(app.state.safeguard_checker.classifier._language),
    }


def test_start_up_loads_what_the_first_requests_need(app: FastAPI) -> None:
    assert not any(v for k, v in _loaded(app).items() if k != "query classifier"), "nothing is loaded before start-up"
    with new_client(app):
        assert set(app.state.warmed) == {"routes", *MODULE_WARM_UPS}
        assert all(_loaded(app).values()), _loaded(app)
        assert trends_data._segmenter.cache_info().currsize == 1


def _client(app: FastAPI, role: Role) -> TestClient:
    account = create_account(app, role)
    client = new_client(app)
    assert login(client, account.name, account.password).status_code == 303
    return client


def _cpu(call: Callable[[], int]) -> float:
    started = time.process_time()
    assert call() == 200
    return time.process_time() - started


@pytest.mark.parametrize(
    ("role", "path", "params"),
    [
        (Role.ADMIN, "/api/v1/query-check", {"q": "робота в Польщі"}),  # the last router: every route's models
        (Role.ANALYST, "/api/v1/trends/segments", {"freq": "W"}),
        (Role.MODERATOR, "/api/v1/documents", {}),  # contacts masked
        (Role.ADMIN, "/api/v1/platforms", {}),
    ],
)
def test_first_request_costs_what_the_next_costs(app: FastAPI, role: Role, path: str, params: dict[str, str]) -> None:
    client = _client(app, role)
    with client:
        first = _cpu(lambda: client.get(path, params=params).status_code)
        _cpu(lambda: client.get(path, params=params).status_code)
    assert first < FIRST_REQUEST_CPU, f"first {path} took {first:.3f} CPU s"


def _cannot_load(app: FastAPI) -> None:
    raise ConfigError("data file missing")


def test_start_up_goes_on_when_a_warm_up_cannot_load(app: FastAPI) -> None:
    app.state.warm_ups.insert(1, ("vigil.web.pages.missing", _cannot_load))
    client = _client(app, Role.ADMIN)
    with client:
        assert "vigil.web.pages.missing" not in app.state.warmed
        assert set(app.state.warmed) == {"routes", *MODULE_WARM_UPS}
        assert client.get("/api/v1/query-check", params={"q": "work"}).status_code == 200


def test_without_start_up_every_route_still_loads_on_first_use(app: FastAPI) -> None:
    client = _client(app, Role.MODERATOR)  # no lifespan: nothing warmed
    assert getattr(app.state, "warmed", None) is None
    assert client.get("/api/v1/documents").status_code == 200
    assert getattr(app.state, "contact_redactor", None) is not None

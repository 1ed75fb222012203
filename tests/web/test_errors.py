"""One JSON error shape for the API, error pages for the browser, and no internals in a 500."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi import Depends, FastAPI
from web_support import TestClient, new_client

from vigil.errors import InputError, NotFoundError, RateLimited, StoreError, VigilError
from vigil.web.errors import SECURITY_HEADERS
from vigil.web.permissions import Role, public

SECRET_TEXT = "connection to db-internal-7 failed with password hunter2"


def _shape(body: object) -> dict[str, str]:
    assert isinstance(body, dict)
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "correlation_id"}
    assert all(isinstance(v, str) and v for v in error.values())
    return error


def _add_raising_routes(app: FastAPI) -> None:
    """Test-only routes on this app instance: each raises one kind of error."""
    errors: dict[str, Exception] = {
        "crash": RuntimeError(SECRET_TEXT),
        "store": StoreError(SECRET_TEXT),
        "missing": NotFoundError("no document with id 42"),
        "bad": InputError("date is not ISO 8601"),
        "limited": RateLimited("slow down", retry_after=30),
        "vigil": VigilError(SECRET_TEXT),
    }
    for name, error in errors.items():
        raiser = _raiser(error)
        app.add_api_route(f"/api/v1/test-raise/{name}", raiser, dependencies=[Depends(public())])
        app.add_api_route(f"/test-raise/{name}", raiser, dependencies=[Depends(public())])


def _raiser(error: Exception) -> Callable[[], None]:
    def raiser() -> None:
        raise error

    return raiser


@pytest.fixture
def raising_client(web_app: FastAPI) -> TestClient:
    _add_raising_routes(web_app)
    return new_client(web_app)


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("missing", 404, "not_found"),
        ("bad", 422, "invalid_input"),
        ("limited", 429, "rate_limited"),
    ],
)
def test_vigil_errors_map_to_their_status_and_code(raising_client: TestClient, name: str, status: int, code: str) -> None:
    response = raising_client.get(f"/api/v1/test-raise/{name}")
    assert response.status_code == status
    error = _shape(response.json())
    assert error["code"] == code
    assert error["correlation_id"] == response.headers["x-correlation-id"]
    if name == "limited":
        assert response.headers["retry-after"] == "30"


@pytest.mark.parametrize("name", ["crash", "store", "vigil"])
def test_server_errors_return_only_a_correlation_id(
    raising_client: TestClient, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    response = raising_client.get(f"/api/v1/test-raise/{name}")
    assert response.status_code == 500
    error = _shape(response.json())
    assert "hunter2" not in response.text and "db-internal" not in response.text
    assert "Traceback" not in response.text
    assert re.fullmatch(r"[0-9a-f]{32}", error["correlation_id"])
    assert error["correlation_id"] == response.headers["x-correlation-id"]
    for header, value in SECURITY_HEADERS.items():
        assert response.headers[header] == value
    if name == "crash":
        logged = [r for r in caplog.records if error["correlation_id"] in r.getMessage()]
        assert logged and logged[0].exc_info is not None, "the server log must tie the id to the exception"


def test_html_server_error_page_hides_internals(raising_client: TestClient) -> None:
    response = raising_client.get("/test-raise/crash")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert "hunter2" not in response.text
    assert response.headers["x-correlation-id"] in response.text


def test_unknown_api_path_is_404_in_the_shape(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert _shape(response.json())["code"] == "not_found"


def test_unknown_page_is_an_html_404(client: TestClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "404" in response.text


def test_wrong_method_is_405_in_the_shape(client: TestClient) -> None:
    response = client.delete("/api/v1/me")
    assert response.status_code == 405
    assert _shape(response.json())["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    "query",
    ["limit=abc", "limit=0", "limit=100000", "before=-5", "before=99999999999999999999999", "action=" + "x" * 500],
)
def test_malformed_query_is_422_in_the_shape(
    logged_in: Callable[[Role | str], TestClient], query: str
) -> None:
    client = logged_in(Role.ADMIN)
    response = client.get(f"/api/v1/audit?{query}")
    assert response.status_code == 422
    assert _shape(response.json())["code"] == "invalid_input"


def test_unauthenticated_api_call_is_401_in_the_shape(client: TestClient) -> None:
    response = client.get("/api/v1/audit")
    assert response.status_code == 401
    assert _shape(response.json())["code"] == "not_authenticated"


def test_forbidden_api_call_is_403_in_the_shape(logged_in: Callable[[Role | str], TestClient]) -> None:
    response = logged_in(Role.VIEWER).get("/api/v1/audit")
    assert response.status_code == 403
    assert _shape(response.json())["code"] == "forbidden"


def test_forbidden_page_renders_the_error_page(logged_in: Callable[[Role | str], TestClient]) -> None:
    response = logged_in(Role.ANALYST).get("/users")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")

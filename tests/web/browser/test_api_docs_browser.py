"""The interactive API documentation in a real browser, under the app's Content-Security-Policy.

Fails on any script error or CSP violation the page reports (an inline script or a CDN would
be one), and saves a screenshot under ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

Login = Callable[..., None]
Shot = Callable[[str], Path]


def _operation_count(page: Any, base_url: str) -> int:
    document = page.request.get(f"{base_url}/api/v1/openapi.json").json()
    methods = {"get", "post", "put", "patch", "delete"}
    return sum(1 for item in document["paths"].values() for method in item if method in methods)


def test_api_docs_list_every_operation_and_try_one(page: Any, live_site: Any, login: Login, shot: Shot) -> None:
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    login("analyst")
    page.goto(live_site.base_url + "/api/v1/docs")
    page.wait_for_selector("#swagger-ui .opblock")
    assert page.locator("#swagger-ui .opblock").count() == _operation_count(page, live_site.base_url)
    assert page.locator("#swagger-ui .info .title").inner_text().startswith("Vigil")
    # Try GET /api/v1/me with the session: the answer names the logged-in analyst.
    me = page.locator(".opblock-get:has([data-path='/api/v1/me'])").first
    me.locator(".opblock-summary").click()
    me.locator("button.try-out__btn").click()
    with page.expect_response(lambda r: r.url.endswith("/api/v1/me")) as answer:
        me.locator("button.execute").click()
    assert answer.value.status == 200 and answer.value.json()["name"] == "ana"
    me.locator(".live-responses-table .response-col_description .microlight").first.wait_for()
    assert '"ana"' in me.locator(".live-responses-table .response-col_description .microlight").first.inner_text()
    shot("api-docs")
    assert violations == []
    assert page.console_problems == [], page.console_problems

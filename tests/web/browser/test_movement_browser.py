"""The movement map in a real browser: a network's ads drawn city by city on the offline world map,
and the dashboard's ads by country, with no script error or Content-Security-Policy violation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

Login = Callable[..., None]
Shot = Callable[[str], Path]


def test_open_the_movement_map(page: Any, live_site: Any, login: Login, shot: Shot) -> None:
    login("analyst", f"/networks/{live_site.facts.network}")
    page.wait_for_selector("#movement-map[data-ready]", timeout=20_000)
    ready = page.get_attribute("#movement-map", "data-ready")
    assert ready != "error" and int(ready) >= 1, ready  # cities placed
    assert page.locator("#movement-map canvas").count() >= 1
    shot("10-movement-map")
    assert page.console_problems == [], page.console_problems


def test_dashboard_map_by_country(page: Any, live_site: Any, login: Login, shot: Shot) -> None:
    login("analyst", "/")
    page.wait_for_selector("#country-map[data-ready]", timeout=20_000)
    assert page.get_attribute("#country-map", "data-ready") != "error"
    assert page.locator("#country-map canvas").count() >= 1
    shot("11-dashboard-countries")
    assert page.console_problems == [], page.console_problems

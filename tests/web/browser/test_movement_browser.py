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


@pytest.mark.parametrize(
    ("target", "chart"),
    [
        ("/", "#country-map"),
        ("network", "#movement-map"),
        ("network", "#network-timeline"),
        ("trends", "#trend-chart"),
    ],
)
def test_charts_survive_a_window_shrunk_to_nothing(page: Any, live_site: Any, login: Login, target: str, chart: str) -> None:
    """A window shrunk to nothing and back (a full-page screenshot does this for a moment)
    leaves every chart drawn and raises no script error: a chart with no area is not resized."""
    path = {
        "/": "/",
        "network": f"/networks/{live_site.facts.network}",
        "trends": f"/trends?segment={live_site.facts.trend_segment}",
    }[target]
    login("analyst", path)
    page.wait_for_selector(f"{chart}[data-ready]", timeout=20_000)
    for _ in range(3):
        page.set_viewport_size({"width": 1, "height": 1})
        page.wait_for_timeout(50)
        page.set_viewport_size({"width": 1366, "height": 900})
        page.wait_for_timeout(50)
    assert page.get_attribute(chart, "data-ready") != "error"
    assert page.locator(f"{chart} canvas, {chart} svg").count() >= 1
    assert page.console_problems == [], page.console_problems

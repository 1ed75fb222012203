"""An analyst's day in a real browser: log in, search, read the evidence, open the network, watch a trend.

Each scenario saves a full-page screenshot under ``test-artifacts/screenshots/``, and fails on
any script error or Content-Security-Policy violation the page reports.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

Login = Callable[..., None]
Shot = Callable[[str], Path]


def no_console_errors(page: Any) -> None:
    assert page.console_problems == [], page.console_problems


def test_log_in_and_see_the_dashboard(page: Any, live_site: Any, login: Login, shot: Shot) -> None:
    login("analyst")
    assert page.url == live_site.base_url + "/"
    assert page.locator("h1").inner_text() == "Dashboard"
    assert page.locator("text=Highest-risk leads").is_visible()
    assert page.locator("a[href^='/networks/']").count() >= 1  # largest networks
    # The country map draws after fetching the world's boundaries; the full-page screenshot
    # resizes the window, so it waits for the drawn map (as a reader would see it).
    page.wait_for_selector("#country-map[data-ready]", timeout=20_000)
    assert page.get_attribute("#country-map", "data-ready") != "error"
    shot("01-dashboard")
    no_console_errors(page)


def test_search_updates_results_in_place(page: Any, live_site: Any, login: Login, shot: Shot) -> None:
    login("analyst", "/documents")
    page.fill("input[name=q]", live_site.facts.search_word)
    with page.expect_response(lambda r: "/documents?" in r.url and r.request.headers.get("hx-request") == "true"):
        page.press("input[name=q]", "Enter")
    page.wait_for_selector("#results .result mark")
    assert "q=" + live_site.facts.search_word in page.url  # HTMX pushed the query into the address
    marks = page.locator("#results .snippet mark")
    assert marks.count() >= 1 and marks.first.inner_text().lower() == live_site.facts.search_word.lower()
    count_text = page.locator(".result-count").inner_text()
    page.select_option("select[name=kind]", "job_ad")
    page.wait_for_function("(before) => document.querySelector('.result-count').innerText !== before", arg=count_text)
    label = page.locator("select[name=kind] option[value=job_ad]").inner_text()
    metas = page.locator("#results .result .meta").all_inner_texts()
    assert metas and all(meta.startswith(label) for meta in metas)
    shot("02-search")
    no_console_errors(page)


def test_document_shows_highlighted_evidence(page: Any, live_site: Any, login: Login, shot: Shot) -> None:
    login("analyst", f"/documents/{live_site.facts.evidence_doc}")
    marks = page.locator("mark.evidence")
    assert marks.count() >= 1
    first = marks.first
    indicator = first.get_attribute("data-indicators").split()[0]
    assert first.is_visible()
    assert page.locator(f"#ind-{indicator}").is_visible()  # its explanation
    first.locator("a").click()
    assert page.url.endswith(f"#ind-{indicator}")
    assert page.locator("text=Evidence SHA-256").is_visible()
    assert page.locator("img").count() == 0  # never an image
    shot("03-document-evidence")
    page.goto(f"{live_site.base_url}/documents/{live_site.facts.evidence_doc}?lang=uk")
    assert page.locator("h2:has-text('Індикатори та їхні докази')").is_visible()
    assert page.locator("mark.evidence").count() == marks.count()
    shot("03b-document-evidence-uk")
    no_console_errors(page)


def test_open_the_network_graph(page: Any, live_site: Any, login: Login, shot: Shot) -> None:
    login("analyst", f"/documents/{live_site.facts.evidence_doc}")
    page.click("a:has-text('Open network')")
    page.wait_for_url(f"**/networks/{live_site.facts.network}")
    graph = page.wait_for_selector("#network-graph[data-ready]")
    assert int(graph.get_attribute("data-ready")) >= 2
    assert page.locator("#network-graph canvas").count() >= 1
    page.wait_for_selector("#network-timeline[data-ready] svg")
    shot("04-network")
    no_console_errors(page)


def test_trend_chart_with_alert_periods(page: Any, live_site: Any, login: Login, shot: Shot) -> None:
    login("analyst", "/trends?segment=" + live_site.facts.trend_segment)
    chart = page.wait_for_selector("#trend-chart[data-ready] svg")
    assert chart is not None
    assert int(page.get_attribute("#trend-chart", "data-ready")) >= 1  # alert periods shaded
    shot("05-trends")
    no_console_errors(page)


def test_viewer_is_refused_the_network(page: Any, live_site: Any, login: Login, shot: Shot) -> None:
    login("viewer", f"/networks/{live_site.facts.network}")
    assert page.locator("h1").inner_text().startswith("403") or "may not" in page.content()
    assert page.locator("#network-graph").count() == 0
    assert page.locator("nav.mainnav a[href='/networks']").count() == 0  # not offered in the menu either
    shot("06-viewer-refused")

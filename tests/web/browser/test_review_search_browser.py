"""Review from search results in a real browser: bulk-dismiss ticked results with a reason, find them again
with the review-state filter, and read one audit entry per document; the document-language filter and the
interface language stay two separate choices."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

Login = Callable[..., None]
Shot = Callable[[str], Path]
REASON = "Lawful agency, checked by phone (browser test)"
TICKED = 3


def _result_keys(page: Any) -> list[str]:
    return [href.rsplit("/", 1)[1] for href in page.locator("#results .result a.result-title").evaluate_all("els => els.map(e => e.getAttribute('href'))")]


def test_bulk_dismiss_from_search_then_filter_by_review(page: Any, live_site: Any, login: Login, shot: Shot) -> None:
    login("analyst", "/documents?q=" + live_site.facts.search_word)
    keys = _result_keys(page)[:TICKED]
    assert len(keys) == TICKED, "the search found too few results to tick"
    for key in keys:
        page.check(f"input[name=target][form=bulk-leads][value='{key}']")
    bulk = page.locator("form#bulk-leads")
    bulk.locator("select[name=state]").select_option("dismissed")
    bulk.locator("input[name=reason]").fill(REASON)
    with page.expect_navigation():
        bulk.locator("button[name=bulk][value=review]").click()
    assert "q=" + live_site.facts.search_word in page.url  # back on the same results
    for key in keys:
        row = page.locator(f"#results .result:has(a.result-title[href='/documents/{key}'])")
        assert row.locator(".badge.review-dismissed").count() == 1, key
    # The review-state filter, ticked in the form: HTMX replaces the results in place.
    page.fill("input[name=q]", "")
    with page.expect_response(lambda r: "review=dismissed" in r.url and r.request.headers.get("hx-request") == "true"):
        page.check("input[name=review][value=dismissed]")
    page.wait_for_function("() => !document.querySelector('#results .result .badge[class*=review-]:not(.review-dismissed)')")
    assert sorted(_result_keys(page)) == sorted(keys)
    assert "review=dismissed" in page.url
    shot("12-review-filter-dismissed")
    # Sorted by the last review change, the dismissed ones come first.
    page.select_option("select[name=sort]", "reviewed")
    page.wait_for_url("**sort=reviewed**")
    assert sorted(_result_keys(page)[:TICKED]) == sorted(keys)
    assert page.console_problems == [], page.console_problems

    page.context.clear_cookies()
    login("admin", "/audit")
    page.goto(live_site.base_url + "/api/v1/audit?action=review.set&limit=500")
    entries = json.loads(page.locator("body").inner_text())["entries"]
    mine = [e for e in entries if e["actor_name"] == "ana" and e["target_type"] == "document" and e["details"].get("reason") == REASON]
    assert sorted(e["target_id"] for e in mine) == sorted(keys), "one audit entry per dismissed document"
    assert all(e["details"]["state"] == ["new", "dismissed"] for e in mine)


def test_document_language_filter_keeps_the_interface_language(page: Any, live_site: Any, login: Login, shot: Shot) -> None:
    login("analyst", "/documents")
    assert page.get_attribute("html", "lang") == "en"
    with page.expect_response(lambda r: "doc_lang=uk" in r.url and r.request.headers.get("hx-request") == "true"):
        page.select_option("select[name=doc_lang]", "uk")
    page.wait_for_function("() => [...document.querySelectorAll('#results .result .meta')].every(m => m.innerText.includes(' · uk'))")
    assert page.get_attribute("html", "lang") == "en" and page.locator("h1").inner_text() == "Documents"
    page.reload()
    assert page.get_attribute("html", "lang") == "en", "the filter did not switch the interface"
    assert page.locator("select[name=doc_lang]").input_value() == "uk"
    page.goto(live_site.base_url + "/")
    assert page.get_attribute("html", "lang") == "en", "nor for the rest of the session"
    # Switching the interface language keeps the filter.
    page.goto(live_site.base_url + "/documents?doc_lang=uk")
    page.click("ul.langs a[hreflang=uk]")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("html", "lang") == "uk"
    assert page.locator("h1").inner_text() == "Документи"
    assert "doc_lang=uk" in page.url and page.locator("select[name=doc_lang]").input_value() == "uk"
    shot("13-filter-and-interface-language")
    page.goto(live_site.base_url + "/documents?lang=en")
    assert page.get_attribute("html", "lang") == "en"
    assert page.console_problems == [], page.console_problems

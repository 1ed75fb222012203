"""Notice and action from end to end in a real browser (issue 16).

A member of the public whose browser asks for Ukrainian reports a trafficking ad through the
public form and keeps the receipt; a moderator logs in, finds the item in the triage queue,
decides it with a legal ground, and exports the statements of reasons; the reporter looks the
receipt up again and reads the decision, in Ukrainian.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from vigil.reports import texts

pytestmark = pytest.mark.browser

#: A synthetic location, short enough that the queue shows it whole.
REPORTED_URL = "https://robota-example.test/vakansii/49131"
EXPLANATION = "Оголошення обіцяє роботу в Польщі без досвіду, житло безкоштовно, але просить 200 євро за документи."
REPORTER_EMAIL = "reporter-uk@example.org"
GROUND_REFERENCE = "Kodeks karny art. 189a (handel ludźmi)"
DECISION_EXPLANATION = "Job ad with an upfront fee for documents and free housing abroad, aimed at Ukrainians."
UK = texts.texts("uk")
#: Where the ``shot`` fixture saves the moderator's screenshots; the reporter's go beside them.
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"


def reporter_shot(opened: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    opened.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def reporter(browser: Any) -> Iterator[Any]:
    """A second browser, as the public's: its language is Ukrainian and nobody is logged in."""
    context = browser.new_context(viewport={"width": 1024, "height": 900}, locale="uk-UA",
                                  extra_http_headers={"Accept-Language": "uk-UA,uk;q=0.9"})
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    problems: list[str] = []
    opened.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" and "Failed to load resource" not in msg.text else None)
    opened.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status == 404 and not r.url.endswith("/favicon.ico") else None)
    opened.on("pageerror", lambda exc: problems.append(str(exc)))
    opened.console_problems = problems
    try:
        yield opened
    finally:
        context.close()


def _report_in_ukrainian(reporter: Any, base_url: str, shot: Callable[[Any, str], None]) -> str:
    reporter.goto(base_url + "/report")
    # No ?lang= and no cookie: the form speaks the browser's language.
    assert reporter.locator("html").get_attribute("lang") == "uk"
    assert reporter.locator("h1").inner_text() == UK["title"]
    assert reporter.locator("input[name=lang]").input_value() == "uk"
    reporter.check("#cat-trafficking")
    reporter.fill("#urls", REPORTED_URL)
    reporter.fill("#explanation", EXPLANATION)
    reporter.fill("#platform", "robota-example.test")
    reporter.fill("#country", "PL")
    reporter.fill("#language", "uk")
    reporter.fill("#reporter_email", REPORTER_EMAIL)
    reporter.check("input[name=good_faith]")
    shot(reporter, "reports-01-form-uk")
    reporter.click("form.report-form button[type=submit]")
    reporter.wait_for_selector("#receipt")
    assert reporter.locator("h1").inner_text() == UK["thanks_title"]
    receipt: str = reporter.locator("#receipt").inner_text().strip()
    assert receipt
    return receipt


def _look_up(reporter: Any, base_url: str, receipt: str) -> None:
    reporter.goto(base_url + "/report/status")
    reporter.fill("#receipt", receipt)
    reporter.click("form[action='/report/status'] button[type=submit]")
    reporter.wait_for_url(f"**/report/status/{receipt}?lang=uk")


def test_a_ukrainian_report_is_triaged_decided_exported_and_followed_by_its_receipt(
    page: Any, reporter: Any, live_site: Any, login: Callable[..., None], shot: Callable[[str], Path]
) -> None:
    receipt = _report_in_ukrainian(reporter, live_site.base_url, reporter_shot)
    _look_up(reporter, live_site.base_url, receipt)
    assert reporter.locator("#report-status").inner_text() == UK["status_in_review"]
    assert reporter.locator(".decision").count() == 0

    # The moderator's triage queue: the location once, with its priority; then the item.
    login("moderator", "/reports")
    row = page.locator("#report-queue tr", has=page.locator(f"a:text-is('{REPORTED_URL}')"))
    assert row.count() == 1
    assert "trafficking" in row.locator("td").first.inner_text()
    row.locator("a").click()
    page.wait_for_url("**/reports/items/*")
    item_id = int(page.url.rsplit("/", 1)[1])
    assert EXPLANATION in page.locator("main").inner_text()
    assert REPORTER_EMAIL not in page.content()  # the reporter's contact is sealed, never shown
    form = page.locator("#decision-form")
    form.locator("select[name=action]").select_option("remove")
    form.locator("select[name=ground]").select_option("illegal")
    form.locator("input[name=ground_reference]").fill(GROUND_REFERENCE)
    form.locator("textarea[name=explanation]").fill(DECISION_EXPLANATION)
    form.locator("input[name=territorial_scope]").fill("PL")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/reports/items/{item_id}")
    assert page.locator("#decision-form").count() == 0  # decided: no second decision
    decisions = page.locator("section.card", has=page.locator("h2:text-is('Decisions')")).inner_text()
    assert GROUND_REFERENCE in decisions and "mod" in decisions
    shot("reports-02-decided")

    # The statements of reasons, as the moderator downloads them (the session's cookie rides along).
    item = page.request.get(f"{live_site.base_url}/api/v1/reports/items/{item_id}")
    assert item.ok, item.status
    puid = item.json()["decisions"][0]["puid"]
    exported = page.request.get(f"{live_site.base_url}/api/v1/reports-statements")
    assert exported.ok, exported.status
    statements = [s for batch in exported.json() for s in batch["statements"]]
    ours = [s for s in statements if s["puid"] == puid]
    assert len(ours) == 1, statements
    statement = ours[0]
    assert statement["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert statement["illegal_content_legal_ground"] == GROUND_REFERENCE
    assert statement["category_specification"] == ["KEYWORD_HUMAN_TRAFFICKING"]
    assert statement["source_type"] == "SOURCE_ARTICLE_16" and statement["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"
    assert statement["territorial_scope"] == ["PL"] and statement["content_language"] == "UK"
    body = exported.text()
    assert REPORTER_EMAIL not in body and receipt not in body

    # The reporter, by receipt alone, reads the decision in Ukrainian and may complain.
    _look_up(reporter, live_site.base_url, receipt)
    assert reporter.locator("#report-status").inner_text() == UK["status_decided"]
    decided = reporter.locator(".report-items li", has=reporter.locator(f"code:text-is('{REPORTED_URL}')"))
    assert decided.locator(".decision").inner_text() == UK["actions"]["remove"]
    assert GROUND_REFERENCE in decided.inner_text() and UK["ground_label"] in decided.inner_text()
    assert DECISION_EXPLANATION not in reporter.content() and "mod" not in decided.inner_text()
    assert reporter.locator("section.complaint h2").inner_text() == UK["complain_title"]
    reporter_shot(reporter, "reports-03-status-uk")
    assert page.console_problems == [], page.console_problems
    assert reporter.console_problems == [], reporter.console_problems

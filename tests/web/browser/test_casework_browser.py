"""An analyst builds a case from a network and downloads its case file, in a real browser; every hash checked."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_build_a_case_from_a_network_and_export_it(
    page: Any, live_site: Any, login: Callable[..., None], shot: Callable[[str], Path], tmp_path: Path
) -> None:
    login("analyst", f"/networks/{live_site.facts.network}")
    panel = page.locator("#casework")
    panel.locator("select[name=state]").select_option("in_review")
    panel.locator("input[name=note]").fill("Same template in several cities.")
    panel.locator("form.review-form button[type=submit]").click()
    page.wait_for_selector(".review-state[data-state=in_review]")
    assert page.locator("text=Same template in several cities.").is_visible()
    form = page.locator("#casework form.add-to-case")
    form.locator("select[name=case]").select_option("new")
    form.locator("input[name=title]").fill("Browser case from a network")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/cases/*")
    assert "Browser case from a network" in page.locator("h1").inner_text()
    assert page.locator(f"#case-items a[href='/networks/{live_site.facts.network}']").count() == 1
    page.locator("select[name=status]").select_option("FollowUp")
    page.locator("form.card button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#case-status").inner_text() == "Follow-up"
    shot("casework-01-case")
    with page.expect_download() as info:
        page.click("#case-export")
    archive = tmp_path / "case.zip"
    info.value.save_as(str(archive))
    with zipfile.ZipFile(archive) as zipped:
        files = {name.split("/", 1)[1]: zipped.read(name) for name in zipped.namelist()}
    manifest = json.loads(files.pop("manifest.json"))
    assert {f["path"]: f["sha256"] for f in manifest["files"]} == {p: hashlib.sha256(d).hexdigest() for p, d in files.items()}
    assert manifest["case"]["status"] == "FollowUp" and manifest["case"]["documents"] >= 2
    assert len(files["data.jsonl"].splitlines()) == manifest["case"]["documents"]
    report = tmp_path / "report.html"
    report.write_bytes(files["report.html"])
    page.goto(report.as_uri())
    assert page.locator("svg.network-graph").count() >= 1 and page.locator("mark").count() >= 1
    shot("casework-02-report")
    assert page.console_problems == [], page.console_problems

"""From a member of the public to a statement of reasons: the form in every language, honeypot and
CSRF, triage order, the analysis in triage, decisions, complaints, referrals, e-mails over a real
local SMTP server, contact encryption and retention, the statements export and the CLI."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from reports_support import DOCUMENT_URL, Mailbox, add_document, logged_in_client
from tdb_rules import batch_problems, problems
from typer.testing import CliRunner
from web_support import TestClient, csrf_of, new_client

from vigil.cli import app as cli_app
from vigil.reports import texts
from vigil.reports.contact import Contact, ContactBox, delete_expired_contacts
from vigil.reports.models import Report, ReportedItem, ReportReferral
from vigil.reports.sor import batches
from vigil.store import Store
from vigil.web.models import AuditEntry
from vigil.web.permissions import Role

FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
RECEIPT = re.compile(r'id="receipt">([A-Z0-9-]{19})<')
NOTICE: dict[str, Any] = {"category": "trafficking", "urls": [DOCUMENT_URL], "good_faith": True,
                          "explanation": "Job offer in Italy asks a fee for documents and offers free housing."}


def _store(app: FastAPI) -> Store:
    store: Store = app.state.store
    return store


def _submit(client: TestClient, **change: Any) -> str:
    response = client.post("/api/v1/reports", json={**NOTICE, **change})
    assert response.status_code == 201, response.text
    receipt: str = response.json()["receipt"]
    return receipt


def _item_id(app: FastAPI, url: str = DOCUMENT_URL) -> int:
    with _store(app).session() as session:
        return int(session.execute(sa.select(ReportedItem.id).where(ReportedItem.url == url)).scalar_one())


def _form_fields(page: str, **values: str) -> dict[str, str]:
    token = FORM_TOKEN.search(page)
    assert token is not None
    return {"csrf_token": token.group(1), "category": "trafficking", "urls": DOCUMENT_URL, "good_faith": "1",
            "explanation": "Пропонують роботу в Італії, просять гроші за документи.", **values}


@pytest.mark.parametrize("lang", ["uk", "ru", "en", "pl", "de", "cs", "ro"])
def test_form_speaks_each_language_and_takes_a_report(client: TestClient, web_app: FastAPI, lang: str) -> None:
    words = texts.texts(lang)
    page = client.get(f"/report?lang={lang}")
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text
    assert words["title"] in page.text and words["no_uploads"].split(".")[0] in page.text
    assert 'type="file"' not in page.text and "enctype" not in page.text, "the form never takes uploads"
    assert "112" in page.text
    thanks = client.post("/report", data=_form_fields(page.text, lang=lang))
    assert thanks.status_code == 200, thanks.text
    assert words["thanks_title"] in thanks.text
    receipt = RECEIPT.search(thanks.text)
    assert receipt is not None
    status = client.get(f"/report/status/{receipt.group(1)}?lang={lang}")
    assert words["status_in_review"] in status.text
    with _store(web_app).session() as session:
        assert session.scalars(sa.select(Report.reporter_language)).one() == lang


@pytest.mark.parametrize(("header", "expected"), [("uk-UA,uk;q=0.9", "uk"), ("de-DE", "de"), ("fr-FR,ro;q=0.5", "ro"),
                                                  ("ja", "en"), ("", "en")])
def test_form_language_follows_the_browser(client: TestClient, header: str, expected: str) -> None:
    page = client.get("/report", headers={"accept-language": header})
    assert f'<html lang="{expected}">' in page.text


def test_honeypot_is_thanked_and_nothing_stored(client: TestClient, web_app: FastAPI) -> None:
    page = client.get("/report")
    response = client.post("/report", data=_form_fields(page.text, website="http://spam.example"))
    assert response.status_code == 200
    assert RECEIPT.search(response.text) is None
    with _store(web_app).session() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Report)).scalar_one() == 0


@pytest.mark.parametrize("token", ["", "forged-token"])
def test_form_without_its_token_is_refused(client: TestClient, web_app: FastAPI, token: str) -> None:
    page = client.get("/report")
    response = client.post("/report", data={**_form_fields(page.text), "csrf_token": token})
    assert response.status_code == 403
    with _store(web_app).session() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Report)).scalar_one() == 0


def test_invalid_form_is_shown_again_with_the_answers(client: TestClient) -> None:
    page = client.get("/report?lang=pl")
    response = client.post("/report", data=_form_fields(page.text, urls="javascript:alert(1)", lang="pl"))
    assert response.status_code == 422
    assert texts.texts("pl")["error_invalid"] in response.text
    assert "javascript:alert(1)" in response.text, "the answers are kept for correcting"


def test_triage_orders_by_priority_and_merges_duplicates(client: TestClient, web_app: FastAPI) -> None:
    _submit(client, category="other", urls=["https://example.org/other"])
    _submit(client, category="trafficking", urls=["https://example.org/thb"])
    _submit(client, category="child_sexual_exploitation", urls=["https://example.org/minor"])
    _submit(client, category="other", urls=["https://example.org/danger"], immediate_danger=True)
    for _ in range(3):
        _submit(client, category="trafficking", urls=["https://example.org/thb/"])
    moderator = logged_in_client(web_app, Role.MODERATOR, "mod-a")
    queue = moderator.get("/api/v1/reports").json()
    assert [i["url"] for i in queue] == ["https://example.org/danger", "https://example.org/minor", "https://example.org/thb",
                                         "https://example.org/other"]
    assert [i["reports"] for i in queue] == [1, 1, 4, 1]
    assert queue[0]["immediate_danger"] and queue[0]["priority_name"] == "immediate danger"
    due = [datetime.fromisoformat(i["due_at"]) for i in queue]
    assert due[0] - datetime.fromisoformat(queue[0]["first_reported_at"]) == timedelta(hours=2)
    assert due[3] - datetime.fromisoformat(queue[3]["first_reported_at"]) == timedelta(hours=72)
    page = moderator.get("/reports")
    assert page.status_code == 200 and "example.org/danger" in page.text


def test_viewer_and_anonymous_cannot_triage(web_app: FastAPI, client: TestClient) -> None:
    _submit(client)
    assert client.get("/api/v1/reports").status_code == 401
    viewer = logged_in_client(web_app, Role.VIEWER, "viewer-a")
    assert viewer.get("/api/v1/reports").status_code == 403
    analyst = logged_in_client(web_app, Role.ANALYST, "analyst-a")
    item = _item_id(web_app)
    response = analyst.post(f"/api/v1/reports/items/{item}/decision", headers={"X-CSRF-Token": csrf_of(analyst)},
                            json={"action": "remove", "ground": "illegal", "ground_reference": "x", "explanation": "y"})
    assert response.status_code == 403, "analysts read reports; moderators decide"


def test_triage_shows_the_analysis_of_ingested_content_and_queues_the_rest(client: TestClient, web_app: FastAPI) -> None:
    _submit(client, urls=[DOCUMENT_URL + "/", "https://not-ingested.example.org/x"])
    moderator = logged_in_client(web_app, Role.MODERATOR, "mod-a")
    pending = moderator.get(f"/api/v1/reports/items/{_item_id(web_app, DOCUMENT_URL + '/')}").json()
    assert pending["analysis"] is None and pending["collection"] == "queued"
    add_document(_store(web_app))  # ingested after the report: linked when triage looks again
    item = moderator.get(f"/api/v1/reports/items/{_item_id(web_app, DOCUMENT_URL + '/')}").json()
    assert item["analysis"]["risk_level"] == "high"
    assert item["analysis"]["indicators"][0]["id"] == "upfront_fee"
    page = moderator.get(f"/reports/items/{item['id']}")
    assert "upfront_fee" in page.text and 'id="risk-level">high<' in page.text
    other = moderator.get(f"/api/v1/reports/items/{_item_id(web_app, 'https://not-ingested.example.org/x')}").json()
    assert other["collection"] == "queued"
    runner = CliRunner()
    settings = web_app.state.settings
    queued = runner.invoke(cli_app, ["--data-dir", str(settings.data_dir), "--database-url", "", "reports", "collection-queue"])
    assert queued.exit_code == 0 and queued.stdout.split() == ["https://not-ingested.example.org/x"]
    with _store(web_app).session() as session:
        views = session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action == "report.view")).all()
    assert len(views) == 4, "every read of a report is audited"


DECISION = {"action": "remove", "ground": "illegal", "ground_reference": "Criminal Code art. 189a (trafficking in human beings)",
            "explanation": "The ad recruits for work abroad against a fee and keeps documents; call +48 501 234 000.",
            "territorial_scope": ["PL", "DE"]}


@pytest.mark.parametrize(("change", "fragment"), [
    ({"action": "delete-everything"}, "action"),
    ({"ground": "vibes"}, "ground"),
    ({"ground_reference": "  "}, "ground"),
    ({"explanation": ""}, "explanation"),
    ({"territorial_scope": ["US"]}, "territorial"),
    ({"ground_url": "javascript:alert(1)"}, "URL"),
])
def test_bad_decisions_are_refused(client: TestClient, web_app: FastAPI, change: dict[str, Any], fragment: str) -> None:
    _submit(client)
    moderator = logged_in_client(web_app, Role.MODERATOR, "mod-a")
    response = moderator.post(f"/api/v1/reports/items/{_item_id(web_app)}/decision",
                              json={**DECISION, **change}, headers={"X-CSRF-Token": csrf_of(moderator)})
    assert response.status_code == 422 and fragment in response.json()["error"]["message"]


def test_decision_statement_complaint_and_emails(make_app: Callable[..., FastAPI], mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    app = make_app(smtp_host="127.0.0.1", smtp_port=port)
    add_document(_store(app))
    public = new_client(app)
    receipt = _submit(public, reporter_name="Olena T.", reporter_email="olena@example.org", language="uk")
    second = _submit(public, category="sexual_exploitation")
    assert [m["To"] for m in box.messages] == ["olena@example.org"]
    assert receipt in box.messages[0].get_payload(decode=True).decode()
    assert box.messages[0]["Subject"] == texts.texts("uk")["mail_ack_subject"]
    with _store(app).session() as session:
        assert session.scalars(sa.select(Report).where(Report.receipt == receipt)).one().acknowledged_at is not None

    moderator = logged_in_client(app, Role.MODERATOR, "mod-a")
    item = _item_id(app)
    decided = moderator.post(f"/api/v1/reports/items/{item}/decision", json=DECISION, headers={"X-CSRF-Token": csrf_of(moderator)})
    assert decided.status_code == 201, decided.text
    assert decided.json()["moderator"] == "mod-a"
    assert len(box.messages) == 2 and box.messages[1]["To"] == "olena@example.org"
    body = box.messages[1].get_payload(decode=True).decode()
    assert texts.texts("uk")["actions"]["remove"] in body and "189a" in body
    again = moderator.post(f"/api/v1/reports/items/{item}/decision", json=DECISION, headers={"X-CSRF-Token": csrf_of(moderator)})
    assert again.status_code == 422, "an item is decided once"

    status = public.get(f"/api/v1/reports/{second}").json()
    assert status["status"] == "decided" and status["items"][0]["decision"]["action"] == "remove"
    assert "mod-a" not in json.dumps(status)

    export = moderator.get("/api/v1/reports-statements").json()
    assert len(export) == 1 and not batch_problems(export[0])
    statement = export[0]["statements"][0]
    assert statement["source_type"] == "SOURCE_ARTICLE_16"
    assert statement["content_language"] == "UK" and statement["territorial_scope"] == ["DE", "PL"]
    assert "501" not in statement["illegal_content_explanation"], "contacts are masked in the explanation"
    assert "olena" not in json.dumps(statement).lower()

    complaint = public.post(f"/api/v1/reports/{receipt}/complaints", json={"text": "The ad was a real job offer, please restore it."})
    assert complaint.status_code == 201
    with _store(app).session() as session:
        complaint_id = session.execute(sa.text("select id from report_complaints")).scalar_one()
    same = moderator.post(f"/reports/complaints/{complaint_id}", data={"outcome": "reversed", "reasons": "x", "csrf_token": csrf_of(moderator)})
    assert same.status_code == 403, "the moderator who decided does not decide the complaint"
    other = logged_in_client(app, Role.MODERATOR, "mod-b")
    reversed_ = other.post(f"/reports/complaints/{complaint_id}", data={"outcome": "reversed", "reasons": "Reviewed again.",
                                                                         "csrf_token": csrf_of(other)}, follow_redirects=False)
    assert reversed_.status_code == 303
    assert moderator.get("/api/v1/reports-statements").json() == [], "a reversed decision has no statement in force"
    assert moderator.get(f"/api/v1/reports/items/{item}").json()["status"] == "open"


def test_referral_routing_and_article_18(make_app: Callable[..., FastAPI], tmp_path: Path, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    rules = tmp_path / "routing.yaml"
    rules.write_text(
        "partners:\n"
        "  pl_police:\n    name: Test police unit (PL)\n    kind: police\n    email: police-unit@example.org\n"
        "    countries: [PL]\n    categories: [trafficking, child_sexual_exploitation]\n"
        "  ngo_any:\n    name: Test NGO hotline\n    kind: ngo\n    email: ngo@example.org\n    categories: [trafficking, forced_labour]\n"
        "  de_only:\n    name: Test partner (DE)\n    kind: ngo\n    countries: [DE]\n",
        encoding="utf-8",
    )
    app = make_app(reports_routing_file=rules, smtp_host="127.0.0.1", smtp_port=port)
    add_document(_store(app))
    public = new_client(app)
    _submit(public, country="PL", immediate_danger=True)
    moderator = logged_in_client(app, Role.MODERATOR, "mod-a")
    item = _item_id(app)
    page = moderator.get(f"/reports/items/{item}")
    assert "Test police unit (PL)" in page.text and "Test NGO hotline" in page.text and "Test partner (DE)" not in page.text
    assert "article 18" in page.text
    token = csrf_of(moderator)
    referred = moderator.post(f"/api/v1/reports/items/{item}/referrals", json={"partner": "pl_police", "case_ref": "CASE-1"},
                              headers={"X-CSRF-Token": token})
    assert referred.status_code == 201 and referred.json()["recipient"] == "Test police unit (PL)"
    notified = moderator.post(f"/api/v1/reports/items/{item}/referrals",
                              json={"kind": "article_18", "recipient": "Policja, duty officer"}, headers={"X-CSRF-Token": token})
    assert notified.status_code == 201
    assert moderator.post(f"/api/v1/reports/items/{item}/referrals", json={"partner": "nobody"},
                          headers={"X-CSRF-Token": token}).status_code == 422
    view = moderator.get(f"/api/v1/reports/items/{item}").json()
    assert [r["kind"] for r in view["referrals"]] == ["referral", "article_18"] and not view["needs_article_18"]
    with _store(app).session() as session:
        referral = session.scalars(sa.select(ReportReferral).where(ReportReferral.kind == "referral")).one()
        assert referral.by_name == "mod-a" and referral.package["analysis"]["indicators"][0]["id"] == "upfront_fee"
        assert "reporter" not in json.dumps(referral.package)
    assert [m["To"] for m in box.messages] == ["police-unit@example.org"]


def test_contacts_are_sealed_at_rest_and_deleted_after_retention(client: TestClient, web_app: FastAPI) -> None:
    _submit(client, reporter_name="Ivan P.", reporter_email="ivan.p@example.org")
    _submit(client, urls=["https://example.org/anon"])
    with _store(web_app).session() as session:
        sealed = session.scalars(sa.select(Report).where(Report.contact_sealed.is_not(None))).one()
        raw = bytes(sealed.contact_sealed or b"")
        expires = sealed.contact_expires_at
    assert b"ivan" not in raw and b"example.org" not in raw
    box = ContactBox.from_file(web_app.state.settings.resolved_reports_contact_key_file)
    assert box.open(raw) == Contact("Ivan P.", "ivan.p@example.org")
    assert ContactBox(_other_key()).open(raw) is None, "another key opens nothing"
    assert expires is not None
    received = datetime.now(UTC)
    assert timedelta(days=179) < expires.replace(tzinfo=UTC) - received < timedelta(days=181)
    with _store(web_app).session() as session:
        assert delete_expired_contacts(session, received + timedelta(days=179)) == 0
        assert delete_expired_contacts(session, received + timedelta(days=181)) == 1
    with _store(web_app).session() as session:
        assert session.scalars(sa.select(Report).where(Report.contact_sealed.is_not(None))).all() == []


def _other_key() -> bytes:
    from cryptography.fernet import Fernet

    return Fernet.generate_key()


def test_cli_lists_reports_and_exports_statements(client: TestClient, web_app: FastAPI, tmp_path: Path) -> None:
    receipts = [_submit(client, urls=[f"https://example.org/{i}"]) for i in range(3)]
    moderator = logged_in_client(web_app, Role.MODERATOR, "mod-a")
    token = csrf_of(moderator)
    for i in range(2):
        item = _item_id(web_app, f"https://example.org/{i}")
        assert moderator.post(f"/api/v1/reports/items/{item}/decision", json={**DECISION, "ground": "terms"},
                              headers={"X-CSRF-Token": token}).status_code == 201
    settings = web_app.state.settings
    base = ["--data-dir", str(settings.data_dir), "--database-url", ""]
    runner = CliRunner()
    listed = runner.invoke(cli_app, [*base, "reports", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [r["receipt"] for r in rows] == receipts
    assert [r["status"] for r in rows] == ["decided", "decided", "in_review"]
    out = tmp_path / "sor.jsonl"
    exported = runner.invoke(cli_app, [*base, "reports", "export-sor", "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    body = json.loads(lines[0])
    assert not batch_problems(body)
    assert {s["decision_ground"] for s in body["statements"]} == {"DECISION_GROUND_INCOMPATIBLE_CONTENT"}


def test_batches_hold_at_most_one_hundred() -> None:
    made = batches([{"puid": f"p{i}"} for i in range(250)])
    assert [len(b["statements"]) for b in made] == [100, 100, 50]


@pytest.mark.parametrize(("change", "broken"), [
    ({"decision_visibility": ["DECISION_VISIBILITY_GONE"]}, "decision_visibility"),
    ({"category": "STATEMENT_CATEGORY_TRAFFICKING"}, "category"),
    ({"puid": "has spaces"}, "puid"),
    ({"decision_facts": "Reported by olena@example.org"}, "decision_facts carries personal data"),
    ({"territorial_scope": ["UA"]}, "territorial_scope"),
    ({"content_date": "1999-12-31"}, "content_date"),
    ({"automated_decision": "No"}, "automated_decision"),
])
def test_the_independent_check_catches_broken_statements(change: dict[str, Any], broken: str) -> None:
    good = {"decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"], "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
            "illegal_content_legal_ground": "law", "illegal_content_explanation": "why", "content_type": ["CONTENT_TYPE_TEXT"],
            "category": "STATEMENT_CATEGORY_VIOLENCE", "content_date": "2025-09-01", "application_date": "2025-09-02",
            "decision_facts": "facts", "source_type": "SOURCE_ARTICLE_16", "automated_detection": "No",
            "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED", "puid": "vigil-sor-1"}
    assert problems(good) == []
    assert broken in problems({**good, **change})

"""Every write leaves an audit entry: each state-changing route of the app and each CLI command
that changes accounts, walked in turn, with the entry it must leave."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.orm import Session
from web_support import PASSWORD, Account, TestClient, csrf_of, login, new_client

from vigil.partners.matching import create_partnership
from vigil.partners.orgs import create_org
from vigil.reports.models import ReportComplaint, ReportedItem
from vigil.settings import Settings
from vigil.store import Store
from vigil.store.models import DocumentRow, Source
from vigil.watch.matching import match_new_documents
from vigil.watch.models import WatchNotification
from vigil.web.models import ApiKey, AuditEntry, User
from vigil.web.permissions import CSRF_HEADER, Role, declared_routes

#: Write routes that only add to aggregate counters (no person, no record of anyone): the
#: numbers themselves are the record, and auditing each display would log every searcher.
COUNTERS = {
    ("POST", "/api/v1/query-check"),
    ("POST", "/api/v1/campaigns/{campaign_id}/displays"),
    ("POST", "/api/v1/campaigns/{campaign_id}/clicks"),
}
#: Marking one's own notifications read: it changes only what that analyst's inbox shows,
#: records nothing about anyone, and reads no case or report. The walk calls them and checks
#: they leave no entry (the watches behind the notifications are audited when they change).
OWN_INBOX = {
    ("POST", "/api/v1/notifications/read"),
    ("POST", "/notifications/read"),
}
#: Notices and complaints from the public: the stored report is the record (no account acts).
#: The walk calls them to have a report to decide, and checks they leave no entry.
PUBLIC = {
    ("POST", "/report"),
    ("POST", "/api/v1/reports"),
    ("POST", "/api/v1/reports/{receipt}/complaints"),
    ("POST", "/report/status/{receipt}/complaint"),
}
NEW_PASSWORD = "another-horse-battery"
REPORTED = ("https://ads.example.org/job/walk-1", "https://ads.example.org/job/walk-2")
NOTICE = {"category": "trafficking", "good_faith": True, "explanation": "Job offer abroad asks a fee for documents."}
DECISION = {"action": "remove", "ground": "illegal", "ground_reference": "Criminal Code art. 189a (trafficking in human beings)",
            "explanation": "The ad recruits for work abroad against a fee.", "territorial_scope": ["PL"]}
CAMPAIGN = {"name": "Work abroad", "messages": {"en": {"title": "Check first", "body": "Keep your passport."}}}


def _newest(store: Store) -> AuditEntry | None:
    with store.session() as session:
        entry = session.execute(sa.select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).scalar_one_or_none()
        if entry is not None:
            session.expunge(entry)
        return entry


def _id_of(store: Store, model: Any, **where: Any) -> int:
    with store.session() as session:
        return int(session.execute(sa.select(model.id).filter_by(**where)).scalar_one())


class Walk:
    """Calls routes as a logged-in administrator and checks the entry each leaves."""

    def __init__(self, app: FastAPI, admin: Account) -> None:
        self.store: Store = app.state.store
        self.app = app
        self.admin = admin
        self.client = new_client(app)
        self.walked: set[tuple[str, str]] = set()
        self.unaudited: set[tuple[str, str]] = set()

    def expect(self, route: str, action: str, target: str, call: Callable[[TestClient], Any]) -> None:
        before = _newest(self.store)
        response = call(self.client)
        assert response.status_code < 400, f"{route}: {response.status_code} {response.text[:200]}"
        entry = _newest(self.store)
        assert entry is not None and (before is None or entry.seq > before.seq), f"{route} left no audit entry"
        assert (entry.action, entry.target_type) == (action, target), route
        method, _, path = route.partition(" ")
        self.walked.add((method, path))

    def expect_none(self, route: str, call: Callable[[TestClient], Any]) -> Any:
        """Call a write route that must succeed and leave no audit entry."""
        before = _newest(self.store)
        response = call(self.client)
        assert response.status_code < 400, f"{route}: {response.status_code} {response.text[:200]}"
        after = _newest(self.store)
        assert before is not None and after is not None and after.seq == before.seq, f"{route} left an audit entry"
        method, _, path = route.partition(" ")
        self.unaudited.add((method, path))
        return response

    def headers(self) -> dict[str, str]:
        return {CSRF_HEADER: csrf_of(self.client)}


def test_every_write_route_is_audited(web_app: FastAPI, make_account: Callable[..., Account]) -> None:
    walk = Walk(web_app, make_account(Role.ADMIN, name="lead-admin"))
    store = walk.store
    walk.expect("POST /login", "login", "user", lambda c: login(c, "lead-admin", PASSWORD))
    walk.expect(
        "POST /users", "user.create", "user",
        lambda c: c.post("/users", data={"name": "olena", "role": "viewer", "password": PASSWORD}, headers=walk.headers(), follow_redirects=False),
    )  # fmt: skip
    olena = _id_of(store, User, name="olena")
    walk.expect(
        "POST /users/{user_id}/role", "user.set_role", "user",
        lambda c: c.post(f"/users/{olena}/role", data={"role": "analyst"}, headers=walk.headers(), follow_redirects=False),
    )  # fmt: skip
    walk.expect(
        "POST /users/{user_id}/active", "user.disable", "user",
        lambda c: c.post(f"/users/{olena}/active", data={"active": "false"}, headers=walk.headers(), follow_redirects=False),
    )  # fmt: skip
    walk.expect(
        "POST /users/{user_id}/keys", "api_key.create", "api_key",
        lambda c: c.post(f"/users/{olena}/keys", data={"name": "laptop"}, headers=walk.headers(), follow_redirects=False),
    )  # fmt: skip
    key = _id_of(store, ApiKey, name="laptop")
    walk.expect(
        "POST /keys/{key_id}/revoke", "api_key.revoke", "api_key",
        lambda c: c.post(f"/keys/{key}/revoke", headers=walk.headers(), follow_redirects=False),
    )  # fmt: skip
    walk.expect(
        "POST /api/v1/campaigns", "campaign.create", "campaign",
        lambda c: c.post("/api/v1/campaigns", json=CAMPAIGN, headers=walk.headers()),
    )  # fmt: skip
    campaign = _newest(store)
    assert campaign is not None and campaign.actor_name == "lead-admin" and campaign.details["name"] == "Work abroad"
    walk.expect(
        "POST /api/v1/campaigns/{campaign_id}/active", "campaign.stop", "campaign",
        lambda c: c.post(f"/api/v1/campaigns/{campaign.target_id}/active", params={"active": "false"}, headers=walk.headers()),
    )  # fmt: skip
    walk.expect(
        "POST /account/password", "user.set_password", "user",
        lambda c: c.post(
            "/account/password",
            data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
            headers=walk.headers(),
            follow_redirects=False,
        ),
    )
    assert login(walk.client, "lead-admin", NEW_PASSWORD).status_code == 303
    walk.expect("POST /logout", "logout", "user", lambda c: c.post("/logout", headers=walk.headers(), follow_redirects=False))

    assert login(walk.client, "lead-admin", NEW_PASSWORD).status_code == 303
    _walk_casework(walk)
    _walk_reports(walk, make_account)
    _walk_partners(walk)
    _walk_watches(walk)

    writes = {(r.method, r.path) for r in declared_routes(web_app) if r.method not in {"GET", "HEAD", "OPTIONS"}}
    assert writes - COUNTERS - PUBLIC - walk.unaudited - walk.walked == set(), "a write route without an audit check: add it to this walk"
    assert walk.walked & PUBLIC == set(), "a public route is walked as a write of an account"
    assert walk.unaudited == OWN_INBOX, "only the inbox routes change nothing worth an entry"


def _document(store: Store, doc_id: str, url: str | None = None) -> int:
    """A stored synthetic ad (no analysis needed to review it or add it to a case)."""
    with store.session() as session:
        source = session.scalars(sa.select(Source).where(Source.name == "audit-walk")).first()
        if source is None:
            source = Source(name="audit-walk")
            session.add(source)
            session.flush()
        row = DocumentRow(source_id=source.id, doc_id=doc_id, text=f"Synthetic job ad {doc_id}: work abroad, fee for documents.",
                          kind="job_ad", platform="ads.example", url=url, lang="en", images=[], meta={})
        session.add(row)
        session.flush()
        return int(row.pk)


def _walk_casework(walk: Walk) -> None:
    """Reviews and cases, each write once as the administrator (who holds reviews:manage and cases:manage)."""
    first, second = _document(walk.store, "walk-ad-1"), _document(walk.store, "walk-ad-2")
    walk.expect(
        "POST /api/v1/reviews", "review.set", "document",
        lambda c: c.post("/api/v1/reviews", json={"kind": "document", "targets": [str(first)], "state": "in_review"}, headers=walk.headers()),
    )  # fmt: skip
    walk.expect(
        "POST /reviews", "review.set", "document",
        lambda c: c.post("/reviews", data={"kind": "document", "target": [str(second)], "state": "dismissed", "reason": "duplicate"},
                         headers=walk.headers(), follow_redirects=False),
    )  # fmt: skip
    walk.expect(
        "POST /api/v1/cases", "case.add", "case",
        lambda c: c.post("/api/v1/cases", json={"title": "Walk case", "documents": [str(first)]}, headers=walk.headers()),
    )  # fmt: skip
    case = _newest(walk.store)
    assert case is not None and case.details == {"kind": "document", "target": str(first)}
    walk.expect(
        "PATCH /api/v1/cases/{case_id}", "case.update", "case",
        lambda c: c.patch(f"/api/v1/cases/{case.target_id}", json={"status": "FollowUp"}, headers=walk.headers()),
    )  # fmt: skip
    walk.expect(
        "POST /api/v1/cases/{case_id}/items", "case.add", "case",
        lambda c: c.post(f"/api/v1/cases/{case.target_id}/items", json={"documents": [str(second)]}, headers=walk.headers()),
    )  # fmt: skip
    walk.expect(
        "POST /cases/{case_id}", "case.note", "case",
        lambda c: c.post(f"/cases/{case.target_id}", data={"note": "Both ads ask a fee."}, headers=walk.headers(), follow_redirects=False),
    )  # fmt: skip
    walk.expect(
        "POST /cases/add", "case.add", "case",
        lambda c: c.post("/cases/add", data={"case": "new", "title": "Walk case from a list", "kind": "document", "target": [str(first)]},
                         headers=walk.headers(), follow_redirects=False),
    )  # fmt: skip


def _public_report(walk: Walk, url: str) -> str:
    """A notice from the public: it leaves no audit entry (the stored report is the record)."""
    before = _newest(walk.store)
    public = new_client(walk.app)
    try:
        response = public.post("/api/v1/reports", json={**NOTICE, "urls": [url]})
    finally:
        public.close()
    assert response.status_code == 201, response.text
    after = _newest(walk.store)
    assert before is not None and after is not None and after.seq == before.seq
    receipt: str = response.json()["receipt"]
    return receipt


def _item_of(store: Store, url: str) -> int:
    with store.session() as session:
        return int(session.execute(sa.select(ReportedItem.id).where(ReportedItem.url == url)).scalar_one())


def _walk_reports(walk: Walk, make_account: Callable[..., Account]) -> None:
    """Notice and action: decisions, referrals, a case from a report, a complaint decided by another moderator."""
    receipt = _public_report(walk, REPORTED[0])
    _public_report(walk, REPORTED[1])
    first, second = _item_of(walk.store, REPORTED[0]), _item_of(walk.store, REPORTED[1])
    walk.expect(
        "POST /api/v1/reports/items/{item_id}/decision", "report.decide", "reported_item",
        lambda c: c.post(f"/api/v1/reports/items/{first}/decision", json=DECISION, headers=walk.headers()),
    )  # fmt: skip
    form = {**DECISION, "territorial_scope": "PL"}
    walk.expect(
        "POST /reports/items/{item_id}/decision", "report.decide", "reported_item",
        lambda c: c.post(f"/reports/items/{second}/decision", data=form, headers=walk.headers(), follow_redirects=False),
    )  # fmt: skip
    walk.expect(
        "POST /api/v1/reports/items/{item_id}/referrals", "report.article_18", "reported_item",
        lambda c: c.post(f"/api/v1/reports/items/{first}/referrals", json={"kind": "article_18", "recipient": "Duty officer (test)"},
                         headers=walk.headers()),
    )  # fmt: skip
    walk.expect(
        "POST /reports/items/{item_id}/referral", "report.referral", "reported_item",
        lambda c: c.post(f"/reports/items/{first}/referral", data={"recipient": "Test NGO hotline"}, headers=walk.headers(),
                         follow_redirects=False),
    )  # fmt: skip
    walk.expect(
        "POST /api/v1/reports/items/{item_id}/case", "report.case", "reported_item",
        lambda c: c.post(f"/api/v1/reports/items/{first}/case", json={"title": "Case from a report"}, headers=walk.headers()),
    )  # fmt: skip
    public = new_client(walk.app)
    try:
        complained = public.post(f"/api/v1/reports/{receipt}/complaints", json={"text": "The ad was a real job offer, please restore it."})
    finally:
        public.close()
    assert complained.status_code == 201, complained.text
    with walk.store.session() as session:
        complaint = int(session.execute(sa.select(ReportComplaint.id)).scalar_one())
    other = make_account(Role.MODERATOR, name="second-moderator")
    reviewer = new_client(walk.app)
    try:
        assert login(reviewer, other.name, other.password).status_code == 303
        walk.expect(
            "POST /reports/complaints/{complaint_id}", "report.complaint", "report_complaint",
            lambda _c: reviewer.post(f"/reports/complaints/{complaint}", data={"outcome": "upheld", "reasons": "Checked again."},
                                     headers={CSRF_HEADER: csrf_of(reviewer)}, follow_redirects=False),
        )  # fmt: skip
    finally:
        reviewer.close()


def _walk_partners(walk: Walk) -> None:
    """Sharing with a partner organisation and matching hashed identifiers."""
    with walk.store.session() as session:
        org = create_org(session, "test-ngo", "ngo", "Test NGO", "setup", _no_audit)
        create_partnership(session, "test-ngo-share", org, walk.app.state.settings.resolved_partners_dir, "setup", _no_audit)
    walk.expect(
        "POST /api/v1/partners/{org}/grants", "partner.grant", "partner_org",
        lambda c: c.post("/api/v1/partners/test-ngo/grants", json={"kind": "stats"}, headers=walk.headers()),
    )  # fmt: skip
    walk.expect(
        "POST /api/v1/partners/{org}/revoke", "partner.revoke", "partner_org",
        lambda c: c.post("/api/v1/partners/test-ngo/revoke", json={"kind": "stats"}, headers=walk.headers()),
    )  # fmt: skip
    walk.expect(
        "POST /api/v1/share/{partnership}/match", "share.match", "partnership",
        lambda c: c.post("/api/v1/share/test-ngo-share/match", json={"hashes": ["0" * 64]}, headers=walk.headers()),
    )  # fmt: skip


def _walk_watches(walk: Walk) -> None:
    """Watches (audited as they change) and the notifications they raise (marked read without an entry)."""
    walk.expect(
        "POST /api/v1/watches", "watch.add", "watch",
        lambda c: c.post("/api/v1/watches", json={"kind": "identifier", "value": "walk-recruiter@example.org"}, headers=walk.headers()),
    )  # fmt: skip
    watch = _newest(walk.store)
    assert watch is not None and watch.details["kind"] == "identifier"
    walk.expect(
        "DELETE /api/v1/watches/{watch_id}", "watch.remove", "watch",
        lambda c: c.delete(f"/api/v1/watches/{watch.target_id}", headers=walk.headers()),
    )  # fmt: skip
    walk.expect(
        "POST /watches", "watch.add", "watch",
        lambda c: c.post("/watches", data={"kind": "search", "doc_kind": "job_ad", "next": "/watches"}, headers=walk.headers(),
                         follow_redirects=False),
    )  # fmt: skip
    searching = _newest(walk.store)
    assert searching is not None and searching.details["kind"] == "search"
    new_ads = [_document(walk.store, "walk-ad-3"), _document(walk.store, "walk-ad-4")]
    assert match_new_documents(walk.store, new_ads) == 2
    with walk.store.session() as session:
        first = int(session.execute(sa.select(sa.func.min(WatchNotification.id))).scalar_one())
    marked = walk.expect_none(
        "POST /api/v1/notifications/read",
        lambda c: c.post("/api/v1/notifications/read", json={"ids": [first]}, headers=walk.headers()),
    )
    assert marked.json() == {"marked": 1}
    walk.expect_none(
        "POST /notifications/read",
        lambda c: c.post("/notifications/read", data={}, headers=walk.headers(), follow_redirects=False),
    )
    with walk.store.session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(WatchNotification).where(WatchNotification.read_at.is_(None))) == 0
    walk.expect(
        "POST /watches/{watch_id}/remove", "watch.remove", "watch",
        lambda c: c.post(f"/watches/{searching.target_id}/remove", headers=walk.headers(), follow_redirects=False),
    )  # fmt: skip


def _no_audit(_session: Session, _action: str, _type: str, _id: str, _details: dict[str, Any]) -> None:
    """Setting up the walk's partner is not what the walk checks."""


def test_refused_campaign_change_leaves_no_entry(web_app: FastAPI, make_account: Callable[..., Account]) -> None:
    """The entry is written in the change's transaction: no change, no entry."""
    walk = Walk(web_app, make_account(Role.ADMIN, name="lead-admin"))
    login(walk.client, "lead-admin", PASSWORD)
    before = _newest(walk.store)
    bad = {**CAMPAIGN, "messages": {"en": {"title": "t", "body": "b", "url": "javascript:alert(3)"}}}
    assert walk.client.post("/api/v1/campaigns", json=bad, headers=walk.headers()).status_code == 422
    after = _newest(walk.store)
    assert before is not None and after is not None and after.seq == before.seq


def _cli(settings: Settings, monkeypatch: pytest.MonkeyPatch, *args: str) -> None:
    from vigil.cli import main

    monkeypatch.setenv("VIGIL_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("VIGIL_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setattr(sys, "argv", ["vigil", *args])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code in (0, None)


@pytest.mark.parametrize(
    ("args", "actions"),
    [
        (["users", "create", "taras", "--role", "analyst", "--password-file", "{pw}"], ["user.create"]),
        (["users", "set", "olena", "--role", "analyst"], ["user.set_role"]),
        (["users", "set", "olena", "--disable"], ["user.disable"]),
        (["users", "set", "OLENA", "--password-file", "{pw}"], ["user.set_password"]),
        (["users", "set", "olena", "--role", "viewer", "--enable"], ["user.set_role", "user.enable"]),
        (["users", "apikey", "olena", "--label", "laptop"], ["api_key.create"]),
    ],
)
def test_every_cli_write_is_audited(
    web_app: FastAPI,
    settings: Settings,
    make_account: Callable[..., Account],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    actions: list[str],
) -> None:
    make_account(Role.VIEWER, name="olena")
    password_file = tmp_path / "pw"
    password_file.write_text(NEW_PASSWORD)
    store: Store = web_app.state.store
    before = _newest(store)
    assert before is not None
    _cli(settings, monkeypatch, *[a.replace("{pw}", str(password_file)) for a in args])
    capsys.readouterr()
    with store.session() as session:
        entries = session.execute(sa.select(AuditEntry).where(AuditEntry.seq > before.seq).order_by(AuditEntry.seq)).scalars().all()
        assert [e.action for e in entries] == actions
        assert all(e.actor_type == "terminal" for e in entries)

"""Load the demo corpus end to end: ingest, analyse, link, detect trends, seed campaigns.

Each step only does what is missing, so running ``vigil demo`` again is safe and quick; an
existing admin account is left as it is. The accounts and the audit log belong to the web
app, above this package: the caller hands them in as :class:`DemoAccounts`
(``vigil.web.auth.demo_accounts()``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from vigil.demo import DemoCorpus, write_jsonl
from vigil.settings import Settings
from vigil.store import Store


@dataclass(frozen=True, slots=True)
class DemoAccounts:
    """What the demo needs of the web app's accounts and audit log.

    ``audit`` records a seeded campaign ``(session, action, target id, details)`` in the
    same transaction; ``ensure_admin`` creates the demo admin and returns its one-time
    password, or None when the account exists.
    """

    audit: Callable[[Session, str, int, dict[str, Any]], None]
    ensure_admin: Callable[[Store], str | None]


@dataclass
class DemoSummary:
    documents: int = 0
    new_documents: int = 0
    analysed: int = 0
    linked: int = 0
    clusters: int = 0
    alerts: int = 0
    campaigns: int = 0
    failed: int = 0
    admin_password: str | None = None


def load_demo(
    settings: Settings,
    corpus: DemoCorpus,
    seed: int,
    accounts: DemoAccounts,
    on_step: Callable[[str], None] = lambda _step: None,
) -> DemoSummary:
    """Ingest, analyse, link, detect trends, seed campaigns and the demo admin; returns what happened."""
    from vigil.ingest import ingest_input
    from vigil.processing import process_store
    from vigil.safeguard.campaigns import seed_demo_campaigns

    summary = DemoSummary(documents=len(corpus.documents))
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / f"demo-{seed}.jsonl"
    write_jsonl(corpus, path)
    with Store.open(settings) as store:
        on_step("ingesting the demo corpus")
        report = ingest_input(store, path, fmt="jsonl", source="demo")
        summary.new_documents = report.accepted
        on_step("analysing, linking and counting")
        processed = process_store(store, settings)
        summary.analysed = processed.analysed
        summary.failed = processed.failed
        summary.linked = processed.linked
        summary.clusters = processed.clusters
        summary.alerts = processed.trend_alerts
        on_step("seeding awareness campaigns")
        summary.campaigns = seed_demo_campaigns(store, audit=accounts.audit)
        # An existing account is never touched: re-running the demo logs nobody out.
        summary.admin_password = accounts.ensure_admin(store)
    return summary


def describe(summary: DemoSummary, settings: Settings) -> list[str]:
    """Lines for a person: what the demo holds now."""
    lines = [
        f"demo corpus: {summary.documents} synthetic documents ({summary.new_documents} new) "
        f"in {settings.resolved_database_url}",
        f"analysed {summary.analysed} new documents; linked {summary.linked} into {summary.clusters} networks; "
        f"{summary.alerts} trend alerts; {summary.campaigns} new campaigns",
    ]
    if summary.failed:
        lines.append(f"{summary.failed} documents failed and were skipped (see `vigil process --json`)")
    if summary.admin_password:
        lines.append(f"demo admin account: admin / one-time password: {summary.admin_password}")
    else:
        lines.append("demo admin account: admin (exists; its password is unchanged; reset it with `vigil users set admin --password-file -`)")
    return lines

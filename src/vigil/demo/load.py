"""Load the demo corpus end to end: ingest, analyse, link, detect trends, seed campaigns.

Each step only does what is missing, so running ``vigil demo`` again is safe and quick; an
existing admin account is left as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vigil.demo import DemoCorpus, write_jsonl
from vigil.settings import Settings
from vigil.store import Store


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
    on_step: Callable[[str], None] = lambda _step: None,
) -> DemoSummary:
    """Ingest, analyse, link, detect trends, seed campaigns and the demo admin; returns what happened."""
    from vigil.ingest import ingest_input
    from vigil.processing import process_store
    from vigil.safeguard.campaigns import seed_demo_campaigns
    from vigil.web.audit import SYSTEM, change_recorder
    from vigil.web.auth import ensure_demo_admin

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
        summary.campaigns = seed_demo_campaigns(store, audit=change_recorder(SYSTEM, "campaign"))
        # An existing account is never touched: re-running the demo logs nobody out.
        summary.admin_password = ensure_demo_admin(store)
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

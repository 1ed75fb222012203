"""Load the demo corpus end to end: ingest, analyse, link, detect trends, seed campaigns.

Each step only does what is missing, so running ``vigil demo`` again is safe and quick.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from vigil.demo import DemoCorpus, write_jsonl
from vigil.settings import Settings
from vigil.store import Store
from vigil.store.models import AnalysisRow, DocumentRow

#: Documents handed to the link index per transaction.
LINK_BATCH = 2000


@dataclass
class DemoSummary:
    documents: int = 0
    new_documents: int = 0
    analysed: int = 0
    linked: int = 0
    clusters: int = 0
    alerts: int = 0
    campaigns: int = 0
    admin_password: str | None = None


def _link_stored(store: Store, settings: Settings) -> tuple[int, int]:
    """Add stored, analysed documents that the link index lacks; returns (added, clusters)."""
    from vigil.link import LinkConfig, build_features
    from vigil.link.models import LinkDocument
    from vigil.link.state import StoredLinks
    from vigil.store.analyses import row_to_document

    links = StoredLinks(store, LinkConfig.from_settings(settings))
    added = 0
    last = 0
    while True:
        with store.session() as session:
            rows = session.execute(
                sa.select(DocumentRow, AnalysisRow.result)
                .join(AnalysisRow, AnalysisRow.document_pk == DocumentRow.pk)
                .where(DocumentRow.pk > last)
                .where(~sa.exists().where(LinkDocument.doc_id == DocumentRow.doc_id))
                .order_by(DocumentRow.pk)
                .limit(LINK_BATCH)
            ).all()
        if not rows:
            break
        features = [build_features(row_to_document(doc), result.get("entities", {})) for doc, result in rows]
        links.add(features)
        added += len(features)
        last = rows[-1][0].pk
    with store.session() as session:
        clusters = session.scalar(
            sa.select(sa.func.count(sa.distinct(LinkDocument.cluster))).where(LinkDocument.cluster.is_not(None))
        )
    return added, int(clusters or 0)


def _trend_alerts(store: Store, settings: Settings) -> int:
    from vigil.cli.trends import detection_params
    from vigil.trends.alert_store import save_alerts
    from vigil.trends.periods import parse_freq
    from vigil.trends.report import collect_pairs, run_detection, store_pairs
    from vigil.trends.segments import build_segmenter

    collected = collect_pairs(store_pairs(store), build_segmenter())
    report = run_detection(collected.builder.build(parse_freq("W")), detection_params(settings, None))
    save_alerts(store, report.alerts)
    return len(report.alerts)


def load_demo(
    settings: Settings,
    corpus: DemoCorpus,
    seed: int,
    on_step: Callable[[str], None] = lambda _step: None,
) -> DemoSummary:
    """Ingest, analyse, link, detect trends, seed campaigns and the demo admin; returns what happened."""
    from vigil.engine import create_engine
    from vigil.ingest import ingest_input
    from vigil.pipeline import build_pipeline
    from vigil.safeguard.campaigns import seed_demo_campaigns
    from vigil.store.analyses import analyze_store
    from vigil.web.auth import ensure_demo_admin

    summary = DemoSummary(documents=len(corpus.documents))
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / f"demo-{seed}.jsonl"
    write_jsonl(corpus, path)
    with Store.open(settings) as store:
        on_step("ingesting the demo corpus")
        report = ingest_input(store, path, fmt="jsonl", source="demo")
        summary.new_documents = report.accepted
        on_step("analysing documents")
        engine = create_engine(settings)
        try:
            summary.analysed = analyze_store(store, build_pipeline(settings), engine)
        finally:
            engine.close()
        on_step("linking ads into networks")
        summary.linked, summary.clusters = _link_stored(store, settings)
        on_step("detecting market trends")
        summary.alerts = _trend_alerts(store, settings)
        on_step("seeding awareness campaigns")
        summary.campaigns = seed_demo_campaigns(store)
        summary.admin_password = ensure_demo_admin(store) or _new_admin_password(store)
    return summary


def _new_admin_password(store: Store) -> str:
    """A fresh one-time password for the existing demo admin, so every run prints a usable one."""
    from vigil.web import security
    from vigil.web.auth import DEMO_ADMIN, find_user, set_password

    password = security.new_password()
    with store.session() as session:
        user = find_user(session, DEMO_ADMIN)
        if user is not None:
            set_password(session, user, password)
    return password


def describe(summary: DemoSummary, settings: Settings) -> list[str]:
    """Lines for a person: what the demo holds now."""
    lines = [
        f"demo corpus: {summary.documents} synthetic documents ({summary.new_documents} new) "
        f"in {settings.resolved_database_url}",
        f"analysed {summary.analysed} new documents; linked {summary.linked} into {summary.clusters} networks; "
        f"{summary.alerts} trend alerts; {summary.campaigns} new campaigns",
    ]
    if summary.admin_password:
        lines.append(f"demo admin account: admin / one-time password: {summary.admin_password}")
    return lines

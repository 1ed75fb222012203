"""``vigil reports``: list stored reports, export statements of reasons, delete expired contacts,
and list reported URLs waiting for collection."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
import typer

from vigil.cli.common import get_settings, open_output, write_jsonl
from vigil.store import Store

reports_app = typer.Typer(
    help="Notice and action: public reports, statements of reasons, reporters' contact retention.",
    no_args_is_help=True,
)


def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """One line per stored report, oldest first, with its receipt (never the reporter's contact details)."""
    from vigil.reports.models import Report, ReportedItem, ReportItemLink

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        reports = session.scalars(sa.select(Report).order_by(Report.id)).all()
        open_items = dict(
            session.execute(
                sa.select(ReportItemLink.report_id, sa.func.count())
                .join(ReportedItem, ReportedItem.id == ReportItemLink.item_id)
                .where(ReportedItem.status == "open").group_by(ReportItemLink.report_id)
            ).tuples().all()
        )
        rows: list[dict[str, Any]] = [
            {"receipt": r.receipt, "category": r.category, "urls": r.urls, "source": r.source, "priority": r.priority,
             "immediate_danger": r.immediate_danger, "received_at": r.received_at.isoformat(),
             "status": "in_review" if open_items.get(r.id) else "decided", "has_contact": r.contact_sealed is not None}
            for r in reports
        ]
    for row in rows:
        if as_json:
            write_jsonl(sys.stdout, row)
        else:
            print(f"{row['receipt']}  {row['status']:<9}  {row['category']:<26}  {row['received_at'][:19]}  {row['urls'][0]}")


def export_sor(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
) -> None:
    """Statements of reasons in the DSA Transparency Database format: one ``{"statements": [...]}``
    batch of at most 100 per line, each the body of one ``POST /api/v1/statements``."""
    from vigil.reports.sor import batches, statements

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        found = list(statements(session))
    with open_output(output) as out:
        for batch in batches(found):
            write_jsonl(out, batch)
    print(f"{len(found)} statements of reasons", file=sys.stderr)


def purge_contacts(ctx: typer.Context) -> None:
    """Delete reporters' contact details past the retention period (reports_contact_retention_days)."""
    from vigil.reports.contact import delete_expired_contacts

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        deleted = delete_expired_contacts(session, datetime.now(UTC))
    print(f"deleted the contact details of {deleted} reports", file=sys.stderr)


def collection_queue(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Reported URLs Vigil has not ingested yet (to collect); ones ingested since are linked first."""
    from vigil.reports.triage import collection_queue as waiting
    from vigil.reports.triage import relink_documents

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        relink_documents(session)
        rows = [{"url": i.url, "reports": i.report_count, "priority": i.priority} for i in waiting(session)]
    for row in rows:
        print(json.dumps(row, ensure_ascii=False) if as_json else row["url"])


def register(app: typer.Typer) -> None:
    reports_app.command("list")(list_)
    reports_app.command("export-sor")(export_sor)
    reports_app.command("purge-contacts")(purge_contacts)
    reports_app.command("collection-queue")(collection_queue)
    app.add_typer(reports_app, name="reports")

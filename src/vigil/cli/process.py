"""``vigil process`` (catch the store up) and ``vigil show ID`` (one stored document, as the store has it)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import sqlalchemy as sa
import typer

from vigil.cli.common import (
    EngineOption,
    SchedulerOption,
    WorkersOption,
    announce_engine,
    get_settings,
    progress,
    stderr_console,
    with_engine,
)
from vigil.errors import InputError, NotFoundError
from vigil.settings import Settings
from vigil.store import Store

if TYPE_CHECKING:
    from vigil.processing import ProcessReport

Progress = Callable[[str, int, int | None], None]

@contextmanager
def progress_reporter() -> Iterator[Progress]:
    """A progress bar on stderr that follows the steps of :func:`process_store`."""
    with progress() as bar:
        tasks: dict[str, Any] = {}

        def report(step: str, done: int, total: int | None) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done, total=total)

        yield report


def announce_store(settings: Settings) -> None:
    """Say on stderr which store a writing command uses (no password shown)."""
    url = sa.engine.make_url(settings.resolved_database_url).render_as_string(hide_password=True)
    print(f"store: {url}", file=sys.stderr)


def print_process_report(report: ProcessReport) -> None:
    """The human summary of a catch-up, on stderr."""
    from vigil.processing import MAX_LISTED_FAILURES

    for failure in report.failures[:50]:
        stderr_console.print(
            f"failed {failure['stage']} of document {failure['source']}/{failure['id']}: "
            f"{failure['error']}: {failure['message']}",
            markup=False,
        )
    if report.failed > 50:
        stderr_console.print(f"... and {report.failed - 50} more failed documents (use --json for up to {MAX_LISTED_FAILURES})")
    print(
        f"analysed {report.analysed}, linked {report.linked}{' (index rebuilt)' if report.relinked else ''} "
        f"into {report.clusters} networks, {report.trend_alerts} trend alerts, "
        f"{report.notifications} notifications, failed {report.failed}",
        file=sys.stderr,
    )


def run_processing(settings: Settings, store: Store, *, redo: bool = False) -> ProcessReport:
    """:func:`process_store` with a progress bar."""
    from vigil.processing import process_store

    with progress_reporter() as report_progress:
        return process_store(store, settings, redo=redo, on_progress=report_progress)


def process(
    ctx: typer.Context,
    redo: Annotated[bool, typer.Option("--redo", help="Re-analyse and re-link every document, not only what is missing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object on stdout.")] = False,
    engine: EngineOption = None,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
) -> None:
    """Catch the store up: analyse what is not analysed (or analysed by an older pipeline), link, count trends, match watches.

    Safe to run again (it only does what is missing) and to kill (finished partitions are
    kept; the next run continues). A document that fails is recorded and skipped, and the
    exit status is 1. With ``--engine dask`` the analysis partitions run on the Dask
    workers (each builds its own pipeline); this process writes, links and counts.
    """
    settings = with_engine(get_settings(ctx), engine, scheduler, workers)
    announce_store(settings)
    announce_engine(settings)
    with Store.open(settings) as store:
        report = run_processing(settings, store, redo=redo)
    if as_json:
        sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False) + "\n")
    print_process_report(report)
    if report.failed:
        raise typer.Exit(1)


def show(
    ctx: typer.Context,
    doc_id: Annotated[str, typer.Argument(help="The document's id (as given at ingest).")],
    source: Annotated[str | None, typer.Option("--source", "-s", help="Source name, when several sources hold this id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print {document, analysis, cluster} as one JSON object.")] = False,
) -> None:
    """Print one stored document with its analysis and network: {"document", "analysis", "cluster"}.

    Contacts are printed in clear: the command line is for operators of the store.
    """
    settings = get_settings(ctx)
    with Store.open(settings) as store:
        record = stored_document(store, doc_id, source)
    if as_json:
        sys.stdout.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        return
    document, analysis = record["document"], record["analysis"]
    print(f"{record['source']}/{document['id']}  {document.get('kind')}  {document.get('posted_at') or ''}")
    if document.get("title"):
        print(document["title"])
    print(document["text"])
    if analysis is None:
        print("\nnot analysed yet (run `vigil process`)")
    else:
        risk = analysis.get("risk") or {}
        print(f"\nrisk {risk.get('level')} {risk.get('score')} ({risk.get('model')}); language {analysis.get('lang')}")
        for hit in analysis.get("indicators", []):
            print(f"  {hit['id']}: {hit['evidence']!r}")
    print(f"network: {record['cluster'] or 'none'}")


def stored_document(store: Store, doc_id: str, source: str | None) -> dict[str, Any]:
    """``{"source", "document", "analysis", "cluster"}`` of one stored document."""
    from vigil.link.models import LinkDocument, linked_entry
    from vigil.store.analyses import row_to_document
    from vigil.store.models import AnalysisRow, DocumentRow, Source

    with store.session() as session:
        query = (
            sa.select(DocumentRow, Source.name, AnalysisRow.result, LinkDocument.cluster)
            .join(Source, Source.id == DocumentRow.source_id)
            .outerjoin(AnalysisRow, AnalysisRow.document_pk == DocumentRow.pk)
            .outerjoin(LinkDocument, linked_entry(DocumentRow.pk, DocumentRow.doc_id))
            .where(DocumentRow.doc_id == doc_id)
            .order_by(DocumentRow.pk)
        )
        if source is not None:
            query = query.where(Source.name == source)
        rows = session.execute(query.limit(2)).tuples().all()
    if not rows:
        where = f" in source {source!r}" if source else ""
        raise NotFoundError(f"no stored document with id {doc_id!r}{where}")
    if len(rows) > 1:
        raise InputError(f"several sources hold a document {doc_id!r}; choose one with --source")
    row, name, result, cluster = rows[0]
    return {"source": name, "document": row_to_document(row).to_json(), "analysis": result, "cluster": cluster}


def register(app: typer.Typer) -> None:
    app.command("process")(process)
    app.command("show")(show)

"""Foundation commands: ``vigil ingest``, ``vigil db upgrade``, ``vigil demo``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
from vigil.cli.groups import db_app
from vigil.cli.process import announce_store, print_process_report, run_processing
from vigil.ingest import ingest_inputs
from vigil.ingest.readers import FORMATS, parse_mapping
from vigil.ingest.runs import mark_abandoned_runs
from vigil.store import Store

if TYPE_CHECKING:
    from vigil.processing import ProcessReport


#: Records between two updates of the ingest progress bar.
PROGRESS_STEP = 500


def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Input files (JSONL, CSV, WARC, WARC.gz); '-' reads JSONL from stdin.")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help=f"Input format ({', '.join(FORMATS)}); default from the file name."),
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Source name; documents are unique per (source, id). Default: the file name.")
    ] = None,
    mapping: Annotated[
        str | None,
        typer.Option("--map", help="CSV column mapping FIELD=COLUMN,..., e.g. text=description,title=headline."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object (last line).")] = False,
    analyze: Annotated[
        bool,
        typer.Option(
            "--analyze/--no-analyze",
            help="Analyse, link, count and match what was stored (default); --no-analyze leaves it to `vigil process`.",
        ),
    ] = True,
    engine: EngineOption = None,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
) -> None:
    """Store documents from files, then analyse, link and count them; report every rejected record.

    Rejected records are reported with their line number and reason; documents whose
    analysis fails are recorded and skipped. Exit status 0 when nothing was rejected or
    failed, 1 otherwise.
    """
    settings = with_engine(get_settings(ctx), engine, scheduler, workers)
    column_map = parse_mapping(mapping)
    announce_store(settings)
    if analyze:
        announce_engine(settings)
    processed: ProcessReport | None = None
    with Store.open(settings) as store:
        with progress() as bar:
            task = bar.add_task("ingesting", total=None)
            shown = 0

            def advance(lines: int) -> None:
                # the bar moves in steps: moving it per record took a twentieth of the ingest (cProfile, 100,000 ads)
                nonlocal shown
                if lines - shown >= PROGRESS_STEP:
                    bar.update(task, completed=lines)
                    shown = lines

            report = ingest_inputs(store, paths, fmt=fmt, source=source, mapping=column_map, on_item=advance)
        if analyze:
            processed = run_processing(settings, store)
    if as_json:
        summary = report.to_json()
        summary["processing"] = processed.to_json() if processed is not None else None
        sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
    else:
        for error in report.errors[:50]:
            where = f"{error['path']}:" if "path" in error else ""
            stderr_console.print(f"rejected {where}line {error['line']}: {error['reason']}", markup=False)
        if len(report.errors) > 50:
            stderr_console.print(f"... and {report.rejected - 50} more rejected records (use --json for all)")
        print(
            f"accepted {report.accepted}, rejected {report.rejected}, duplicates {report.duplicates}",
            file=sys.stderr,
        )
    if processed is not None:
        print_process_report(processed)
    if report.rejected or (processed is not None and processed.failed):
        raise typer.Exit(1)


def upgrade(ctx: typer.Context) -> None:
    """Create the database or bring its schema to the newest version; mark runs of killed ingests abandoned."""
    settings = get_settings(ctx)
    with Store.open(settings) as store:
        abandoned = mark_abandoned_runs(store)
        print(f"database is up to date ({store.dialect})", file=sys.stderr)
        if abandoned:
            print(f"marked {abandoned} abandoned ingest run(s) (their process is gone)", file=sys.stderr)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    db_app.command("upgrade")(upgrade)

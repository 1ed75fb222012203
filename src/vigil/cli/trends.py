"""``vigil trends``: counts by segment over time, spike alerts, series for charts, stored and notified."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from vigil.cli.common import (
    EngineOption,
    FormatOption,
    InputSpec,
    MappingOption,
    PartitionSizeOption,
    SchedulerOption,
    WorkersOption,
    announce_engine,
    get_settings,
    open_output,
    progress,
    stderr_console,
    with_engine,
    write_jsonl,
)
from vigil.errors import ConfigError, InputError
from vigil.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Mapping

    from vigil.documents import Document

    # The trend modules load SciPy and Matplotlib: imported when the command runs, so that
    # starting `vigil` stays cheap.
    from vigil.trends.detect import DetectionParams
    from vigil.trends.periods import Freq
    from vigil.trends.report import Analyzer, TrendReport
    from vigil.trends.series import SeriesTable
    from vigil.trends.stored import TrendCounts


def detection_params(settings: Settings, window: int | None) -> DetectionParams:
    from vigil.trends.detect import DetectionParams

    return DetectionParams.from_settings(settings, window)


def _analyzer(enabled: bool, settings: Settings) -> Analyzer | None:
    if not enabled:
        return None
    from vigil.pipeline import shared_pipeline

    return shared_pipeline(settings)


def _stored_analyzer(settings: Settings) -> Analyzer:
    """The process's pipeline, loaded only when a stored document without an analysis is met."""

    def analyze(document: Document) -> Mapping[str, Any]:
        from vigil.pipeline import shared_pipeline

        return shared_pipeline(settings)(document)

    return analyze


def _write_plots(report: TrendReport, rows: list[dict[str, Any]], directory: Path, plot_all: bool) -> int:
    from vigil.trends.chart import ChartSeries, chart_filename, render_chart

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {directory}: {exc.strerror}") from exc
    by_segment: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_segment.setdefault(row["segment"], []).append(row)
    alerts_by_segment: dict[str, list[dict[str, Any]]] = {}
    for alert in report.alerts:
        alerts_by_segment.setdefault(alert.segment, []).append(alert.to_json())
    written = 0
    for segment, seg_rows in by_segment.items():
        if not plot_all and segment not in alerts_by_segment:
            continue
        svg = render_chart(ChartSeries.from_rows(seg_rows), alerts_by_segment.get(segment, []))
        (directory / chart_filename(segment)).write_bytes(svg)
        written += 1
    return written


def trends(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(
            help="Documents (JSONL, CSV, WARC; '-' reads JSONL from stdin); a record may carry its analysis under 'analysis'."
        ),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write JSONL here instead of stdout.")] = None,
    fmt: FormatOption = None,
    mapping: MappingOption = None,
    freq: Annotated[str, typer.Option("--freq", help="Period: W (ISO weeks, Monday first) or D (days).")] = "W",
    series: Annotated[
        bool, typer.Option("--series", help="Write the series (one line per segment-period) instead of alerts.")
    ] = False,
    from_store: Annotated[
        bool, typer.Option("--store", help="Read stored documents and their stored analyses instead of PATH.")
    ] = False,
    search: Annotated[
        list[Path] | None,
        typer.Option("--search", help="CSV of search interest or counts (date,value or Google Trends export); repeatable."),
    ] = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write one SVG chart per alerted segment to this directory.")] = None,
    plot_all: Annotated[bool, typer.Option("--plot-all", help="With --plot, chart every segment, not only alerted ones.")] = False,
    analyze: Annotated[
        bool, typer.Option("--analyze/--no-analyze", help="Run the extraction pipeline on documents without an (stored) analysis.")
    ] = True,
    save: Annotated[
        bool | None, typer.Option("--save/--no-save", help="Store alerts (default: yes with --store, no otherwise).")
    ] = None,
    notify: Annotated[
        bool, typer.Option("--notify/--no-notify", help="POST new stored alerts to the configured webhook_url.")
    ] = True,
    window: Annotated[int | None, typer.Option(help="Baseline window in periods (weeks; daily series use this many weeks).")] = None,
    engine: EngineOption = None,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    partition_size: PartitionSizeOption = None,
) -> None:
    """Count documents by segment per week or day, and report rises and falls beyond each segment's own history.

    Writes alerts as JSONL (segment, period_start, observed, expected, ratio, p_value,
    q_value, direction, test). Documents without posted_at use captured_at; documents with
    neither are skipped and counted on stderr. With ``--engine dask`` the workers analyse,
    segment and count the file's partitions by day; this process sums the counts and detects.
    """
    from vigil.trends.external import add_external, read_search_csv
    from vigil.trends.periods import parse_freq
    from vigil.trends.report import run_detection, series_rows

    settings = with_engine(get_settings(ctx), engine, scheduler, workers, partition_size)
    try:
        period = parse_freq(freq)
    except ValueError as exc:
        raise InputError(f"--freq must be W or D, got {freq!r}") from exc
    if (path is None) == (not from_store):
        raise InputError("give a documents file (PATH) or --store, not both or neither")
    if from_store and settings.engine == "dask":
        raise ConfigError("--engine dask counts a documents file; --store reads the store in this process (use --engine local)")
    if path is not None and str(path) != "-" and not path.is_file():
        raise InputError(f"no such file: {path}")
    spec = InputSpec.of(path, fmt, mapping, settings) if path is not None else None
    params = detection_params(settings, window)
    store = None
    try:
        if from_store:
            from vigil.store import Store

            store = Store.open(settings)
        collected = _count(settings, spec, store, analyze, period)
        table = collected.table
        externals = [item for csv_path in search or () for item in read_search_csv(csv_path)]
        table = add_external(table, externals)
        report = run_detection(table, params)
        rows = list(series_rows(report)) if series or plot else []
        with open_output(output) as out:
            for record in rows if series else (a.to_json() for a in report.alerts):
                write_jsonl(out, record)
        if plot is not None:
            written = _write_plots(report, rows, plot, plot_all)
            stderr_console.print(f"wrote {written} charts to {plot}", markup=False)
        if save if save is not None else from_store:
            _save_and_notify(settings, store, report, notify)
    finally:
        if store is not None:
            store.close()
    for message in collected.errors:
        stderr_console.print(f"rejected {message}", markup=False)
    print(
        json.dumps(
            {
                "read": collected.read,
                "rejected": collected.rejected,
                "undated": collected.undated,
                "counted": collected.counted,
                "segments": len(table.segments),
                "periods": table.n_periods,
                "alerts": len(report.alerts),
            }
        ),
        file=sys.stderr,
    )
    if collected.rejected:
        raise typer.Exit(1)


@dataclass
class _Counted:
    """The series table and honest counts of what was read."""

    table: SeriesTable
    read: int
    rejected: int
    undated: int
    counted: int
    errors: list[str]


def _count(settings: Settings, spec: InputSpec | None, store: Any, analyze: bool, period: Freq) -> _Counted:
    """Count by segment and period: the store's kept counts, the file in this process, or the file on Dask."""
    from vigil.trends.report import collect_records
    from vigil.trends.segments import build_segmenter
    from vigil.trends.stored import stored_counts

    summed: TrendCounts | None = None
    if store is not None:
        summed = stored_counts(store, build_segmenter, _stored_analyzer(settings) if analyze else None)
    elif settings.engine == "dask":
        assert spec is not None
        summed = _count_on_dask(settings, spec, analyze)
    if summed is not None:
        return _Counted(summed.table(period), summed.read, summed.rejected, summed.undated, summed.counted, summed.errors)
    assert spec is not None
    collected = collect_records(spec.records(), build_segmenter(), _analyzer(analyze, settings))
    return _Counted(
        collected.builder.build(period),
        collected.read,
        collected.rejected,
        collected.undated,
        len(collected.builder),
        collected.errors,
    )


def _count_on_dask(settings: Settings, spec: InputSpec, analyze: bool) -> TrendCounts:
    """The file's partitions analysed, segmented and counted on the Dask workers; the counts summed here."""
    from vigil.engine import DaskEngine
    from vigil.engine.dask import WorkerPipeline
    from vigil.trends.distributed import count_on_engine

    announce_engine(settings)
    engine = DaskEngine(scheduler=settings.dask_scheduler, workers=settings.workers)
    try:
        with progress() as bar:
            task = bar.add_task("counting on dask", total=spec.total())
            return count_on_engine(
                engine,
                spec.records(decode=False),
                WorkerPipeline(settings) if analyze else None,
                partition_size=settings.partition_size,
                on_partition=lambda n: bar.advance(task, n),
            )
    finally:
        engine.close()


def _save_and_notify(settings: Settings, store: Any, report: TrendReport, notify: bool) -> None:
    from vigil.store import Store
    from vigil.trends.alert_store import save_alerts
    from vigil.trends.webhook import deliver_pending

    opened = store or Store.open(settings)
    try:
        new_ids = save_alerts(opened, report.alerts)
        stderr_console.print(f"stored {len(report.alerts)} alerts ({len(new_ids)} new)", markup=False)
        if notify and settings.webhook_url and new_ids:
            results = deliver_pending(opened, settings.webhook_url, ids=new_ids)
            failed = sum(1 for r in results if not r.ok)
            stderr_console.print(f"webhook: {len(results) - failed} delivered, {failed} failed", markup=False)
    finally:
        if store is None:
            opened.close()


def register(app: typer.Typer) -> None:
    app.command("trends")(trends)

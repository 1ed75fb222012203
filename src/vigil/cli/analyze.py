"""``vigil analyze PATH [-o OUT]``: one Analysis (DESIGN.md) per JSONL document.

Documents are validated in the main process, so a rejected line is reported with its
number; valid ones are analysed in-process or, with ``--workers N``, in a process pool fed
in partitions, and written in input order either way.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import IO, Annotated, Any, Final

import typer

from vigil.cli.common import (
    count_lines,
    get_settings,
    iter_input_records,
    open_output,
    progress,
    stderr_console,
    write_jsonl,
)
from vigil.documents import Document, parse_document
from vigil.engine import partitioned
from vigil.errors import DocumentError, EngineError, InputError
from vigil.failures import RecordFailure, guarded
from vigil.pipeline import Pipeline, build_pipeline
from vigil.settings import Settings

#: Rejected lines printed one by one before the rest are only counted.
MAX_REPORTED: Final = 50
#: Documents per partition sent to a worker process.
DEFAULT_PARTITION: Final = 500

@lru_cache(maxsize=2)
def _pipeline_for(settings: Settings) -> Pipeline:
    """One pipeline per process and settings: loading the tables is the slow part."""
    return build_pipeline(settings)


def _start_worker(settings: Settings) -> None:
    # Each worker loads the tables once for all its partitions (a forked worker inherits
    # the parent's already-loaded pipeline from the cache).
    _pipeline_for(settings)


def _analyze_partition(
    settings: Settings, partition: list[tuple[int, Document]]
) -> list[tuple[int, dict[str, Any] | str]]:
    pipeline = _pipeline_for(settings)
    return [_analyze_one(pipeline, line, doc) for line, doc in partition]


def _analyze_one(pipeline: Pipeline, line: int, document: Document) -> tuple[int, dict[str, Any] | str]:
    result = guarded(pipeline, document)
    if isinstance(result, RecordFailure):
        return line, f"analysis of document {document.id!r} failed: {result.reason}"
    return line, result


def _documents(path: Path, rejected: list[tuple[int, str]]) -> Iterator[tuple[int, Document]]:
    for line, record in iter_input_records(path):
        if isinstance(record, InputError):
            rejected.append((line, str(record)))
            continue
        try:
            yield line, parse_document(record)
        except DocumentError as exc:
            rejected.append((line, str(exc)))


def _run_pool(
    settings: Settings, items: Iterator[tuple[int, Document]], workers: int, size: int
) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """Results in input order, with at most two partitions per worker in flight."""
    if multiprocessing.get_start_method() == "fork":
        _pipeline_for(settings)  # load once here; every forked worker shares it
    try:
        with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(settings,)) as pool:
            pending: deque[Future[list[tuple[int, dict[str, Any] | str]]]] = deque()
            for partition in partitioned(items, size):
                pending.append(pool.submit(_analyze_partition, settings, partition))
                if len(pending) >= 2 * workers:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
    except (OSError, RuntimeError) as exc:  # BrokenProcessPool is a RuntimeError
        raise EngineError(f"the worker pool failed: {exc}") from exc


class _LineAnalysis:
    """Picklable ``(line, document) -> (line, analysis or reason)`` for the Dask engine."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    def __call__(self, item: tuple[int, Document]) -> tuple[int, dict[str, Any] | str]:
        return _analyze_one(self.pipeline, *item)


def _run_dask(
    settings: Settings, items: Iterator[tuple[int, Document]], workers: int, size: int
) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """Partitions as tasks on Dask's distributed scheduler (settings.dask_scheduler, or a LocalCluster)."""
    from vigil.engine import DaskEngine

    engine = DaskEngine(scheduler=settings.dask_scheduler, workers=workers)
    try:
        for results in engine.map_partitions(_LineAnalysis(_pipeline_for(settings)), partitioned(items, size)):
            yield from results
    finally:
        engine.close()


def _write(
    out: IO[str], results: Iterator[tuple[int, dict[str, Any] | str]], rejected: list[tuple[int, str]], advance: Any
) -> int:
    written = 0
    for line, result in results:
        advance()
        if isinstance(result, str):
            rejected.append((line, result))
            continue
        write_jsonl(out, result)
        written += 1
    return written


def analyze(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="JSONL file of documents (the document contract); '-' reads stdin.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write analyses here instead of stdout.")] = None,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Worker processes; 1 analyses in this process.")
    ] = 1,
    partition_size: Annotated[
        int, typer.Option("--partition-size", min=1, help="Documents per partition sent to a worker.")
    ] = DEFAULT_PARTITION,
    engine: Annotated[
        str | None,
        typer.Option(
            "--engine",
            help="'local' (this process or a process pool) or 'dask' (distributed: VIGIL_DASK_SCHEDULER or a local cluster). [env: VIGIL_ENGINE]",
        ),
    ] = None,
) -> None:
    """Analyse documents: language, entities, indicators with evidence, and risk (one JSON line each).

    Lines that are not valid JSON or break the document contract are reported on stderr
    with their line number and skipped. Exit status 0 when nothing was rejected, 1 otherwise.
    """
    settings = get_settings(ctx)
    rejected: list[tuple[int, str]] = []
    total = count_lines(path)
    items = _documents(path, rejected)
    with open_output(output) as out, progress() as bar:
        task = bar.add_task("analysing", total=total)
        chosen = engine or settings.engine
        if chosen not in ("local", "dask"):
            raise InputError(f"--engine must be 'local' or 'dask', not {chosen!r}")
        if chosen == "dask":
            results: Iterator[tuple[int, dict[str, Any] | str]] = _run_dask(settings, items, workers, partition_size)
        elif workers == 1:
            pipeline = _pipeline_for(settings)
            results = (_analyze_one(pipeline, line, doc) for line, doc in items)
        else:
            results = _run_pool(settings, items, workers, partition_size)
        written = _write(out, results, rejected, lambda: bar.advance(task))
    for line, reason in sorted(rejected)[:MAX_REPORTED]:
        stderr_console.print(f"rejected line {line}: {reason}", markup=False)
    if len(rejected) > MAX_REPORTED:
        stderr_console.print(f"... and {len(rejected) - MAX_REPORTED} more rejected lines", markup=False)
    print(f"analysed {written}, rejected {len(rejected)}", file=sys.stderr)
    if rejected:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)

"""``vigil analyze PATH [-o OUT]``: one Analysis (DESIGN.md) per input document.

Input is read by :mod:`vigil.ingest.readers` (JSONL, CSV with ``--map``, WARC), so a rejected
record is reported with its line number as ``vigil ingest`` reports it. Valid documents are
analysed on the batch engine (:func:`vigil.engine.create_engine`: this process, a process
pool, or Dask) in partitions, and written in input order whichever engine ran them.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import chain, islice
from pathlib import Path
from typing import IO, Annotated, Any, Final

import typer

from vigil.cli.common import (
    FormatOption,
    InputSpec,
    MappingOption,
    PartitionSizeOption,
    engine_option,
    get_settings,
    open_output,
    progress,
    stderr_console,
    write_jsonl,
)
from vigil.contract import Analysis
from vigil.documents import Document
from vigil.engine import Engine, create_engine, partitioned
from vigil.failures import RecordFailure, guarded
from vigil.ingest.readers import read_items
from vigil.pipeline import Pipeline, build_pipeline
from vigil.settings import Settings

#: Rejected lines printed one by one before the rest are only counted.
MAX_REPORTED: Final = 50

Outcome = tuple[int, Analysis | str]


@lru_cache(maxsize=2)
def _pipeline_for(settings: Settings) -> Pipeline:
    """One pipeline per process and settings: loading the tables is the slow part."""
    return build_pipeline(settings)


def _analyze_one(pipeline: Pipeline, line: int, document: Document) -> Outcome:
    result = guarded(pipeline, document)
    if isinstance(result, RecordFailure):
        return line, f"analysis of document {document.id!r} failed: {result.reason}"
    return line, result


class LineAnalysis:
    """``(line, document) -> (line, analysis or reason)``, the step the engine runs on each document.

    It pickles as its settings, so each worker process loads its pipeline once (through
    :func:`_pipeline_for`) for every partition it is sent, and a forked worker inherits
    the pipeline this process already loaded.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, item: tuple[int, Document]) -> Outcome:
        return _analyze_one(_pipeline_for(self.settings), *item)


def _documents(spec: InputSpec, rejected: list[tuple[int, str]]) -> Iterator[tuple[int, Document]]:
    for item in read_items(spec.path, spec.format, spec.mapping, spec.max_bytes):
        if item.error is not None:
            rejected.append((item.line, item.error))
        else:
            yield item.line, item.document


def _analyses(settings: Settings, engine: Engine, items: Iterator[tuple[int, Document]], size: int) -> Iterator[Outcome]:
    """Results in input order, partition by partition; the engine is closed at the end."""
    try:
        for results in engine.map_partitions(LineAnalysis(settings), partitioned(items, size)):
            yield from results
    finally:
        engine.close()


def _write(out: IO[str], results: Iterable[Outcome], rejected: list[tuple[int, str]], advance: Any) -> int:
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
    path: Annotated[
        Path,
        typer.Argument(help="Documents (JSONL, CSV, WARC; the document contract); '-' reads JSONL from stdin."),
    ],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write analyses here instead of stdout.")] = None,
    fmt: FormatOption = None,
    mapping: MappingOption = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-w", min=0, help="Worker processes; 1 analyses in this process, 0 one per core. [env: VIGIL_WORKERS]"
        ),
    ] = None,
    partition_size: PartitionSizeOption = None,
    engine: Annotated[str | None, engine_option("distributed: VIGIL_DASK_SCHEDULER or a local cluster")] = None,
) -> None:
    """Analyse documents: language, entities, indicators with evidence, and risk (one JSON line each).

    Records that cannot be read or break the document contract are reported on stderr
    with their line number and skipped. Exit status 0 when nothing was rejected, 1 otherwise.
    """
    settings = get_settings(ctx)
    spec = InputSpec.of(path, fmt, mapping, settings)
    count = settings.workers if workers is None else workers
    size = settings.partition_size if partition_size is None else partition_size
    rejected: list[tuple[int, str]] = []
    items = _documents(spec, rejected)
    head = list(islice(items, size + 1))
    if (engine or settings.engine) == "local" and len(head) <= size:
        count = 1  # one partition cannot be shared out: a pool would only add its start-up
    chosen = create_engine(settings, engine, count)
    if chosen.name == "local" and count != 1 and multiprocessing.get_start_method() == "fork":
        _pipeline_for(settings)  # load once here; every forked worker shares it
    with open_output(output) as out, progress() as bar:
        task = bar.add_task("analysing", total=spec.total())
        results = _analyses(settings, chosen, chain(head, items), size)
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

"""``vigil link``: ads into networks, one output line per input document (or per cluster)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Annotated, Any

import typer

from vigil.cli.common import (
    FormatOption,
    InputSpec,
    MappingOption,
    PartitionSizeOption,
    SchedulerOption,
    WorkersOption,
    engine_option,
    get_settings,
    open_output,
    progress,
    with_engine,
    write_jsonl,
)
from vigil.engine import DaskEngine, create_engine
from vigil.link.clusters import cluster_ids, split_clusters, summarize_cluster
from vigil.link.config import LinkConfig
from vigil.link.core import link_documents
from vigil.link.distributed import link_on_dask
from vigil.link.features import LinkFeatures
from vigil.link.prepare import POOL_MIN_RECORDS, PipelineEntities, Rejected, prepare
from vigil.settings import Settings


def _prepared(spec: InputSpec, settings: Settings, keep_text: bool) -> tuple[list[LinkFeatures], list[Rejected]]:
    # JSONL lines stay undecoded: the workers decode them
    lines = spec.records(decode=False)
    head = list(islice(lines, POOL_MIN_RECORDS))
    # a pool only pays for itself on large inputs
    engine = create_engine(settings, name="local", workers=1) if len(head) < POOL_MIN_RECORDS else create_engine(settings)
    features: list[LinkFeatures] = []
    rejected: list[Rejected] = []
    try:
        with progress() as bar:
            task = bar.add_task("reading", total=spec.total())
            for item in prepare(
                chain(head, lines),
                PipelineEntities(),
                on_chunk=lambda n: bar.advance(task, n),
                keep_text=keep_text,
                engine=engine,
            ):
                if isinstance(item, Rejected):
                    rejected.append(item)
                else:
                    features.append(item)
    finally:
        engine.close()
    return features, rejected


def _report_rejected(rejected: list[Rejected]) -> None:
    for item in rejected[:50]:
        print(f"rejected line {item.line}: {item.reason}", file=sys.stderr)
    if len(rejected) > 50:
        print(f"... and {len(rejected) - 50} more rejected records", file=sys.stderr)


def link(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(
            help="Documents (JSONL, CSV, WARC), or analysed documents with an 'entities' object; '-' reads JSONL from stdin."
        ),
    ],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write JSONL here instead of stdout.")] = None,
    fmt: FormatOption = None,
    mapping: MappingOption = None,
    clusters: Annotated[
        bool,
        typer.Option(
            "--clusters",
            help="Write one line per cluster (members, shared identifiers, template, network indicators, timeline).",
        ),
    ] = False,
    store: Annotated[
        bool,
        typer.Option("--store", help="Join the documents to the clusters kept in the store, and update them."),
    ] = False,
    engine: Annotated[
        str | None,
        engine_option("linking spread over a Dask cluster; --clusters and --store prepare on Dask and link here"),
    ] = None,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    partition_size: PartitionSizeOption = None,
) -> None:
    """Link documents into networks by shared identifiers and re-used text templates.

    Writes one line per input document, in input order: {"id": ..., "cluster": ...}, with
    null for a document linked to nothing. Exit status 1 when a record was rejected.
    """
    settings = with_engine(get_settings(ctx), engine, scheduler, workers, partition_size)
    config = LinkConfig.from_settings(settings)
    spec = InputSpec.of(path, fmt, mapping, settings)
    if settings.engine == "dask" and not (clusters or store):
        rejected = _link_on_dask(settings, config, spec, output)
        _report_rejected(rejected)
        if rejected:
            raise typer.Exit(1)
        return
    features, rejected = _prepared(spec, settings, keep_text=clusters or store)
    if store:
        lines = _link_with_store(settings, config, features, clusters)
    else:
        lines = _link_in_memory(config, features, clusters)
    with open_output(output) as out:
        for line in lines:
            write_jsonl(out, line)
    _report_rejected(rejected)
    if rejected:
        raise typer.Exit(1)


def _link_on_dask(settings: Settings, config: LinkConfig, spec: InputSpec, output: Path | None) -> list[Rejected]:
    """Linking spread over the cluster; this process streams the input out and the lines back."""
    engine = DaskEngine(scheduler=settings.dask_scheduler, workers=settings.workers)
    started = time.perf_counter()
    try:
        with progress() as bar:
            tasks: dict[str, Any] = {}

            def report(stage: str, done: int, total: int | None) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total)
                bar.update(tasks[stage], completed=done, total=total)
                if total is not None and done == total and stage != "reading":
                    bar.console.print(f"link on dask: {stage} done ({time.perf_counter() - started:.1f} s)", markup=False)

            linked = link_on_dask(
                engine.client(),
                spec.records(decode=False),
                config,
                partition_size=settings.partition_size,
                total=spec.total(),
                on_progress=report,
            )
            with open_output(output) as out:
                for line in linked.lines:
                    write_jsonl(out, line)
    finally:
        engine.close()
    print(
        f"linked {linked.documents} documents into {linked.clusters} clusters on Dask "
        f"({linked.partitions} partitions, {time.perf_counter() - started:.1f} s)",
        file=sys.stderr,
    )
    return linked.rejected


def _link_in_memory(config: LinkConfig, features: list[LinkFeatures], clusters: bool) -> Iterator[dict[str, Any]]:
    result = link_documents(features, config)
    ids = cluster_ids([f.id for f in features], result.roots)
    if not clusters:
        for feature, cluster in zip(features, ids, strict=True):
            yield {"id": feature.id, "cluster": cluster}
        return
    for group in split_clusters(features, result.edges, result.roots, ids):
        yield summarize_cluster(group, config, result.common_identifiers)


def _link_with_store(
    settings: Settings, config: LinkConfig, features: list[LinkFeatures], clusters: bool
) -> Iterator[dict[str, Any]]:
    from vigil.link.state import StoredLinks
    from vigil.store import Store

    with Store.open(settings) as opened:
        links = StoredLinks(opened, config)
        assigned = links.add(features)
        if not clusters:
            lines = [{"id": f.id, "cluster": c} for f, c in zip(features, assigned, strict=True)]
        else:
            wanted = sorted({c for c in assigned if c})
            lines = links.summaries(wanted) if wanted else []
    yield from lines


def register(app: typer.Typer) -> None:
    app.command("link")(link)

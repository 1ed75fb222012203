"""``vigil demo``: load the synthetic demo corpus into the store and summarise it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from vigil.cli.common import get_settings
from vigil.demo import DEFAULT_SEED, generate_corpus, write_jsonl
from vigil.ingest import ingest_input
from vigil.store import Store


def demo(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option(help="Seed of the generator; the same seed gives the same corpus.")] = DEFAULT_SEED,
    weeks: Annotated[int, typer.Option(min=4, max=520, help="Weeks of market history to generate.")] = 26,
    write: Annotated[
        Path | None, typer.Option(help="Only write the corpus as JSONL to this file (no database).")
    ] = None,
) -> None:
    """Generate the synthetic demo corpus and load it (safe to run again: nothing is added twice)."""
    corpus = generate_corpus(seed=seed, weeks=weeks)
    if write is not None:
        write_jsonl(corpus, write)
        print(f"wrote {len(corpus.documents)} synthetic documents to {write}", file=sys.stderr)
        return
    settings = get_settings(ctx)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / f"demo-{seed}.jsonl"
    write_jsonl(corpus, path)
    with Store.open(settings) as store:
        report = ingest_input(store, path, fmt="jsonl", source="demo")
    print(
        f"demo corpus: {len(corpus.documents)} synthetic documents "
        f"({report.accepted} new, {report.duplicates} already loaded, {report.rejected} rejected) "
        f"in {settings.resolved_database_url}",
        file=sys.stderr,
    )


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)

"""``vigil demo``: load the synthetic demo corpus end to end and summarise it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from vigil.cli.common import get_settings, stderr_console
from vigil.demo import DEFAULT_SEED, generate_corpus, write_jsonl


def demo(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option(help="Seed of the generator; the same seed gives the same corpus.")] = DEFAULT_SEED,
    weeks: Annotated[int, typer.Option(min=4, max=520, help="Weeks of market history to generate.")] = 26,
    write: Annotated[
        Path | None, typer.Option(help="Only write the corpus as JSONL to this file (no database).")
    ] = None,
) -> None:
    """Generate the synthetic demo corpus and load it: ingest, analyse, link, detect trends, seed campaigns.

    Safe to run again: nothing is added twice. Prints a one-time password for the demo
    admin account of the web app.
    """
    corpus = generate_corpus(seed=seed, weeks=weeks)
    if write is not None:
        write_jsonl(corpus, write)
        print(f"wrote {len(corpus.documents)} synthetic documents to {write}", file=sys.stderr)
        return
    from vigil.demo.load import describe, load_demo
    from vigil.web.auth import demo_accounts

    settings = get_settings(ctx)
    with stderr_console.status("loading the demo") as status:
        summary = load_demo(settings, corpus, seed, demo_accounts(), on_step=lambda step: status.update(step))
    for line in describe(summary, settings):
        print(line, file=sys.stderr)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)

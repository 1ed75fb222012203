"""``vigil eval indicators`` (precision and recall of the indicator recognizers on labelled ads)
and ``vigil train clauses`` (the learned clause recognizer)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from vigil.cli.common import iter_input_records
from vigil.cli.groups import eval_app, train_app
from vigil.errors import InputError
from vigil.recognizers.evaluation import GOLDEN_CORPUS, Counts, EvalReport, evaluate, read_labelled


def _row(table: Table, name: str, counts: Counts) -> None:
    table.add_row(
        name,
        str(counts.support),
        str(counts.tp),
        str(counts.fp),
        str(counts.fn),
        f"{counts.precision:.3f}",
        f"{counts.recall:.3f}",
        f"{counts.f1:.3f}",
    )


def _table(title: str, first: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(first)
    for name in ("support", "tp", "fp", "fn", "precision", "recall", "F1"):
        table.add_column(name, justify="right")
    return table


def print_report(report: EvalReport, console: Console, show_errors: bool) -> None:
    by_indicator = _table("Per indicator", "indicator")
    for name, counts in sorted(report.per_indicator.items()):
        _row(by_indicator, name, counts)
    by_language = _table("Per language", "lang")
    for name, counts in sorted(report.per_language.items()):
        _row(by_language, name, counts)
    overall = _table(f"Overall ({report.documents} documents, micro-averaged)", "")
    _row(overall, "micro", report.overall)
    for table in (by_indicator, by_language, overall):
        console.print(table)
    if show_errors:
        for m in report.mistakes:
            console.print(f"{m.id} [{m.lang}] missed={list(m.missed)} spurious={list(m.spurious)}")


def eval_indicators(
    path: Annotated[
        Path | None,
        typer.Argument(help=f"Labelled JSONL corpus ('-' for stdin); default {GOLDEN_CORPUS}."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as one JSON object on stdout.")] = False,
    show_errors: Annotated[
        bool, typer.Option("--errors", help="Also list the documents whose predictions differ from the labels.")
    ] = False,
    lexicons_only: Annotated[
        bool, typer.Option("--lexicons-only", help="Leave the learned clause recognizer out (lexicon hits only).")
    ] = False,
) -> None:
    """Per-indicator and per-language precision, recall and F1 of the indicator recognizers.

    Each record is a document plus "labels": {"indicators": [...]}; an indicator is predicted for a document when any hit is found in its text or title. Runs the real normalization and recognizers.
    """
    from vigil.extract.normalize import normalize
    from vigil.recognizers import load_recognizers

    corpus_path = path if path is not None else GOLDEN_CORPUS
    if str(corpus_path) != "-" and not corpus_path.is_file():
        raise InputError(f"no such corpus: {corpus_path} (pass the path of a labelled JSONL file)")
    corpus = read_labelled(iter_input_records(corpus_path))
    report = evaluate(corpus, load_recognizers(clause_model=not lexicons_only), normalize)
    if as_json:
        sys.stdout.write(json.dumps({"corpus": str(corpus_path), **report.as_dict()}, ensure_ascii=False) + "\n")
        return
    print_report(report, Console(), show_errors)


#: The training files ``vigil train clauses`` reads when none are given (in a source checkout).
DEFAULT_CLAUSE_TRAINING = (
    Path("bench/data/ads_fresh/train_tr1.jsonl"),
    Path("bench/data/ads_fresh/train_tr2.jsonl"),
    Path("bench/data/ads_fresh/train_tr3.jsonl"),
    Path("bench/data/ads_fresh/train_tr4.jsonl"),
)


def train_clauses(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Labelled JSONL ads ({text, kind, lang, labels: {indicators, network}}); never the test set."
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Model file to write (default: the shipped one).")
    ] = None,
) -> None:
    """Train the learned clause recognizer (character n-grams, word skeletons and word pairs,
    two-round logistic regression per indicator); the same files give the same bytes
    (docs/model-card-clauses.md)."""
    from vigil.extract.normalize import normalize
    from vigil.recognizers import load_recognizers
    from vigil.recognizers.clause_training import model_json, train_clause_model
    from vigil.recognizers.clauses import SHIPPED_MODEL

    target = output or SHIPPED_MODEL
    with Console(stderr=True).status("training the clause recognizer (cross-validated, a few minutes)"):
        model = train_clause_model(paths or list(DEFAULT_CLAUSE_TRAINING), load_recognizers(), normalize)
    target.write_text(model_json(model), encoding="utf-8")
    table = Table(title=f"wrote {target}: {model['training']['kept_features']} features", title_justify="left")
    for column in ("indicator", "docs", "positives", "lexicon F1", "lexicon+model F1", "threshold"):
        table.add_column(column, justify="left" if column == "indicator" else "right")
    for indicator, threshold in zip(model["indicators"], model["thresholds"], strict=True):
        cv = model["cross_validation"][indicator]
        table.add_row(
            indicator,
            str(cv["documents"]),
            str(cv["positives"]),
            f"{cv['lexicon_only']['f1']:.3f}",
            f"{cv['lexicon_and_model']['f1']:.3f}",
            f"{threshold:.2f}",
        )
    Console(stderr=True).print(table)


def register(app: typer.Typer) -> None:
    """Add ``vigil eval indicators`` and ``vigil train clauses`` to the shared groups."""
    eval_app.command("indicators")(eval_indicators)
    train_app.command("clauses")(train_clauses)

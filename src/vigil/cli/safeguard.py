"""``vigil query-check`` and ``vigil eval queries``: search safeguarding from the command line."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from vigil.cli.common import open_binary_input, open_output, write_jsonl
from vigil.cli.groups import eval_app, train_app
from vigil.documents import parse_json_line
from vigil.errors import DocumentError, InputError
from vigil.safeguard.classifier import default_classifier
from vigil.safeguard.decision import QueryChecker
from vigil.safeguard.evaluation import evaluate, read_labelled

DEFAULT_LABELLED = Path("tests/data/queries_labelled.jsonl")
#: What the shipped query model is trained on: every fresh development file written from
#: the category definitions alone (the retired test sets ``test.jsonl`` to ``test7_*``
#: included), then the project's own labelled set (its held-out set stays out). The
#: held-out writers' files (``test10_*`` and ``test11_*`` now) are never a default: only the person scoring
#: them passes them, as ``--held-out``.
FRESH = Path("bench/data/queries_fresh")
DEFAULT_TRAINING = (
    FRESH / "train.jsonl",
    FRESH / "train2_a.jsonl",
    FRESH / "train2_b.jsonl",
    FRESH / "test.jsonl",
    FRESH / "train3_a.jsonl",
    FRESH / "train3_b.jsonl",
    DEFAULT_LABELLED,
    FRESH / "test2_a.jsonl",
    FRESH / "test2_b.jsonl",
    FRESH / "test3_a.jsonl",
    FRESH / "test3_b.jsonl",
    FRESH / "test4_a.jsonl",
    FRESH / "test4_b.jsonl",
    FRESH / "test5_a.jsonl",
    FRESH / "test5_b.jsonl",
    FRESH / "train4_a.jsonl",
    FRESH / "train4_b.jsonl",
    FRESH / "train4_c.jsonl",
    FRESH / "test6_a.jsonl",
    FRESH / "test6_b.jsonl",
    FRESH / "train5_a.jsonl",
    FRESH / "train5_b.jsonl",
    FRESH / "train5_c.jsonl",
    FRESH / "train5_d.jsonl",
    FRESH / "train6_a.jsonl",
    FRESH / "train6_b.jsonl",
    FRESH / "train6_c.jsonl",
    FRESH / "train6_d.jsonl",
    FRESH / "test7_a.jsonl",
    FRESH / "test7_b.jsonl",
    FRESH / "train7_money.jsonl",
    FRESH / "test8_a.jsonl",
    FRESH / "test8_b.jsonl",
    FRESH / "test9_a.jsonl",
    FRESH / "test9_b.jsonl",
    FRESH / "train8_a.jsonl",
    FRESH / "train8_b.jsonl",
    FRESH / "train8_c.jsonl",
)
#: The files the policy is calibrated on: the retired test sets, written with the test brief
#: (12 exploitation, 8 at-risk, 10 neutral per language, 40 % of the neutral ones protective
#: or look-alikes), the mix the goals are measured on. The train files teach the model too,
#: but several were written to teach one hard distinction (hundreds of neutral look-alikes).
DEFAULT_CALIBRATION = tuple(path for path in DEFAULT_TRAINING if path.name.startswith("test"))
#: Where the shipped query model lives (relative to the checkout).
SHIPPED_MODEL = Path("src/vigil/safeguard/data/query_model.json")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _query_of_line(line: str) -> str:
    """A line is a query, or a JSON object with a ``query`` field (JSONL input)."""
    stripped = line.strip().removeprefix("\ufeff")
    if stripped.startswith("{"):
        try:
            record = parse_json_line(stripped)
        except DocumentError:
            return stripped
        if isinstance(record, dict) and isinstance(record.get("query"), str):
            return str(record["query"])
    return stripped


def _unusable(query: str) -> str | None:
    """Why a query cannot be checked (and written back out as UTF-8), or None."""
    if not query.isascii() and _SURROGATE.search(query):
        return "query is not valid Unicode (lone surrogate)"
    return None


def _file_queries(path: Path) -> Iterator[tuple[int, str, str | None]]:
    """``(line, query, None)`` for each query of the file, ``(line, "", reason)`` for a line to skip."""
    handle = open_binary_input(path)
    try:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, "", "line is not valid UTF-8"
                continue
            if line.strip().removeprefix("\ufeff"):
                query = _query_of_line(line)
                yield number, query, _unusable(query)
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()


def query_check(
    queries: Annotated[list[str] | None, typer.Argument(help="Queries to check (quote each one).")] = None,
    input_path: Annotated[
        Path | None,
        typer.Option(
            "--input", "-i", help="File with one query per line, or JSONL with a 'query' field; '-' is stdin."
        ),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write JSONL here instead of stdout.")] = None,
    country: Annotated[
        str | None, typer.Option(help="ISO country of the searchers (adds local help lines, e.g. HU).")
    ] = None,
) -> None:
    """Classify search queries: one JSON line per query, in input order.

    Each line is {"query", "lang", "category", "action", "message"}: category is
    exploitation, at_risk or neutral; action is suppress_and_deter, show_safety_info or
    none; message is the deterrence or safety message in the query's language (null for
    none). Queries given as arguments come first, then those of --input. A line that cannot
    be read (not UTF-8, a lone surrogate) is reported on stderr and skipped; the exit status
    is then 1.
    """
    if not queries and input_path is None:
        raise InputError("give queries as arguments or a file with -i FILE ('-' for stdin)")
    if country is not None and (len(country) != 2 or not country.isalpha()):
        raise InputError("--country takes a two-letter ISO code such as PL")
    checker = QueryChecker()
    skipped = 0
    with open_output(output) as out:
        for number, query in enumerate(queries or [], start=1):
            reason = _unusable(query)
            if reason is None:
                write_jsonl(out, checker.check(query, country))
            else:
                skipped += 1
                print(f"skipped argument {number}: {reason}", file=sys.stderr)
        if input_path is not None:
            for line, query, reason in _file_queries(input_path):
                if reason is None:
                    write_jsonl(out, checker.check(query, country))
                else:
                    skipped += 1
                    print(f"skipped {input_path}:{line}: {reason}", file=sys.stderr)
    if skipped:
        print(f"skipped {skipped} queries", file=sys.stderr)
        raise typer.Exit(1)


def eval_queries(
    path: Annotated[Path, typer.Argument(help="Labelled JSONL: {query, category, lang}.")] = DEFAULT_LABELLED,
    as_json: Annotated[bool, typer.Option("--json", help="Print all figures as one JSON object.")] = False,
    show_errors: Annotated[bool, typer.Option("--errors", help="List the misclassified queries.")] = False,
) -> None:
    """Exploitation recall, neutral-as-exploitation rate and at-risk recall, per language."""
    report = evaluate(default_classifier(), read_labelled(path))
    if as_json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False) + "\n")
        return
    _print_table(report)
    if show_errors:
        for error in report["errors"]:
            print(f"  {error['lang']}: {error['query']!r} expected {error['expected']}, got {error['got']}")


def _fmt(value: Any) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def _print_table(report: dict[str, Any]) -> None:
    header = f"{'lang':5} {'n':>5} {'expl_recall':>11} {'neutral->expl':>13} {'at_risk_recall':>14} {'accuracy':>8} {'lang_acc':>8}"
    print(header)
    rows = [*report["by_lang"].items(), ("ALL", report)]
    for lang, figures in rows:
        print(
            f"{lang:5} {figures['queries']:5d} {_fmt(figures['exploitation_recall']):>11} "
            f"{_fmt(figures['neutral_as_exploitation']):>13} {_fmt(figures['at_risk_recall']):>14} "
            f"{_fmt(figures['accuracy']):>8} {_fmt(figures['lang_accuracy']):>8}"
        )
    for check in report["goal_checks"]:
        sign = "<=" if check["ceiling"] else ">="
        mark = "met" if check["met"] else "NOT met"
        print(f"goal {check['goal'].replace('_', ' ')} {sign} {check['target']:.2f}: {_fmt(check['value']).strip()} {mark}")
    print(f"goals {'all met' if report['goals_met'] else 'NOT all met'}")


def train_queries(
    paths: Annotated[list[Path] | None, typer.Argument(help="Labelled JSONL files: {query, category, lang}.")] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="Model file to write.")] = SHIPPED_MODEL,
    held_out: Annotated[
        list[Path] | None,
        typer.Option(
            "--held-out", help="Test file(s): training queries sharing 70% of their words with one are dropped."
        ),
    ] = None,
    calibrate_on: Annotated[
        list[Path] | None,
        typer.Option(
            "--calibrate-on",
            help=(
                "Training file(s) whose cross-validated queries choose the policy (default: the retired "
                "test sets when training on the default files, else every file)."
            ),
        ),
    ] = None,
) -> None:
    """Train the query model (character n-grams and words, logistic regression) and its
    rules-and-model policy; the same file gives the same bytes (docs/model-card-queries.md)."""
    from vigil.safeguard.model import model_json
    from vigil.safeguard.training import train_query_model

    calibration = calibrate_on or (None if paths else list(DEFAULT_CALIBRATION))
    model = train_query_model(paths or list(DEFAULT_TRAINING), held_out=held_out or [], calibration=calibration)
    output.write_text(model_json(model), encoding="utf-8")
    cv = model["cross_validation"]
    print(
        f"wrote {output}: {len(model['weights'])} features from {model['queries']} queries "
        f"({model['dropped_near_held_out']} dropped as too close to a held-out query), policy {model['policy']}, "
        f"cross-validated exploitation recall {cv['exploitation_recall']}, at-risk recall {cv['at_risk_recall']}, "
        f"neutral touched {cv['neutral_touched']}",
        file=sys.stderr,
    )


def register(app: typer.Typer) -> None:
    app.command("query-check")(query_check)
    eval_app.command("queries")(eval_queries)
    train_app.command("queries")(train_queries)

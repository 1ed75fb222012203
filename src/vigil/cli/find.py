"""``vigil find``: stored documents carrying a phone, e-mail, handle or URL, in any written form."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Annotated

import typer

from vigil.cli.common import get_settings, open_output, stderr_console, write_jsonl
from vigil.errors import InputError
from vigil.identifiers.lookup import Match, find_documents, unanalysed_documents
from vigil.identifiers.query import IdentifierQuery, IdentifierReader
from vigil.store import Store

#: Exit statuses: found, nothing found, a value that is not an identifier.
FOUND, NOTHING_FOUND, NOT_AN_IDENTIFIER = 0, 1, 2
_COLUMNS = ("identifier", "id", "source", "cluster", "posted")


def _table(out: IO[str], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in [_COLUMNS, *rows]) for i in range(len(_COLUMNS))]
    for row in [_COLUMNS, *rows]:
        out.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() + "\n")


def _row(match: Match) -> tuple[str, ...]:
    posted = match.posted_at.isoformat(timespec="minutes") if match.posted_at else "-"
    return (match.identifier, match.id, match.source, match.cluster or "-", posted)


def _record_lookups(store: Store, looked_up: list[tuple[IdentifierQuery, int]]) -> None:
    """Every lookup goes to the audit log, as made at the terminal."""
    from vigil.web import audit

    actor = audit.Actor("terminal", None, "terminal", "admin")
    with store.session() as session:
        for query, found in looked_up:
            details = {"kind": query.kind, "exact": query.exact, "documents": found, "via": "cli"}
            audit.record(session, actor, "identifier.lookup", "identifier", query.label, details=details)


def find(
    ctx: typer.Context,
    values: Annotated[
        list[str],
        typer.Argument(help="Phones, e-mails, handles or URLs, written any way an ad writes them (quote values with spaces)."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per document instead of a table.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """Find stored documents carrying each VALUE, read the way ads are read.

    "+44 740 012 345 6", "four four seven four ...", "anna at gmail dot com", "@anna_vip",
    "t.me/anna_vip", "Telegram: anna_vip" and "www.example.com/anna" all work. A phone
    written without its country code matches stored phones with the same national number
    in any country; "@name" without a messenger matches that name on every platform; a bare
    domain matches every URL on it.

    With --json, one line per document: {"id", "source", "identifier", "cluster",
    "posted_at"}. Exit status 0 when something was found, 1 when nothing was, 2 when a
    VALUE is not an identifier (the other values are still looked up).
    """
    settings = get_settings(ctx)
    reader = IdentifierReader()
    queries: list[IdentifierQuery] = []
    invalid = 0
    for value in values:
        try:
            queries.append(reader(value))
        except InputError as exc:
            invalid += 1
            stderr_console.print(f"vigil: error: {exc.message}", markup=False)
    found = 0
    with Store.open(settings) as store:
        looked_up: list[tuple[IdentifierQuery, int]] = []
        rows: list[tuple[str, ...]] = []
        with open_output(output) as out:
            for query in queries:
                matches = find_documents(store, query)
                looked_up.append((query, len(matches)))
                found += len(matches)
                for match in matches:
                    if as_json:
                        write_jsonl(out, match.to_json())
                    else:
                        rows.append(_row(match))
                if not matches:
                    print(f"nothing found for {query.written!r} ({query.kind} {query.label})", file=sys.stderr)
            if rows:
                _table(out, rows)
        if looked_up:
            _record_lookups(store, looked_up)
        pending = unanalysed_documents(store)
    if pending:
        print(f"{pending} stored documents are not analysed yet and were not searched", file=sys.stderr)
    if invalid:
        raise typer.Exit(NOT_AN_IDENTIFIER)
    raise typer.Exit(FOUND if found else NOTHING_FOUND)


def register(app: typer.Typer) -> None:
    app.command("find")(find)

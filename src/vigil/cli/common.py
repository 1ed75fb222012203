"""Shared plumbing of the command modules: settings, input records, output, progress."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from vigil.documents import iter_json_records
from vigil.errors import FormatError, InputError
from vigil.ingest.readers import open_input
from vigil.settings import Settings, load_settings

stderr_console = Console(stderr=True)


def get_settings(ctx: typer.Context) -> Settings:
    """The settings built by the root command (with its command-line overrides)."""
    obj = ctx.find_root().obj
    if isinstance(obj, Settings):
        return obj
    return load_settings()


@contextmanager
def open_output(path: Path | None) -> Iterator[IO[str]]:
    """``-o FILE`` (written atomically enough: flushed and closed at the end) or stdout."""
    if path is None or str(path) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    try:
        handle = path.open("w", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from exc
    with handle:
        yield handle


def write_jsonl(out: IO[str], record: Any) -> None:
    out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    out.write("\n")


def open_binary_input(path: Path) -> IO[bytes]:
    """A file, or stdin for ``-``, opened for bytes (decoding is per line, so bad bytes are per-line errors)."""
    return open_input(path)


def iter_jsonl(handle: IO[bytes]) -> Iterator[tuple[int, Any | InputError]]:
    """Yield ``(line_number, object)`` or ``(line_number, error)`` for each non-blank line.

    Line numbers are 1-based physical lines. A blank line is skipped, not an error.
    """
    yield from iter_json_records(handle)


def iter_input_records(path: Path) -> Iterator[tuple[int, Any | InputError]]:
    """JSONL records of a file or stdin, with per-line errors (see :func:`iter_jsonl`)."""
    handle = open_binary_input(path)
    try:
        yield from iter_jsonl(handle)
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()


def progress(total: int | None = None, description: str = "working") -> Progress:
    """A progress bar on stderr; silent when stderr is not a terminal."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr_console,
        transient=True,
        disable=not sys.stderr.isatty(),
    )


def count_lines(path: Path) -> int | None:
    """Lines in a regular file (for a progress total), or None for stdin and unreadable files."""
    if str(path) == "-" or not path.is_file():
        return None
    total = 0
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                total += block.count(b"\n")
    except OSError:
        return None
    return total


def text_stream(handle: IO[bytes]) -> io.TextIOWrapper:
    try:
        return io.TextIOWrapper(handle, encoding="utf-8", newline="")
    except LookupError as exc:  # pragma: no cover - utf-8 always exists
        raise FormatError(str(exc)) from exc

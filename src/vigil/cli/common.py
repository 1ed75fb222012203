"""Shared plumbing of the command modules: settings, input records, engine options, output, progress."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, TypeAlias

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from vigil.errors import ConfigError, DocumentError, FormatError, InputError
from vigil.ingest.readers import FORMATS, Format, detect_format, open_input, parse_mapping, read_records
from vigil.settings import Settings, load_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from vigil.casework.reviews import AuditHook

#: Who a command acts as when no ``--user`` names an account.
TERMINAL = "terminal"

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


#: ``--format`` of every command that reads documents (the formats of :mod:`vigil.ingest.readers`).
FormatOption: TypeAlias = Annotated[
    str | None,
    typer.Option("--format", "-f", help=f"Input format ({', '.join(FORMATS)}); default from the file name, JSONL for '-'."),
]
#: ``--map`` of every command that reads documents.
MappingOption: TypeAlias = Annotated[
    str | None,
    typer.Option("--map", help="CSV column mapping FIELD=COLUMN,..., e.g. text=description,title=headline."),
]


def engine_option(on_dask: str) -> Any:
    """``--engine`` of a command whose Dask run does ``on_dask`` (said in its help)."""
    return typer.Option("--engine", help=f"'local' (this process or a process pool) or 'dask' ({on_dask}). [env: VIGIL_ENGINE]")


#: ``--engine``, ``--scheduler``, ``--workers`` and ``--partition-size`` of the commands that run
#: on the batch engine (``vigil process``, ``ingest``, ``link``, ``trends``): they override the settings.
EngineOption: TypeAlias = Annotated[str | None, engine_option("the analysis partitions run on a Dask cluster")]
SchedulerOption: TypeAlias = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Dask scheduler address (tcp://host:8786); without one a LocalCluster of --workers starts. "
        "[env: VIGIL_DASK_SCHEDULER]",
    ),
]
WorkersOption: TypeAlias = Annotated[
    int | None,
    typer.Option("--workers", "-w", min=0, help="Worker processes; 0 one per core. [env: VIGIL_WORKERS]"),
]
PartitionSizeOption: TypeAlias = Annotated[
    int | None,
    typer.Option("--partition-size", min=1, help="Documents per partition sent to a worker. [env: VIGIL_PARTITION_SIZE]"),
]


def with_engine(
    settings: Settings,
    engine: str | None,
    scheduler: str | None,
    workers: int | None,
    partition_size: int | None = None,
) -> Settings:
    """The settings with the command line's engine options in place of the configured ones."""
    if engine is not None and engine not in ("local", "dask"):
        raise ConfigError(f"unknown engine {engine!r}; use 'local' or 'dask'")
    given = {"engine": engine, "dask_scheduler": scheduler, "workers": workers, "partition_size": partition_size}
    return settings.model_copy(update={k: v for k, v in given.items() if v is not None})


def announce_engine(settings: Settings) -> None:
    """Say on stderr where the analysis runs, when it is not this machine's engine."""
    if settings.engine == "dask":
        where = settings.dask_scheduler or f"a local cluster of {settings.workers or 'one per core'} workers"
        print(f"engine: dask on {where}", file=sys.stderr)


@dataclass(frozen=True, slots=True)
class InputSpec:
    """Where and how a command reads its documents: the path, its format and the CSV column mapping."""

    path: Path
    format: Format
    mapping: dict[str, str]
    max_bytes: int

    @classmethod
    def of(cls, path: Path, fmt: str | None, mapping: str | None, settings: Settings) -> InputSpec:
        """Checked once, before any output is written: an unknown format or a bad mapping is an :class:`InputError`."""
        return cls(path, detect_format(path, fmt), parse_mapping(mapping), settings.ingest_max_record_bytes)

    def records(self, decode: bool = True) -> Iterator[tuple[int, object]]:
        """``(line, record)`` or ``(line, DocumentError)`` for each record of the input (see :func:`read_records`)."""
        for record in read_records(self.path, self.format, self.mapping, self.max_bytes, decode=decode):
            if record.error is not None:
                yield record.line, DocumentError(record.error, line=record.line)
            else:
                yield record.line, record.data

    def total(self) -> int | None:
        """Lines to read, for a progress bar (None for WARC, whose records are not lines)."""
        return None if self.format == "warc" else count_lines(self.path)


def iter_input_records(path: Path) -> Iterator[tuple[int, object]]:
    """JSONL records of a file or stdin, with per-line errors (a labelled corpus, for instance)."""
    return InputSpec(path, "jsonl", {}, Settings.model_fields["ingest_max_record_bytes"].default).records()


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


def terminal_audit(on_behalf_of: str) -> AuditHook:
    """An audit hook that records a change made at the terminal, naming the account it was made for."""
    from vigil.web.audit import Actor, record

    operator = Actor("terminal", None, TERMINAL, "admin")

    def hook(session: Session, action: str, target_type: str, target_id: str, details: dict[str, Any]) -> None:
        record(session, operator, action, target_type, target_id, details={**details, "user": on_behalf_of})

    return hook


def print_json_line(row: dict[str, Any]) -> None:
    """One JSON object on its own line on stdout."""
    sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")

"""Readers turn an input file into numbered records: a document, or the reason it was rejected.

The one input layer of every command that reads documents (ingest, analyze, link, trends):
JSONL, CSV (with a column mapping) and WARC. Each format has one reader of
:class:`Record` objects (the record as read: a decoded JSON value, a mapped CSV row, a WARC
response's fields); :func:`read_items` checks them against the document contract and yields
:class:`Item` objects. Commands whose records may carry more than a document (an analysis
under ``analysis``, entities under ``entities``) read :func:`read_records` instead.

Both come in file order. ``line`` is the 1-based line on which the record starts (for WARC:
the 1-based record number). Readers never stop at a bad record; only an unreadable file
raises :class:`~vigil.errors.FormatError`.
"""

from __future__ import annotations

import csv
import sys
import zlib
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Final, Literal

from vigil.documents import FIELDS, parse_document, parse_json_line, parse_timestamp
from vigil.errors import DocumentError, FormatError, InputError
from vigil.ingest.html_text import extract_main_text

Format = Literal["jsonl", "csv", "warc"]
FORMATS: Final = ("jsonl", "csv", "warc")
_EXTENSIONS: Final = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".warc": "warc",
    ".warc.gz": "warc",
}
_UTF8_BOM: Final = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Capture:
    """Raw evidence to store next to a document."""

    data: bytes
    media_type: str
    url: str | None
    captured_at: datetime | None


@dataclass(frozen=True, slots=True)
class Record:
    """One record as read, before the document contract is checked; ``error`` when it could not be read.

    ``data`` is the decoded JSON value of a JSONL line (its undecoded bytes when read with
    ``decode=False``), the fields of a CSV row under their contract names, or the fields of
    a WARC response.
    """

    line: int
    data: object = None
    error: str | None = None
    capture: Capture | None = None


@dataclass(frozen=True, slots=True)
class Item:
    line: int
    document: Any = None  # vigil.documents.Document when accepted
    error: str | None = None
    capture: Capture | None = None


def detect_format(path: Path, given: str | None) -> Format:
    if given:
        if given not in FORMATS:
            raise InputError(f"unknown format {given!r}; use one of {', '.join(FORMATS)}")
        return given  # type: ignore[return-value]
    if str(path) == "-":
        return "jsonl"
    name = path.name.lower()
    for ext, fmt in sorted(_EXTENSIONS.items(), key=lambda kv: -len(kv[0])):
        if name.endswith(ext):
            return fmt  # type: ignore[return-value]
    raise InputError(f"cannot tell the format of {path}; pass --format jsonl, csv or warc")


def open_input(path: Path) -> IO[bytes]:
    """A file, or stdin for ``-``, opened for bytes; a missing or unreadable file is an :class:`InputError`."""
    if str(path) == "-":
        return sys.stdin.buffer
    try:
        return path.open("rb")
    except FileNotFoundError as exc:
        raise InputError(f"no such file: {path}") from exc
    except IsADirectoryError as exc:
        raise InputError(f"is a directory, not a file: {path}") from exc
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc


def documents_of(records: Iterable[Record]) -> Iterator[Item]:
    """Each record checked against the document contract: its document, or why it breaks it."""
    for record in records:
        if record.error is not None:
            yield Item(record.line, error=record.error)
            continue
        try:
            yield Item(record.line, document=parse_document(record.data), capture=record.capture)
        except DocumentError as exc:
            yield Item(record.line, error=str(exc))


def jsonl_records(handle: IO[bytes], max_bytes: int, decode: bool = True) -> Iterator[Record]:
    """Non-blank lines, decoded; ``decode=False`` leaves the bytes to a worker (a pool then spreads the parsing)."""
    for number, raw in jsonl_lines(handle, max_bytes):
        if isinstance(raw, str):
            yield Record(number, error=raw)
            continue
        if not decode:
            yield Record(number, raw)
            continue
        try:
            yield Record(number, parse_json_line(raw))
        except DocumentError as exc:
            yield Record(number, error=str(exc))


def record_too_long(max_bytes: int) -> str:
    """The reason a JSONL line longer than ``max_bytes`` (its newline counted) is rejected."""
    return f"record is longer than {max_bytes} bytes"


def jsonl_lines(handle: IO[bytes], max_bytes: int) -> Iterator[tuple[int, bytes | str]]:
    """``(line, bytes)`` for each non-blank line of JSONL, or ``(line, reason)`` for one too long to read."""
    for number, raw in enumerate(handle, start=1):
        if not raw.strip():
            continue
        if len(raw) > max_bytes:
            yield number, record_too_long(max_bytes)
            continue
        yield number, raw


def read_jsonl(handle: IO[bytes], max_bytes: int) -> Iterator[Item]:
    return documents_of(jsonl_records(handle, max_bytes))


def parse_mapping(spec: str | None) -> dict[str, str]:
    """``text=description,title=title`` to ``{"text": "description", "title": "title"}``."""
    mapping: dict[str, str] = {}
    if not spec:
        return mapping
    for part in spec.split(","):
        if not part.strip():
            continue
        field, sep, column = part.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise InputError(f"bad --map entry {part!r}: write FIELD=COLUMN, e.g. text=description")
        if field not in FIELDS:
            raise InputError(f"--map names unknown field {field!r}; fields are {', '.join(FIELDS)}")
        mapping[field] = column
    return mapping


def _csv_value(field: str, value: str) -> Any:
    """CSV cells are text; turn the structured fields into their contract types."""
    if field in ("images", "meta"):
        stripped = value.strip()
        if not stripped:
            return None
        if stripped[0] in "[{":
            try:
                return parse_json_line(stripped)
            except DocumentError as exc:
                raise DocumentError(f"column for '{field}': {exc.message}") from exc
        if field == "images":
            return [part for part in stripped.replace("|", " ").split() if part]
        raise DocumentError("column for 'meta' must hold a JSON object")
    if field in ("id", "text"):
        return value
    return value if value.strip() else None


def read_csv(handle: IO[bytes], mapping: Mapping[str, str], max_bytes: int) -> Iterator[Item]:
    return documents_of(csv_records(handle, mapping, max_bytes))


def csv_records(handle: IO[bytes], mapping: Mapping[str, str], max_bytes: int) -> Iterator[Record]:
    """Rows as records under their contract names (``mapping``: field to column); other columns go to ``meta``."""
    csv.field_size_limit(max_bytes)
    lines = _CsvLines(handle)
    # strict: a stray quote is an error, not a field that silently swallows the following rows
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise FormatError(f"cannot read the CSV header: {exc}") from exc
    columns = {name.strip(): i for i, name in enumerate(header)}
    missing = [col for col in mapping.values() if col not in columns]
    if missing:
        raise InputError(f"--map names columns that the CSV header lacks: {', '.join(missing)}")
    field_of_column: dict[int, str] = {}
    for field in FIELDS:
        column = mapping.get(field, field if field not in mapping.values() else None)
        if column is not None and column in columns and columns[column] not in field_of_column:
            field_of_column[columns[column]] = field
    if "id" not in field_of_column.values() or "text" not in field_of_column.values():
        raise InputError("the CSV needs columns for 'id' and 'text' (name them, or use --map id=COL,text=COL)")
    meta_columns = {i: name for name, i in columns.items() if i not in field_of_column}
    while True:
        lines.start_row()
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Record(lines.row_start, error=f"not valid CSV: {exc}")
            lines.resynchronise()
            continue
        if not any(cell.strip() for cell in row):
            continue
        start = lines.row_start
        if lines.row_is_bad:
            yield Record(start, error="row is not valid UTF-8")
            continue
        if len(row) != len(header):
            yield Record(start, error=f"row has {len(row)} columns, the header has {len(header)}")
            lines.resynchronise()
            continue
        try:
            yield Record(start, _csv_record(row, field_of_column, meta_columns))
        except DocumentError as exc:
            yield Record(start, error=str(exc))


def _csv_record(row: list[str], field_of_column: Mapping[int, str], meta_columns: Mapping[int, str]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for index, field in field_of_column.items():
        value = _csv_value(field, row[index])
        if value is not None:
            record[field] = value
    extra = {name: row[i] for i, name in meta_columns.items() if row[i] != ""}
    if extra:
        meta = record.get("meta") or {}
        if not isinstance(meta, dict):
            raise DocumentError("column for 'meta' must hold a JSON object")
        record["meta"] = {**extra, **meta}
    return record


class _CsvLines:
    """Physical lines for the CSV reader, decoded one by one, that can be read again.

    One bad byte spoils one row, not the file: a line that is not UTF-8 is passed on with
    replacement characters (so the CSV reader stays in step) and its row is rejected. A row
    that spans several lines and turns out bad (an unbalanced quote) is rejected at its
    first line, and reading resumes at the line after it, so the rows it swallowed are kept.
    """

    def __init__(self, handle: IO[bytes]) -> None:
        self._lines = iter(handle)
        self._number = 0
        self._again: deque[tuple[int, str, bool]] = deque()
        self._taken: list[tuple[int, str, bool]] = []

    def __iter__(self) -> _CsvLines:
        return self

    def __next__(self) -> str:
        if self._again:
            line = self._again.popleft()
        else:
            raw = next(self._lines)
            self._number += 1
            if self._number == 1:
                raw = raw.removeprefix(_UTF8_BOM)
            try:
                line = (self._number, raw.decode("utf-8"), False)
            except UnicodeDecodeError:
                line = (self._number, raw.decode("utf-8", errors="replace"), True)
        self._taken.append(line)
        return line[1]

    def start_row(self) -> None:
        self._taken = []

    @property
    def row_start(self) -> int:
        """1-based line on which the current row starts."""
        return self._taken[0][0] if self._taken else self._number + 1

    @property
    def row_is_bad(self) -> bool:
        return any(bad for _, _, bad in self._taken)

    def resynchronise(self) -> None:
        """Read the lines after the current row's first line again, as rows of their own."""
        self._again.extendleft(reversed(self._taken[1:]))
        del self._taken[1:]


def read_warc(path: Path, max_bytes: int) -> Iterator[Item]:
    return documents_of(warc_records(path, max_bytes))


def warc_records(path: Path, max_bytes: int) -> Iterator[Record]:
    """Each HTML response becomes a document; the raw WARC record goes to the evidence store.

    A record that cannot be used (no target URI, bad HTTP headers, no main text) is one
    rejected item. Where the archive itself stops making sense (truncated, corrupted,
    trailing garbage) reading stops with one rejected item naming the byte offset; the
    records before it are kept. A file that does not start with a WARC record is a
    :class:`FormatError`.
    """
    from warcio.exceptions import ArchiveLoadFailed
    from warcio.statusandheaders import StatusAndHeadersParserException

    if str(path) == "-":
        raise InputError("WARC input must be a file (records are stored as evidence by offset)")
    with open_input(path) as handle, open_input(path) as raw_reader:
        iterator = _open_warc(handle)
        number = 0
        try:
            for record in iterator:
                if record.format not in ("warc", "arc", "arc2warc") or not record.rec_type:
                    raise ArchiveLoadFailed("not a WARC record")
                number += 1
                item = _warc_record(iterator, record, number, raw_reader, max_bytes)
                truncated = _truncation(iterator, record)
                if truncated:
                    start = iterator.get_record_offset()
                    yield Record(number, error=f"WARC is {truncated}: record {number} (at byte {start}) is cut short")
                    return
                if item is not None:
                    yield item
        except (ArchiveLoadFailed, StatusAndHeadersParserException, EOFError, ValueError, zlib.error) as exc:
            reason = _warc_failure(exc)
            if number == 0:
                raise FormatError(f"{path} is not a WARC file: {reason}") from exc
            yield Record(
                number + 1, error=f"unreadable WARC data at byte {iterator.offset} (after record {number}): {reason}"
            )
            return
        if number == 0:
            raise FormatError(f"{path} holds no WARC records")


def _warc_failure(exc: Exception) -> str:
    """The first words of warcio's message: it quotes the unreadable bytes, which help no one."""
    message = str(getattr(exc, "msg", None) or exc or type(exc).__name__)
    return message.split(", first line")[0].split("\n")[0][:120]


def _truncation(iterator: Any, record: Any) -> str | None:
    """Whether ``record`` ends before its declared length, or its gzip member ends early."""
    stream = record.raw_stream
    if getattr(stream, "limit", 0) > 0:
        return "truncated"
    reader = iterator.reader
    decompressor = getattr(reader, "decompressor", None) if reader is not None else None
    if decompressor is not None and hasattr(decompressor, "eof") and not decompressor.eof:
        return "truncated (incomplete gzip member)"
    return None


def _warc_record(
    iterator: Any, record: Any, number: int, raw_reader: IO[bytes], max_bytes: int
) -> Record | None:
    """The record of one WARC record, or None for a record that is not an HTML response."""
    if record.rec_type != "response":
        iterator.read_to_end()
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    record_id = record.rec_headers.get_header("WARC-Record-ID") or f"record-{number}"
    if not url:
        iterator.read_to_end()
        return Record(number, error="response record has no WARC-Target-URI")
    if record.http_headers is None and url.startswith(("http:", "https:")):
        iterator.read_to_end()
        return Record(number, error=f"response record for {url} has no readable HTTP headers")
    content_type = (record.http_headers.get_header("Content-Type") if record.http_headers else None) or ""
    if "html" not in content_type.lower():
        iterator.read_to_end()
        return None
    payload = record.content_stream().read(max_bytes + 1)
    iterator.read_to_end()
    raw_reader.seek(iterator.get_record_offset())
    raw = raw_reader.read(iterator.get_record_length())
    if len(payload) > max_bytes:
        return Record(number, error=f"record payload is longer than {max_bytes} bytes")
    try:
        captured = parse_timestamp("captured_at", record.rec_headers.get_header("WARC-Date"))
    except DocumentError:
        captured = None
    extracted = extract_main_text(payload, url)
    if extracted is None:
        return Record(number, error=f"no main text could be extracted from {url}")
    title, text = extracted
    fields = {
        "id": record_id,
        "text": text,
        "title": title,
        "url": url,
        "captured_at": captured.isoformat() if captured else None,
        "meta": {"warc_record_id": record_id, "content_type": content_type},
    }
    return Record(number, fields, capture=Capture(raw, "application/warc", url, captured))


def _warc_iterator_class() -> type[Any]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.recordloader import ArcWarcRecordLoader
    from warcio.statusandheaders import StatusAndHeadersParserException

    class TolerantLoader(ArcWarcRecordLoader):  # type: ignore[misc]
        """warcio's loader, but a record's bad HTTP part spoils that record only.

        warcio fails on a response without ``WARC-Target-URI`` (AttributeError) and stops
        the whole archive on unparsable HTTP headers; here both leave ``http_headers``
        empty, and the reader rejects the record.
        """

        def load_http_headers(self, rec_type: str, uri: str | None, stream: Any, length: Any) -> Any:
            if uri is None:
                return None
            try:
                return super().load_http_headers(rec_type, uri, stream, length)
            except (StatusAndHeadersParserException, EOFError):
                return None

    class WarcIterator(ArchiveIterator):  # type: ignore[misc]
        def __init__(self, handle: IO[bytes]) -> None:
            super().__init__(handle)
            self.loader = TolerantLoader()

    return WarcIterator


def _open_warc(handle: IO[bytes]) -> Any:
    """warcio's archive iterator with :class:`TolerantLoader` (warcio is imported on first use)."""
    return _warc_iterator_class()(handle)


def read_items(path: Path, fmt: Format, mapping: Mapping[str, str], max_bytes: int) -> Iterator[Item]:
    """Documents of one input (or why each record was rejected), in file order."""
    return documents_of(read_records(path, fmt, mapping, max_bytes))


def read_records(
    path: Path, fmt: Format, mapping: Mapping[str, str], max_bytes: int, *, decode: bool = True
) -> Iterator[Record]:
    """Records of one input as read, in file order (``decode``: see :func:`jsonl_records`)."""
    if fmt == "warc":
        yield from warc_records(path, max_bytes)
        return
    handle = open_input(path)
    try:
        if fmt == "jsonl":
            yield from jsonl_records(handle, max_bytes, decode)
        else:
            yield from csv_records(handle, mapping, max_bytes)
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()

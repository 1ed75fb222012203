"""JSONL decoded, validated and formatted as stored rows, in worker processes for large inputs.

Decoding and checking a line against the document contract cost several times what storing
it does, and depend on nothing but the line; so ingest cuts the input into chunks of whole
lines (:func:`input_chunks`: blocks of bytes cut at a newline, read without looking at each
line) and sends them to the batch engine's process pool, which splits, decodes and formats
them; the parent writes the rows that come back, in input order, while the workers decode
the chunks after them. An input of one chunk or less is decoded in this process (starting a
pool would cost more than it saves).

A chunk comes back as a :class:`DecodedChunk`: the ids and stored values of its documents
(values as :func:`vigil.store.bulk.document_values` formats them for SQLite, or one COPY
line in bytes for PostgreSQL, :func:`vigil.store.bulk.fields_copy_bytes`) and its
rejected lines with the same reasons the in-process readers give.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import IO, Final

from vigil.documents import document_fields, parse_document, parse_json_line
from vigil.engine import LocalEngine
from vigil.errors import DocumentError
from vigil.ingest.readers import record_too_long
from vigil.store.bulk import StoredRow, document_values, fields_copy_bytes

#: A piece of an input: the number of its first line, whole lines of bytes, and the lines
#: before its own that were too long to read, as ``(line, reason)``.
Chunk = tuple[int, bytes, tuple[tuple[int, str], ...]]

#: Bytes read while skipping a line too long to keep.
SKIP_READ: Final = 1 << 16
#: The first chunk's size per line asked for, before the input's own line length is known,
#: and the most it reads (a first chunk is decoded while the next is cut).
GUESSED_LINE_BYTES: Final = 256
FIRST_READ_MAX: Final = 1 << 20


@dataclass(slots=True)
class DecodedChunk:
    """One chunk decoded: its documents' ids and stored values in input order, and its rejected lines."""

    ids: list[str] = field(default_factory=list)
    rows: list[StoredRow] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    #: The last line the chunk covers (blank and rejected ones included).
    last_line: int = 0


@dataclass(frozen=True, slots=True)
class ChunkDecoder:
    """A chunk of raw JSONL to its stored values; picklable, so a worker runs it."""

    dialect: str
    max_bytes: int

    def __call__(self, chunk: Chunk) -> DecodedChunk:
        first, data, skipped = chunk
        decoded = DecodedChunk(rejected=list(skipped))
        lines = data.split(b"\n")
        # every line of a chunk ends with a newline but the input's last one may not; a line is
        # measured with its newline, as reading a file line by line gives it
        ends_with_newline = data.endswith(b"\n")
        if ends_with_newline:
            lines.pop()
        last = len(lines) - 1
        copy = self.dialect == "postgresql"
        ids, rows, rejected, max_bytes = decoded.ids, decoded.rows, decoded.rejected, self.max_bytes
        for index, raw in enumerate(lines):
            if not raw.strip():
                continue
            if len(raw) >= max_bytes and len(raw) + (index < last or ends_with_newline) > max_bytes:
                rejected.append((first + index, record_too_long(max_bytes)))
                continue
            try:
                if copy:
                    fields = document_fields(parse_json_line(raw))
                    rows.append(fields_copy_bytes(fields))
                    ids.append(fields[0])
                else:
                    document = parse_document(parse_json_line(raw))
                    rows.append(document_values(document, self.dialect))
                    ids.append(document.id)
            except DocumentError as exc:
                rejected.append((first + index, str(exc)))
        if skipped:
            rejected.sort()
        decoded.last_line = first + len(lines) - 1 if data else skipped[-1][0] if skipped else first - 1
        return decoded


def input_chunks(handle: IO[bytes], *, max_bytes: int, chunk_lines: int) -> Iterator[Chunk]:
    """``handle`` cut into chunks of about ``chunk_lines`` whole lines each, in order.

    A line longer than ``max_bytes`` is not kept in memory: it is skipped up to its newline
    and named in the next chunk's ``skipped`` (a last chunk with no lines carries it alone).
    """
    line = 1  # the number of the first line in ``buffer``
    buffer = b""
    skipped: list[tuple[int, str]] = []
    read_bytes, newlines = 0, 0
    size = max(1, min(chunk_lines * GUESSED_LINE_BYTES, FIRST_READ_MAX))
    while True:
        block = handle.read(size)
        if not block:
            break
        read_bytes += len(block)
        buffer += block
        cut = buffer.rfind(b"\n") + 1
        if len(buffer) - cut > max_bytes:  # a line too long to keep: skip it up to its newline
            if cut:
                yield line, buffer[:cut], tuple(skipped)
                counted = buffer.count(b"\n", 0, cut)
                line += counted
                newlines += counted
                skipped = []
            rest, blank = _skip_line(handle, buffer[cut:])
            if not blank:  # (a blank line is skipped whatever its length, as in a line-by-line reading)
                skipped.append((line, record_too_long(max_bytes)))
            line += 1
            newlines += 1
            if rest is None:
                buffer = b""
                break
            buffer = rest
            continue
        if cut and len(buffer) >= size:
            counted = buffer.count(b"\n", 0, cut)
            yield line, buffer[:cut], tuple(skipped)
            skipped = []
            line += counted
            newlines += counted
            buffer = buffer[cut:]
            # the next chunk's size from the lines seen so far
            size = max(1, chunk_lines * read_bytes // max(newlines, 1))
    if buffer or skipped:
        yield line, buffer, tuple(skipped)


def _skip_line(handle: IO[bytes], start: bytes) -> tuple[bytes | None, bool]:
    """Read past the end of the line that begins with ``start``: what follows its newline (None at
    the end of the input), and whether the line was blank."""
    blank = not start.strip()
    while True:
        block = handle.read(SKIP_READ)
        if not block:
            return None, blank
        end = block.find(b"\n")
        if end >= 0:
            return block[end + 1 :], blank and not block[:end].strip()
        blank = blank and not block.strip()


def decoded_chunks(
    handle: IO[bytes], *, dialect: str, max_bytes: int, workers: int, partition_size: int
) -> Generator[DecodedChunk, None, None]:
    """Every chunk of ``handle`` decoded, in input order.

    ``workers`` processes (0: one per core) decode once the input holds more than one chunk
    of about ``partition_size`` lines; a smaller input is decoded here.
    """
    chunks = input_chunks(handle, max_bytes=max_bytes, chunk_lines=partition_size)
    head = [chunk for chunk in (next(chunks, None), next(chunks, None)) if chunk is not None]
    lines_ahead = sum(chunk[1].count(b"\n") for chunk in head)
    # The engine's window keeps at most two chunks per worker in flight (memory stays flat).
    engine = LocalEngine(workers=workers if len(head) > 1 and lines_ahead > partition_size else 1)
    try:
        for (decoded,) in engine.map_partitions(ChunkDecoder(dialect, max_bytes), ([c] for c in chain(head, chunks))):
            yield decoded
    finally:
        engine.close()

"""JSONL lines decoded, validated and formatted as stored rows, in worker processes for large inputs.

Decoding and checking a line against the document contract cost several times what storing
it does, and depend on nothing but the line; so ingest sends raw lines in partitions to the
batch engine's process pool and writes the rows that come back, in input order, while the
workers decode the partitions after them. An input of one partition or less is decoded in
this process (starting a pool would cost more than it saves).

A decoded line is ``(line, doc_id, values)`` for a document (``values`` as
:func:`vigil.store.bulk.document_values` formats them for the store's database, joined into
one field for PostgreSQL by :func:`vigil.store.bulk.document_copy_line`) or
``(line, reason, None)`` for a rejected record, with the same reason the in-process
readers give.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from itertools import chain
from typing import IO

from vigil.documents import parse_document, parse_json_line
from vigil.engine import LocalEngine, partitioned
from vigil.errors import DocumentError
from vigil.ingest.readers import jsonl_lines
from vigil.store.bulk import DocumentValues, document_copy_line, document_values

#: ``(line, doc_id, values)``, or ``(line, reason, None)`` for a rejected record.
DecodedLine = tuple[int, str, DocumentValues | None]


@dataclass(frozen=True, slots=True)
class LineDecoder:
    """One raw JSONL line to its stored values; picklable, so a worker runs it."""

    dialect: str

    def __call__(self, item: tuple[int, bytes | str]) -> DecodedLine:
        line, raw = item
        if isinstance(raw, str):  # rejected while reading
            return line, raw, None
        try:
            document = parse_document(parse_json_line(raw))
        except DocumentError as exc:
            return line, str(exc), None
        if self.dialect == "postgresql":
            return line, document.id, document_copy_line(document)
        return line, document.id, document_values(document, self.dialect)


def decoded_lines(
    handle: IO[bytes], *, dialect: str, max_bytes: int, workers: int, partition_size: int
) -> Generator[DecodedLine, None, None]:
    """Every non-blank line of ``handle`` decoded, in input order.

    ``workers`` processes (0: one per core) decode once the input holds more than one
    partition of ``partition_size`` lines; a smaller input is decoded here.
    """
    partitions = partitioned(jsonl_lines(handle, max_bytes), partition_size)
    head = [partition for partition in (next(partitions, None), next(partitions, None)) if partition is not None]
    # The engine's window keeps at most two partitions per worker in flight (memory stays flat).
    engine = LocalEngine(workers=workers if len(head) > 1 else 1)
    try:
        for decoded in engine.map_partitions(LineDecoder(dialect), chain(head, partitions)):
            yield from decoded
    finally:
        engine.close()

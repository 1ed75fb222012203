"""JSONL decoded in worker processes: the same documents, rejections and counts as in this process.

``vigil ingest`` sends the raw lines of an input larger than one partition to the batch
engine's process pool, which decodes, validates and formats them as stored rows; the
parent writes them in input order. Whatever the workers and partition size, the stored
documents read back equal the contract's reading of each line, rejected lines keep their
line numbers and reasons in order, duplicates are counted, and a stop mid-file keeps the
batches written before it.
"""

from __future__ import annotations

import io
import json
import multiprocessing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from vigil.documents import Document, parse_document
from vigil.errors import DocumentError
from vigil.ingest import ingest_input
from vigil.ingest.decoding import ChunkDecoder, decoded_chunks, input_chunks
from vigil.ingest.readers import jsonl_lines, read_items
from vigil.settings import Settings
from vigil.store import Store
from vigil.store.bulk import DOCUMENT_VALUE_COLUMNS, document_copy_line, document_values, format_values
from vigil.store.models import DocumentRow, IngestRun

MAX_BYTES = 2000

#: Lines of one input: documents whose text is hard to carry (COPY's escapes, NULL markers,
#: scripts), every kind of rejection, blank lines and duplicates in and across partitions.
LINES: list[str | bytes] = [
    json.dumps({"id": "tab", "text": "Робота\tв Польщі", "lang": "uk", "kind": "job_ad"}, ensure_ascii=False),
    json.dumps({"id": "newline", "text": "line one\nline two\r\nthree", "title": "a\\b"}),
    "{not json",
    json.dumps({"id": "null-marker", "text": "\\N", "title": "\\N", "location": "\\."}),
    "",
    json.dumps({"id": "backslash", "text": "C:\\temp\\ \\\\ \\t", "meta": {"path": "a\\nb", "tab": "x\ty"}}),
    json.dumps({"id": "tab", "text": "the same id again"}),
    json.dumps({"id": "no-text"}),
    json.dumps(
        {
            "id": "full",
            "text": "Praca w Niemczech, mieszkanie zapewnione",
            "title": "Oferta",
            "kind": "job_ad",
            "platform": "jobs.example",
            "url": "https://jobs.example/ad/1?x=1&y=\t",
            "lang": "PL",
            "posted_at": "2024-01-02T03:04:05+02:00",
            "captured_at": "2024-01-03",
            "location": "Berlin",
            "images": ["phash:abcd", "https://img.example/1.jpg"],
            "meta": {"n": [1, 2.5, None, True], "deep": {"ключ": "значення"}},
            "extra": "kept under meta",
        },
        ensure_ascii=False,
    ),
    b"\xff\xfe not utf-8",
    json.dumps({"id": "big", "text": "x" * MAX_BYTES}),
    json.dumps({"id": 7, "text": "id is a number"}),
    json.dumps({"id": "nan", "text": "t", "meta": {"v": float("nan")}}),
    "   ",
    json.dumps({"id": "surrogate", "text": "\ud800"}),
    json.dumps({"id": "emoji", "text": "Нова 🌸 у місті", "kind": "sex_ad"}),
    json.dumps({"id": "kind", "text": "t", "kind": "unknown"}),
    json.dumps({"id": "newline", "text": "again, after partitions"}),
    "[1, 2]",
    json.dumps({"id": "last", "text": "ostatni", "posted_at": "2024-05-06T07:08:09"}),
]


def _write(path: Path, lines: list[str | bytes]) -> Path:
    with path.open("wb") as handle:
        for line in lines:
            handle.write((line.encode("utf-8") if isinstance(line, str) else line) + b"\n")
    return path


def _expected(path: Path) -> tuple[list[dict[str, Any]], dict[str, Document], int]:
    """The contract's reading of ``path`` in this process: errors, first document per id, duplicates."""
    errors: list[dict[str, Any]] = []
    documents: dict[str, Document] = {}
    duplicates = 0
    for item in read_items(path, "jsonl", {}, MAX_BYTES):
        if item.error is not None:
            errors.append({"line": item.line, "reason": item.error})
        elif item.document.id in documents:
            duplicates += 1
        else:
            documents[item.document.id] = item.document
    return errors, documents, duplicates


def _stored(store: Store) -> dict[str, Document]:
    with store.session() as session:
        rows = session.scalars(sa.select(DocumentRow)).all()
        return {
            row.doc_id: Document(
                id=row.doc_id,
                text=row.text,
                title=row.title,
                kind=row.kind,
                platform=row.platform,
                url=row.url,
                lang=row.lang,
                posted_at=row.posted_at,
                captured_at=row.captured_at,
                location=row.location,
                images=tuple(row.images),
                meta=row.meta,
            )
            for row in rows
        }


def _settings(settings: Settings, workers: int, partition_size: int, batch: int) -> Settings:
    return settings.model_copy(
        update={
            "workers": workers,
            "partition_size": partition_size,
            "ingest_batch_size": batch,
            "ingest_max_record_bytes": MAX_BYTES,
        }
    )


@pytest.mark.parametrize(
    ("workers", "partition_size", "batch"),
    [
        (1, 1000, 1000),  # one partition: decoded in this process
        (1, 3, 2),  # many partitions, one worker: still this process
        (2, 1000, 1000),  # one partition: no pool for a small input
        (2, 3, 2),  # a pool of two, batches cut across partitions
        (2, 1, 1000),  # a partition per line
        (3, 7, 5),
    ],
)
def test_workers_store_what_the_contract_reads(
    backend_settings: Settings, tmp_path: Path, workers: int, partition_size: int, batch: int
) -> None:
    path = _write(tmp_path / "in.jsonl", LINES)
    errors, documents, duplicates = _expected(path)
    assert len(errors) == 9 and len(documents) == 7 and duplicates == 2  # the input is as hard as intended
    children = set(multiprocessing.active_children())  # e.g. the test run's shared Dask workers

    with Store.open(_settings(backend_settings, workers, partition_size, batch)) as store:
        report = ingest_input(store, path)
        again = ingest_input(store, path)
        stored = _stored(store)
    assert report.to_json() == {"accepted": 7, "rejected": 9, "duplicates": 2, "errors": errors}
    assert (again.accepted, again.duplicates, again.errors) == (0, 9, errors)
    assert stored == documents
    assert stored["full"].posted_at == datetime(2024, 1, 2, 1, 4, 5, tzinfo=UTC)
    assert stored["backslash"].meta == {"path": "a\\nb", "tab": "x\ty"}
    assert set(multiprocessing.active_children()) <= children  # the pool is gone with the ingest


def _row(document: Document, dialect: str) -> Any:
    """What the decoder sends for ``document``: SQLite's values, or PostgreSQL's joined COPY fields in bytes."""
    values = document_values(document, dialect)
    return "\t".join(values).encode() if dialect == "postgresql" else values


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("partition_size", [1, 2, 5, 1000])
def test_decoded_chunks_keep_input_order_and_reasons(
    tmp_path: Path, workers: int, partition_size: int, dialect: str
) -> None:
    path = _write(tmp_path / "in.jsonl", LINES)
    with path.open("rb") as handle:
        chunks = list(
            decoded_chunks(handle, dialect=dialect, max_bytes=MAX_BYTES, workers=workers, partition_size=partition_size)
        )
    items = list(read_items(path, "jsonl", {}, MAX_BYTES))
    assert [doc_id for chunk in chunks for doc_id in chunk.ids] == [i.document.id for i in items if i.document]
    assert [row for chunk in chunks for row in chunk.rows] == [_row(i.document, dialect) for i in items if i.document]
    assert [{"line": line, "reason": reason} for chunk in chunks for line, reason in chunk.rejected] == _expected(path)[0]
    assert [chunk.last_line for chunk in chunks] == sorted(chunk.last_line for chunk in chunks)
    assert chunks[-1].last_line == len(LINES)


#: Inputs whose cutting into chunks is easy to get wrong: (lines as written, whether the last
#: one ends with a newline). Lines longer than ``CUT_MAX`` are too long to read.
CUT_MAX = 40
CUT_INPUTS = [
    ([], True),
    ([b"a"], False),
    ([b"a"], True),
    ([b""], True),
    ([b"", b"", b"x"], True),
    ([b"x" * (CUT_MAX - 1)], True),  # exactly the limit with its newline: kept
    ([b"x" * CUT_MAX], True),  # one byte over with its newline
    ([b"x" * CUT_MAX], False),  # the limit, but the input's last line has no newline: kept
    ([b"x" * (CUT_MAX + 1)], False),
    ([b"y" * 500, b"after"], True),  # skipped while reading, far beyond the limit
    ([b"short", b"z" * 500], False),  # the input ends inside a line too long to read
    ([b" " * 500, b"after"], True),  # blank, whatever its length
    ([b"\r", b"crlf\r", b"\t \x0b"], True),
    ([b"a" * n for n in range(0, 60, 3)], True),
    ([b"q" * (n * 37 % 70) for n in range(200)], False),
]


@pytest.mark.parametrize("chunk_lines", [1, 2, 3, 7, 1000])
@pytest.mark.parametrize(("lines", "newline_at_end"), CUT_INPUTS)
def test_input_chunks_cut_like_reading_line_by_line(lines: list[bytes], newline_at_end: bool, chunk_lines: int) -> None:
    """Cut into chunks, an input gives the lines, line numbers and too-long lines that reading it line by line does."""
    data = b"\n".join(lines) + (b"\n" if newline_at_end and lines else b"")
    expected = [(number, raw.rstrip(b"\n") if isinstance(raw, bytes) else raw) for number, raw in jsonl_lines(io.BytesIO(data), CUT_MAX)]
    found: list[tuple[int, bytes | str]] = []
    next_line = 1
    for first, chunk, skipped in input_chunks(io.BytesIO(data), max_bytes=CUT_MAX, chunk_lines=chunk_lines):
        assert first >= next_line
        found.extend(skipped)
        pieces = chunk.split(b"\n")
        if chunk.endswith(b"\n"):
            pieces.pop()
        for number, raw in enumerate(pieces, start=first):
            if raw.strip():
                has_newline = number - first < len(pieces) - 1 or chunk.endswith(b"\n")
                found.append((number, raw if len(raw) + has_newline <= CUT_MAX else f"record is longer than {CUT_MAX} bytes"))
        next_line = first + len(pieces) if chunk else first
    assert sorted(found, key=lambda pair: pair[0]) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"id": "a", "text": "t"}\n', ("a", None)),
        (b'{"id": "a"}\n', (None, "missing required field 'text'")),
        (b"{", (None, "not valid JSON: Expecting property name enclosed in double quotes at column 2")),
        (b"x" * 11 + b"\n", (None, "record is longer than 10 bytes")),
        (b"x" * 10, (None, "not valid JSON: Expecting value at column 1")),  # the limit, the input's last line
        (b'{"id": "a", "text": "t", "meta": {"n": NaN}}', (None, "not valid JSON: NaN is not a JSON value")),
        (b"   \n", (None, None)),
    ],
)
@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_chunk_decoder(raw: bytes, expected: tuple[str | None, str | None], dialect: str) -> None:
    max_bytes = 10 if raw.startswith(b"x") else 1000
    decoded = ChunkDecoder(dialect, max_bytes)((5, raw, ()))
    doc_id, reason = expected
    assert decoded.ids == ([doc_id] if doc_id else [])
    assert len(decoded.rows) == len(decoded.ids)
    assert decoded.rejected == ([(5, reason)] if reason else [])
    assert decoded.last_line == 5


@pytest.mark.parametrize("workers", [1, 2])
def test_a_stop_mid_file_keeps_the_batches_written(backend_settings: Settings, tmp_path: Path, workers: int) -> None:
    lines: list[str | bytes] = [json.dumps({"id": f"ad-{n}", "text": f"ad {n}"}) for n in range(400)]
    path = _write(tmp_path / "in.jsonl", lines)
    children = set(multiprocessing.active_children())  # e.g. the test run's shared Dask workers
    stopped_at: list[int] = []

    def stop(line: int) -> None:
        if line >= 250:
            stopped_at.append(line)
            raise KeyboardInterrupt

    with Store.open(_settings(backend_settings, workers, 4, 10)) as store:
        with pytest.raises(KeyboardInterrupt):
            ingest_input(store, path, on_item=stop)
        with store.session() as session:
            kept = session.scalar(sa.select(sa.func.count()).select_from(DocumentRow))
            stored = set(session.scalars(sa.select(DocumentRow.doc_id)))
            run = session.scalars(sa.select(IngestRun)).one()
        # whole batches of ten, the input's first lines, and none beyond the line read when it stopped
        assert kept is not None and kept % 10 == 0 and 0 < kept <= stopped_at[0] < 400
        assert stored == {f"ad-{n}" for n in range(kept)}
        assert (run.status, run.accepted) == ("failed", kept)
        assert set(multiprocessing.active_children()) <= children
        report = ingest_input(store, path)  # the rest arrives on the next run
        assert (report.accepted, report.duplicates) == (400 - kept, kept)


#: A trigger that refuses one document, so the batch holding it fails to write.
REFUSE_ONE = {
    "sqlite": [
        "CREATE TRIGGER refuse_one BEFORE INSERT ON documents WHEN new.doc_id = 'ad-35' "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$",
        "CREATE TRIGGER refuse_one BEFORE INSERT ON documents FOR EACH ROW "
        "WHEN (NEW.doc_id = 'ad-35') EXECUTE FUNCTION refuse_one()",
    ],
}


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failed_write_keeps_the_batches_before_it_and_writes_none_after(
    backend_settings: Settings, tmp_path: Path, workers: int
) -> None:
    lines: list[str | bytes] = [json.dumps({"id": f"ad-{n}", "text": f"ad {n}"}) for n in range(80)]
    path = _write(tmp_path / "in.jsonl", lines)
    with Store.open(_settings(backend_settings, workers, 4, 10)) as store:
        # The trigger comes before the ingest: made while batches are in flight, it would wait
        # for them, and on PostgreSQL a batch queued behind it could wait in turn for the batch
        # before it to commit, which only the batches' lock timeout would end.
        with store.engine.begin() as conn:
            for statement in REFUSE_ONE[store.dialect]:
                conn.exec_driver_sql(statement)
        with pytest.raises(Exception, match="refused by the test"):
            ingest_input(store, path)  # the batch of lines 31-40 fails; later ones are in flight by then
        with store.session() as session:
            kept = set(session.scalars(sa.select(DocumentRow.doc_id)))
            run = session.scalars(sa.select(IngestRun)).one()
    assert kept == {f"ad-{n}" for n in range(30)}  # a prefix of the input: nothing after the failed batch
    assert (run.status, run.accepted) == ("failed", 30)
    assert "refused by the test" in run.errors[-1]["reason"]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
@pytest.mark.parametrize("line", [line for line in LINES if isinstance(line, str) and line.strip()])
def test_document_values_match_the_generic_formatting(dialect: str, line: str) -> None:
    """The field-by-field formatting ingest uses is the one :func:`format_values` gives every writer."""
    try:
        document = parse_document(json.loads(line))
    except (DocumentError, ValueError):
        return  # a rejected line has nothing to format
    fields = (
        document.id, document.text, document.title, document.kind, document.platform, document.url, document.lang,
        document.posted_at, document.captured_at, document.location, list(document.images), document.meta, "ab" * 32,
    )
    assert document_values(document, dialect, "ab" * 32) == format_values(fields, dialect, DOCUMENT_VALUE_COLUMNS)


COPY_LINE_EXTRA = [
    {"id": "plain", "text": "Praca w Niemczech"},
    {"id": "nulls", "text": "t", "title": None, "platform": None, "posted_at": None},
    {"id": "dates", "text": "t", "posted_at": "2024-01-02T03:04:05Z", "captured_at": "2024-01-02T03:04:05.123456-05:30"},
    {"id": "cr", "text": "a\rb"},
    {"id": "meta-only-special", "text": "t", "meta": {"k": "tab\there"}},
    {"id": "image-special", "text": "t", "images": ["a\\b"]},
    {"id": "id\twith tab", "text": "t"},
    {"id": "unicode", "text": "Робота 🇺🇦 עבודה عمل", "title": "Робота", "location": "Ірпінь"},
]


@pytest.mark.parametrize(
    "record",
    [json.loads(line) for line in LINES if isinstance(line, str) and line.strip().startswith("{") and '"id": "' in line]
    + COPY_LINE_EXTRA,
)
def test_the_joined_copy_line_is_the_joined_fields(record: dict[str, Any]) -> None:
    """What the JSONL decoder sends for PostgreSQL is ``document_values`` joined by tabs, escapes and NULLs included."""
    try:
        document = parse_document(record)
    except DocumentError:
        return  # a rejected record has nothing to format
    line = document_copy_line(document)
    assert line == "\t".join(document_values(document, "postgresql"))
    assert line.count("\t") == len(DOCUMENT_VALUE_COLUMNS) - 1  # escaped tabs are "\\t", never a separator

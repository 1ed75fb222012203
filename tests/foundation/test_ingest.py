from __future__ import annotations

import gzip
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from vigil.errors import FormatError, InputError
from vigil.ingest import ingest_input
from vigil.store import Store
from vigil.store.models import DocumentRow, Evidence, IngestRun

GOOD = [
    {"id": "uk-1", "text": "Робота в Польщі. Житло безкоштовно.", "lang": "uk", "kind": "job_ad"},
    {"id": "ru-1", "text": "Работа в Германии без опыта", "lang": "ru", "kind": "job_ad"},
    {"id": "en-1", "text": "New in town, call me", "kind": "sex_ad", "posted_at": "2024-01-02T03:04:05+02:00"},
    {"id": "pl-1", "text": "Praca w Niemczech", "lang": "pl", "images": ["phash:abcd"], "meta": {"k": [1, 2]}},
    {"id": "de-1", "text": "Arbeit in Polen", "lang": "de", "location": "Berlin"},
    {"id": "cs-1", "text": "Práce v Polsku", "lang": "cs", "title": "Práce"},
    {"id": "ro-1", "text": "Muncă în Polonia", "lang": "ro", "platform": "jobs.example"},
]


def _jsonl(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_jsonl_reports_bad_lines_and_keeps_good_ones(store: Store, tmp_path: Path) -> None:
    lines = [json.dumps(d, ensure_ascii=False) for d in GOOD[:3]]
    lines.insert(1, "{not json")
    lines.insert(3, json.dumps({"id": "x"}))
    lines.insert(4, "")
    lines.append(json.dumps({"id": 7, "text": "t"}))
    lines.append(json.dumps(GOOD[0], ensure_ascii=False))  # same id again in the same file
    path = tmp_path / "in.jsonl"
    path.write_bytes(_jsonl(lines) + b"\xff\xfe broken\n" + _jsonl([json.dumps(GOOD[3])]))

    report = ingest_input(store, path)
    assert report.to_json() == {
        "accepted": 4,
        "rejected": 4,
        "duplicates": 1,
        "errors": [
            {"line": 2, "reason": "not valid JSON: Expecting property name enclosed in double quotes at column 2"},
            {"line": 4, "reason": "missing required field 'text'"},
            {"line": 7, "reason": "field 'id' must be a string, not number"},
            {"line": 9, "reason": "line is not valid UTF-8"},
        ],
    }
    with store.session() as session:
        ids = set(session.scalars(sa.select(DocumentRow.doc_id)))
        run = session.scalars(sa.select(IngestRun)).one()
    assert ids == {"uk-1", "ru-1", "en-1", "pl-1"}
    assert (run.accepted, run.rejected, run.duplicates, run.format) == (4, 4, 1, "jsonl")
    assert run.finished_at is not None


def test_ingesting_twice_adds_nothing(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(_jsonl([json.dumps(d, ensure_ascii=False) for d in GOOD]))
    first = ingest_input(store, path)
    second = ingest_input(store, path)
    assert (first.accepted, first.duplicates) == (len(GOOD), 0)
    assert (second.accepted, second.duplicates, second.rejected) == (0, len(GOOD), 0)
    # Another source may hold the same ids.
    third = ingest_input(store, path, source="mirror")
    assert third.accepted == len(GOOD)
    with store.session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(DocumentRow)) == 2 * len(GOOD)


def test_stored_fields_round_trip(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(_jsonl([json.dumps(d, ensure_ascii=False) for d in GOOD]))
    ingest_input(store, path)
    with store.session() as session:
        rows = {r.doc_id: r for r in session.scalars(sa.select(DocumentRow))}
    assert rows["uk-1"].text == GOOD[0]["text"]
    assert rows["pl-1"].images == ["phash:abcd"]
    assert rows["pl-1"].meta == {"k": [1, 2]}
    posted = rows["en-1"].posted_at
    assert posted is not None
    assert posted.astimezone(UTC) == datetime(2024, 1, 2, 1, 4, 5, tzinfo=UTC)
    assert rows["cs-1"].title == "Práce"


def test_batches_commit_independently(backend_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = backend_settings.model_copy(update={"ingest_batch_size": 2})
    path = tmp_path / "in.jsonl"
    path.write_bytes(_jsonl([json.dumps(d, ensure_ascii=False) for d in GOOD]))
    with Store.open(settings) as store:
        report = ingest_input(store, path)
        assert report.accepted == len(GOOD)
        again = ingest_input(store, path)
        assert again.duplicates == len(GOOD)


CSV_TEXT = (
    "ad_id,description,headline,lang,posted,images,salary\n"
    "1,Praca w Niemczech,Praca,pl,2024-01-01,phash:aa|phash:bb,1000\n"
    '2,"Робота,\nз житлом",Робота,uk,2024-01-02,,\n'
    "3,,Empty text is allowed,en,,,\n"
    "4,Bad date,Oops,en,not-a-date,,\n"
    "5,too,many,columns,here,x,y,z\n"
    ",missing id,x,en,,,\n"
)


def test_csv_with_column_mapping(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "ads.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    mapping = {"id": "ad_id", "text": "description", "title": "headline", "posted_at": "posted"}
    report = ingest_input(store, path, mapping=mapping)
    assert report.accepted == 3
    assert [e["line"] for e in report.errors] == [6, 7, 8]
    assert "not an ISO 8601" in report.errors[0]["reason"]
    assert "columns" in report.errors[1]["reason"]
    assert "must not be empty" in report.errors[2]["reason"]
    with store.session() as session:
        rows = {r.doc_id: r for r in session.scalars(sa.select(DocumentRow))}
    assert rows["1"].images == ["phash:aa", "phash:bb"]
    assert rows["1"].meta == {"salary": "1000"}
    assert rows["2"].text == "Робота,\nз житлом"


def test_csv_mapping_to_missing_column_is_an_input_error(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "ads.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    with pytest.raises(InputError, match="lacks: nope"):
        ingest_input(store, path, mapping={"id": "ad_id", "text": "nope"})
    with pytest.raises(InputError, match="needs columns for 'id' and 'text'"):
        ingest_input(store, path)


def _warc(records: list[tuple[str, bytes, str]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for url, body, ctype in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
        writer.write_record(record)
        record.raw_stream.close()  # warcio buffers the payload in a temporary file
    return out.getvalue()


PAGE = (
    "<html><head><title>Робота в Польщі</title></head><body><nav>Menu Home Contact</nav>"
    "<article><h1>Робота в Польщі</h1><p>Шукаємо працівників на склад у Варшаві. "
    "Житло безкоштовно, оплата щотижня, без досвіду. Пишіть у Telegram.</p>"
    "<p>Потрібні люди з України, виїзд завтра, документи оформлюємо ми.</p></article></body></html>"
).encode()


def test_warc_pages_become_documents_with_evidence(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(
        _warc(
            [
                ("https://jobs.example/1", PAGE, "text/html; charset=utf-8"),
                ("https://jobs.example/logo.png", b"\x89PNG", "image/png"),
                ("https://jobs.example/empty", b"<html><body></body></html>", "text/html"),
            ]
        )
    )
    report = ingest_input(store, path)
    assert report.accepted == 1
    assert report.rejected == 1 and "no main text" in report.errors[0]["reason"]
    with store.session() as session:
        row = session.scalars(sa.select(DocumentRow)).one()
        evidence = session.get(Evidence, row.evidence_sha256)
    assert "Шукаємо працівників" in row.text
    assert row.url == "https://jobs.example/1"
    assert row.captured_at is not None
    assert evidence is not None and evidence.url == "https://jobs.example/1"
    raw = store.evidence.get(evidence.sha256)
    assert b"WARC/1" in gzip.decompress(raw)
    assert ingest_input(store, path).duplicates == 1


def test_not_a_warc_is_a_format_error(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "x.warc"
    path.write_bytes(b"hello world\n")
    with pytest.raises(FormatError):
        ingest_input(store, path)


@pytest.mark.parametrize(
    ("name", "fmt", "error"),
    [("data.txt", None, "cannot tell the format"), ("data.jsonl", "xml", "unknown format")],
)
def test_format_detection_errors(store: Store, tmp_path: Path, name: str, fmt: str | None, error: str) -> None:
    path = tmp_path / name
    path.write_text("{}\n")
    with pytest.raises(InputError, match=error):
        ingest_input(store, path, fmt=fmt)

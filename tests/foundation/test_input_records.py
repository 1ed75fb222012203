"""Every input path isolates a bad record: it is reported (line, reason), skipped, and the rest kept.

Covers the one JSONL line decoder shared by ingest, analyze, link and trends, the document
contract's limits on ``meta`` (so a stored record can always be written and read back),
CSV resynchronisation after an unbalanced quote, byte-order marks, and ``vigil query-check``.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from vigil.cli import app
from vigil.documents import MAX_INTEGER_DIGITS, parse_document, parse_json_line
from vigil.errors import DocumentError, InputError
from vigil.ingest import ingest_input
from vigil.ingest.readers import jsonl_records, read_csv
from vigil.link.prepare import decode_line
from vigil.store import Store
from vigil.store.models import DocumentRow

HUGE = "9" * 5000
LONGEST = "9" * MAX_INTEGER_DIGITS
BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"id": "a", "text": "t"}', {"id": "a", "text": "t"}),
        (BOM + b'{"id": "a", "text": "t"}', {"id": "a", "text": "t"}),
        ('\ufeff{"n": -1.5}', {"n": -1.5}),
        (f'{{"n": {LONGEST}}}'.encode(), {"n": int(LONGEST)}),
        (f'{{"n": -{LONGEST}}}'.encode(), {"n": -int(LONGEST)}),
        ('{"t": "Робота в Польщі"}'.encode(), {"t": "Робота в Польщі"}),
    ],
    ids=["plain", "byte-order-mark", "text-byte-order-mark", "longest-int", "longest-negative-int", "ukrainian"],
)
def test_json_lines_that_decode(raw: bytes | str, expected: object) -> None:
    assert parse_json_line(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (f'{{"id": "a", "text": "t", "meta": {{"n": {HUGE}}}}}'.encode(), "more than 1000 digits"),
        (f'{{"n": -{LONGEST}9}}'.encode(), "more than 1000 digits"),
        (b'{"n": NaN}', "NaN is not a JSON value"),
        (b'{"n": -Infinity}', "-Infinity is not a JSON value"),
        (b'{"n": 1e999}', "too large"),
        (b"\xff\xfe{}", "line is not valid UTF-8"),
        (b'{"t": "\xed\xa0\x80"}', "line is not valid UTF-8"),  # a surrogate encoded as bytes
        (b"{not json", "not valid JSON: Expecting property name"),
        (b"[" * 100_000, "not valid JSON"),
        (BOM + BOM + b"{}", "not valid JSON"),
    ],
    ids=[
        "huge-int",
        "longest-plus-one",
        "nan",
        "infinity",
        "float-overflow",
        "not-utf8",
        "surrogate-bytes",
        "not-json",
        "deep",
        "two-boms",
    ],
)
def test_json_lines_that_are_rejected(raw: bytes, reason: str) -> None:
    with pytest.raises(DocumentError, match=re.escape(reason)):
        parse_json_line(raw)


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"k": value}
    return value


@pytest.mark.parametrize(
    ("meta", "reason"),
    [
        ({"n": 10**MAX_INTEGER_DIGITS}, "more than 1000 digits"),
        ({"n": [-(10**1500)]}, "more than 1000 digits"),
        ({"n": float("nan")}, "not a JSON number"),
        ({"n": float("inf")}, "not a JSON number"),
        ({"\ud800": 1}, "lone surrogate"),
        ({"k": ["ok", "\udcff"]}, "lone surrogate"),
        ({1: "x"}, "key that is not a string"),
        ({"k": {1, 2}}, "not a JSON value"),
        ({"k": b"raw"}, "not a JSON value"),
        (_nested(80), "nested more than 64 levels"),
    ],
)
def test_meta_that_cannot_be_stored_is_rejected(meta: dict[Any, Any], reason: str) -> None:
    with pytest.raises(DocumentError, match=re.escape(reason)):
        parse_document({"id": "1", "text": "x", "meta": meta})


@pytest.mark.parametrize(
    "extra",
    [{"count": 10**MAX_INTEGER_DIGITS}, {"score": float("nan")}, {"note": "\ud800"}],
)
def test_extra_fields_are_checked_like_meta(extra: dict[str, Any]) -> None:
    with pytest.raises(DocumentError, match="field 'meta'"):
        parse_document({"id": "1", "text": "x", **extra})


@pytest.mark.parametrize(
    "meta",
    [{"n": 10**MAX_INTEGER_DIGITS - 1}, {"n": -1.5e300, "ok": True, "none": None}, _nested(60), {"t": "Праця"}],
)
def test_meta_at_the_limits_is_kept(meta: dict[str, Any]) -> None:
    assert parse_document({"id": "1", "text": "x", "meta": meta}).meta == meta


def test_ingest_rejects_a_huge_number_and_keeps_the_batch(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        BOM
        + b'{"id": "a", "text": "first line after a byte-order mark"}\n'
        + f'{{"id": "b", "text": "x", "meta": {{"n": {HUGE}}}}}\n'.encode()
        + f'{{"id": "c", "text": "longest number kept", "meta": {{"n": {LONGEST}, "m": -{LONGEST}}}}}\n'.encode()
        + b'{"id": "d", "text": "y", "meta": {"n": NaN}}\n'
    )
    report = ingest_input(store, path)
    assert (report.accepted, report.rejected) == (2, 2)
    assert [e["line"] for e in report.errors] == [2, 4]
    with store.session() as session:
        rows = {row.doc_id: row for row in session.scalars(sa.select(DocumentRow))}
    assert set(rows) == {"a", "c"}
    assert rows["c"].meta == {"n": int(LONGEST), "m": -int(LONGEST)}


def test_csv_meta_column_with_a_huge_number_is_one_rejected_row(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(f'id,text,meta\n1,ok,\n2,bad,"{{""n"": {HUGE}}}"\n3,ok,"{{""n"": 7}}"\n', encoding="utf-8")
    report = ingest_input(store, path)
    assert (report.accepted, report.rejected) == (2, 1)
    assert report.errors[0]["line"] == 3
    assert "more than 1000 digits" in report.errors[0]["reason"]


@pytest.mark.parametrize("reader", ["cli", "link"])
def test_the_jsonl_readers_of_analyze_link_and_trends_reject_per_line(reader: str) -> None:
    lines = [
        BOM + b'{"id": "a", "text": "x"}\n',
        f'{{"id": "b", "text": "x", "meta": {{"n": {HUGE}}}}}\n'.encode(),
        b'{"id": "c", "text": "x", "n": Infinity}\n',
        b"\xff\n",
        b'{"id": "d", "text": "x"}\n',
    ]
    if reader == "cli":
        got = [(r.line, r.error is not None) for r in jsonl_records(io.BytesIO(b"".join(lines)), 1 << 20)]
    else:
        got = []
        for number, raw in enumerate(lines, start=1):
            try:
                decode_line(raw)
            except InputError:
                got.append((number, True))
            else:
                got.append((number, False))
    assert got == [(1, False), (2, True), (3, True), (4, True), (5, False)]


def test_analyze_reports_a_huge_number_and_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        '{"id": "a", "text": "Praca w Niemczech"}\n'
        f'{{"id": "b", "text": "x", "meta": {{"n": {HUGE}}}}}\n'
        '{"id": "c", "text": "Робота в Польщі"}\n',
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "vigil.cli", "--data-dir", str(tmp_path / "data"), "analyze", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "line 2" in result.stderr and "more than 1000 digits" in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a", "c"]


# --- CSV: an unbalanced quote costs one row, not the rest of the file --------------------------

CSV_CASES = [
    pytest.param(
        'id,text\n1,ok\n2,"broken\n3,fine\n4,also fine\n',
        ["1", "3", "4"],
        [(3, "not valid CSV")],
        id="quote-open-to-end",
    ),
    pytest.param(
        'id,text\n1,ok\n2,"broken\n3,fine\n4,"quoted",x\n5,"multi\nline"\n6,z\n',
        ["1", "3", "5", "6"],
        [(3, "not valid CSV"), (5, "3 columns")],
        id="quote-closed-by-a-later-row",
    ),
    pytest.param(
        'id,text\n1,"a\nb, c"\n2,"x"\n',
        ["1", "2"],
        [],
        id="multi-line-field-is-one-row",
    ),
    pytest.param(
        'id,text\n1,"broken,x,y\n2,ok\n',
        ["2"],
        [(2, "not valid CSV")],
        id="quote-open-at-last-rows",
    ),
    pytest.param(
        '\ufeff"id","text"\n1,ok\n2,fine\n',
        ["1", "2"],
        [],
        id="byte-order-mark-quoted-header",
    ),
    pytest.param(
        "\ufeffid,text\n1,ok\n",
        ["1"],
        [],
        id="byte-order-mark-plain-header",
    ),
    pytest.param(
        'id,text\n1,ok"quote inside\n2,"closed"after\n3,fine\n',
        ["1", "3"],
        [(3, "not valid CSV")],
        id="stray-quote-after-closing",
    ),
]


@pytest.mark.parametrize(("text", "kept", "errors"), CSV_CASES)
def test_csv_resynchronises_after_a_bad_row(text: str, kept: list[str], errors: list[tuple[int, str]]) -> None:
    items = list(read_csv(io.BytesIO(text.encode("utf-8")), {}, 10_000))
    assert [item.document.id for item in items if item.error is None] == kept
    bad = [(item.line, item.error) for item in items if item.error is not None]
    assert [line for line, _ in bad] == [line for line, _ in errors]
    for (_, reason), (_, expected) in zip(bad, errors, strict=True):
        assert expected in (reason or "")


def test_csv_with_a_byte_order_mark_ingests_line_one(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(BOM + b'"id","text"\n1,first\n2,second\n')
    report = ingest_input(store, path)
    assert (report.accepted, report.rejected) == (2, 0)


# --- query-check: a line that cannot be read is reported and skipped -------------------------------

runner = CliRunner()


@pytest.mark.parametrize(
    ("content", "kept", "skipped"),
    [
        (b'teen porn\n{"query": "\\ud800"}\nborscht recipe\n', ["teen porn", "borscht recipe"], [2]),
        (b"teen porn\n\xed\xa0\x80 escort\nborscht recipe\n", ["teen porn", "borscht recipe"], [2]),
        (b"\xff\xfe\nborscht recipe\n", ["borscht recipe"], [1]),
        (b'{"query": "x", "n": ' + HUGE.encode() + b"}\nborscht recipe\n", None, []),
        (BOM + b"borscht recipe\n", ["borscht recipe"], []),
        (b"borscht recipe\n\n", ["borscht recipe"], []),
    ],
    ids=["json-surrogate", "surrogate-bytes", "not-utf8", "huge-int-is-plain-text", "byte-order-mark", "blank-line"],
)
def test_query_check_skips_unreadable_lines(
    tmp_path: Path, content: bytes, kept: list[str] | None, skipped: list[int]
) -> None:
    path = tmp_path / "q.txt"
    path.write_bytes(content)
    result = runner.invoke(app, ["query-check", "-i", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == (1 if skipped else 0), result.output
    out = [json.loads(line)["query"] for line in result.stdout.splitlines() if line.strip()]
    if kept is not None:
        assert out == kept
    else:
        assert out[-1] == "borscht recipe" and len(out) == 2
    for line in skipped:
        assert f"{path}:{line}:" in result.stderr


def test_query_check_skips_an_argument_that_is_not_unicode() -> None:
    result = runner.invoke(app, ["query-check", "borscht recipe", "bad \udcff"])
    assert result.exit_code == 1
    assert [json.loads(line)["query"] for line in result.stdout.splitlines()] == ["borscht recipe"]
    assert "argument 2" in result.stderr

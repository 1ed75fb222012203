"""WARC input: a bad record is one rejection, a damaged archive is an error with its offset.

Records before the damage are kept; the install carries everything HTML extraction needs.
"""

from __future__ import annotations

import gzip
import io
import tomllib
from pathlib import Path

import pytest
import sqlalchemy as sa
from warc_support import PAGE, gzipped, http_block, pages, warc_record

from vigil.errors import FormatError
from vigil.ingest import ingest_input
from vigil.store import Store
from vigil.store.models import DocumentRow

ROOT = Path(__file__).resolve().parents[2]


def _ids(store: Store) -> list[str]:
    with store.session() as session:
        return sorted(row.url or "" for row in session.scalars(sa.select(DocumentRow)))


def test_an_html_response_is_extracted_end_to_end(store: Store, tmp_path: Path) -> None:
    """Fails when lxml_html_clean is missing: trafilatura cannot be imported without it."""
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(gzipped(pages(1)))
    report = ingest_input(store, path)
    assert report.to_json()["errors"] == []
    assert report.accepted == 1
    with store.session() as session:
        row = session.scalars(sa.select(DocumentRow)).one()
    assert "Szukamy pracowników do magazynu" in row.text
    assert "Menu Start Kontakt" not in row.text


def test_lxml_html_clean_is_a_declared_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {dep.split(">")[0].split("=")[0].split("<")[0].strip().lower() for dep in project["dependencies"]}
    assert "lxml_html_clean" in names
    constraints = (ROOT / "constraints.txt").read_text(encoding="utf-8").lower()
    assert "lxml_html_clean==" in constraints


DAMAGED = [
    # name, builder of the file, accepted, (line, words in the reason)
    pytest.param("crawl.warc.gz", lambda: gzipped(pages(3))[:-60], 2, (3, "truncated"), id="gz-cut-inside-last-record"),
    pytest.param("crawl.warc.gz", lambda: gzipped(pages(3))[:-4], 2, (3, "incomplete gzip"), id="gz-cut-in-trailer"),
    pytest.param("crawl.warc", lambda: b"".join(pages(3))[:-120], 2, (3, "cut short"), id="plain-cut"),
    pytest.param(
        "crawl.warc.gz",
        lambda: gzipped(pages(1)) + b"\x00" * 40 + gzipped(pages(2)),
        1,
        (2, "unreadable WARC data at byte"),
        id="gz-corrupted-middle",
    ),
    pytest.param(
        "crawl.warc",
        lambda: b"".join(pages(2)) + b"this is not a record\n",
        2,
        (3, "unreadable WARC data at byte"),
        id="plain-trailing-garbage",
    ),
]


@pytest.mark.parametrize(("name", "build", "accepted", "error"), DAMAGED)
def test_a_damaged_archive_keeps_what_came_before_and_says_where(
    store: Store, tmp_path: Path, name: str, build: object, accepted: int, error: tuple[int, str]
) -> None:
    path = tmp_path / name
    assert callable(build)
    path.write_bytes(build())
    report = ingest_input(store, path)
    assert report.accepted == accepted
    assert report.rejected == 1
    assert report.errors[0]["line"] == error[0]
    assert error[1] in report.errors[0]["reason"]
    assert len(_ids(store)) == accepted


def test_a_whole_archive_is_no_error(store: Store, tmp_path: Path) -> None:
    for name, data in [("a.warc.gz", gzipped(pages(3))), ("b.warc", b"".join(pages(3)))]:
        path = tmp_path / name
        path.write_bytes(data)
        report = ingest_input(store, path)
        assert (report.accepted, report.rejected) == (3, 0), report.errors


@pytest.mark.parametrize(
    ("records", "accepted", "errors"),
    [
        ([warc_record(http_block(PAGE), None, 1), *pages(1)], 1, [(1, "no WARC-Target-URI")]),
        ([*pages(1), warc_record(b"", None, 2, rec_type="warcinfo")], 1, []),
        ([warc_record(http_block(b"\x89PNG", "image/png"), "https://jobs.example/x.png", 1), *pages(1)], 1, []),
        (
            [warc_record(http_block(b"<html><body></body></html>"), "https://jobs.example/e", 1), *pages(1)],
            1,
            [(1, "no main text")],
        ),
    ],
)
def test_one_bad_record_is_one_rejection(
    store: Store, tmp_path: Path, records: list[bytes], accepted: int, errors: list[tuple[int, str]]
) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(gzipped(records))
    report = ingest_input(store, path)
    assert report.accepted == accepted
    assert [e["line"] for e in report.errors] == [line for line, _ in errors]
    for error, (_, reason) in zip(report.errors, errors, strict=True):
        assert reason in error["reason"]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("page.warc", b"<html><body>hi</body></html>\n", "is not a WARC file"),
        ("data.warc", b'{"id": "a", "text": "b"}\n', "is not a WARC file"),
        ("text.warc.gz", gzip.compress(b"hello world\n", mtime=0), "is not a WARC file"),
        ("blank.warc", b"\n\n\nfoo bar\n", "is not a WARC file"),
        ("noise.warc", bytes(range(256)) * 4, "is not a WARC file"),
        ("empty.warc", b"", "holds no WARC records"),
        ("newline.warc.gz", b"\n", "holds no WARC records"),
    ],
)
def test_a_file_that_is_not_a_warc_is_an_error(
    store: Store, tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(FormatError, match=reason):
        ingest_input(store, path)


def test_reading_the_raw_records_back_matches_the_evidence(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(gzipped(pages(2)))
    ingest_input(store, path)
    with store.session() as session:
        digests = [row.evidence_sha256 for row in session.scalars(sa.select(DocumentRow).order_by(DocumentRow.doc_id))]
    for digest in digests:
        assert digest is not None
        raw = gzip.GzipFile(fileobj=io.BytesIO(store.evidence.get(digest))).read()
        assert raw.startswith(b"WARC/1.0") and b"Szukamy" in raw

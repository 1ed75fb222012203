"""One input layer and one engine path for the batch commands.

``vigil analyze``, ``vigil link`` and ``vigil trends`` read every format ``vigil ingest``
reads (JSONL, CSV with ``--map``, WARC) through :mod:`vigil.ingest.readers`, and report a
bad record with its line as ingest does; ``vigil analyze`` runs on the batch engine with
``VIGIL_WORKERS`` and ``VIGIL_PARTITION_SIZE``, its options overriding them; linking's
limits come from the settings.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from warc_support import gzipped, http_block, pages, warc_record

from vigil.cli import app
from vigil.documents import Document
from vigil.errors import InputError
from vigil.link.config import FROM_SETTINGS, LinkConfig
from vigil.settings import Settings

JSONL_LINES = [
    {"id": "a", "text": "Praca w magazynie, tel 501 234 567", "posted_at": "2026-03-02T10:00:00Z"},
    {"id": "b"},
    {"id": "c", "text": "Робота в Польщі, пишіть у Вайбер", "posted_at": "2026-03-09T10:00:00Z"},
]
CSV_TEXT = (
    "ref,body,when,board\n"
    "a,\"Praca w magazynie, tel 501 234 567\",2026-03-02,jobs\n"
    "b,too few columns\n"
    "c,Робота в Польщі,2026-03-09,jobs\n"
)
CSV_MAP = "id=ref,text=body,posted_at=when"


def _jsonl(path: Path) -> tuple[Path, list[str]]:
    path = path / "in.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in JSONL_LINES), encoding="utf-8")
    return path, []


def _csv(path: Path) -> tuple[Path, list[str]]:
    path = path / "in.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    return path, ["--map", CSV_MAP]


def _warc(path: Path) -> tuple[Path, list[str]]:
    path = path / "in.warc.gz"
    first, second = pages(2)
    # record 2: a response without a target URI is one rejected record, as in ingest
    path.write_bytes(gzipped([first, warc_record(http_block(b"<p>x</p>"), None, 9), second]))
    return path, []


WARC_IDS = ["<urn:uuid:00000000-0000-4000-8000-000000000000>", "<urn:uuid:00000000-0000-4000-8000-000000000001>"]
INPUTS: list[tuple[str, Callable[[Path], tuple[Path, list[str]]], list[str], int, str]] = [
    ("jsonl", _jsonl, ["a", "c"], 2, "missing required field 'text'"),
    ("csv", _csv, ["a", "c"], 3, "row has 2 columns, the header has 4"),
    ("warc", _warc, WARC_IDS, 2, "no WARC-Target-URI"),
]


def _invoke(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(app, ["--data-dir", str(tmp_path / "data"), *args], env=env)


@pytest.mark.parametrize("command", ["analyze", "link"])
@pytest.mark.parametrize(("fmt", "write", "ids", "bad_line", "reason"), INPUTS, ids=[row[0] for row in INPUTS])
def test_analyze_and_link_read_every_ingest_format(
    tmp_path: Path,
    command: str,
    fmt: str,
    write: Callable[[Path], tuple[Path, list[str]]],
    ids: list[str],
    bad_line: int,
    reason: str,
) -> None:
    path, options = write(tmp_path)
    out = tmp_path / "out.jsonl"
    result = _invoke(tmp_path, command, str(path), "-o", str(out), *options)
    assert result.exit_code == 1, result.output
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ids
    assert f"rejected line {bad_line}: " in result.stderr and reason in result.stderr, result.stderr


@pytest.mark.parametrize(("fmt", "write", "ids", "bad_line", "reason"), INPUTS, ids=[row[0] for row in INPUTS])
def test_trends_reads_every_ingest_format(
    tmp_path: Path,
    fmt: str,
    write: Callable[[Path], tuple[Path, list[str]]],
    ids: list[str],
    bad_line: int,
    reason: str,
) -> None:
    path, options = write(tmp_path)
    result = _invoke(tmp_path, "trends", str(path), "--no-analyze", "-o", str(tmp_path / "alerts.jsonl"), *options)
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stderr.strip().splitlines()[-1])
    assert (summary["read"], summary["rejected"], summary["counted"]) == (3, 1, 2)
    assert f"line {bad_line}: " in result.stderr and reason in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("command", "args", "message"),
    [
        ("analyze", ["--format", "xml"], "unknown format 'xml'"),
        ("link", ["--format", "xml"], "unknown format 'xml'"),
        ("trends", ["--format", "xml"], "unknown format 'xml'"),
        ("analyze", ["--map", "colour=c"], "unknown field 'colour'"),
        ("link", ["--map", "text"], "bad --map entry"),
        ("trends", ["--map", "text"], "bad --map entry"),
    ],
)
def test_a_bad_format_or_mapping_is_refused_before_any_output(
    tmp_path: Path, command: str, args: list[str], message: str
) -> None:
    path, _ = _jsonl(tmp_path)
    out = tmp_path / "out.jsonl"
    result = _invoke(tmp_path, command, str(path), "-o", str(out), *args)
    assert isinstance(result.exception, InputError) and message in str(result.exception)
    assert not out.exists()


class _WhoAnalysed:
    """The real pipeline, plus the id of the process that ran it (forked workers inherit it)."""

    def __init__(self, pipeline: Callable[[Document], dict[str, Any]]) -> None:
        self.pipeline = pipeline

    def __call__(self, document: Document) -> dict[str, Any]:
        return {**self.pipeline(document), "pid": os.getpid()}


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="workers see the patched step only when forked")
@pytest.mark.parametrize(
    ("env", "options", "pooled"),
    [
        ({"VIGIL_WORKERS": "2", "VIGIL_PARTITION_SIZE": "3"}, [], True),
        ({"VIGIL_WORKERS": "2", "VIGIL_PARTITION_SIZE": "3"}, ["--workers", "1"], False),
        # one partition cannot be shared out, so it runs here
        ({"VIGIL_WORKERS": "2", "VIGIL_PARTITION_SIZE": "3"}, ["--partition-size", "100"], False),
        ({"VIGIL_WORKERS": "1", "VIGIL_PARTITION_SIZE": "3"}, [], False),
        ({"VIGIL_WORKERS": "1", "VIGIL_PARTITION_SIZE": "100"}, ["--workers", "2", "--partition-size", "3"], True),
    ],
)
def test_analyze_honours_workers_and_partition_settings_with_options_overriding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], options: list[str], pooled: bool
) -> None:
    import vigil.cli.analyze as analyze_cli

    real = analyze_cli._pipeline_for(Settings())
    monkeypatch.setattr(analyze_cli, "_pipeline_for", lambda _settings: _WhoAnalysed(real))
    docs = [{"id": f"d{n:02d}", "text": f"Praca w magazynie nr {n}"} for n in range(12)]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = _invoke(tmp_path, "analyze", str(path), "-o", str(out), *options, env=env)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == [d["id"] for d in docs]
    pids = [line["pid"] for line in lines]
    if not pooled:
        assert set(pids) == {os.getpid()}
        return
    assert os.getpid() not in pids
    # a partition of three documents goes to one worker
    assert all(len(set(pids[i : i + 3])) == 1 for i in range(0, len(pids), 3))


def test_every_link_setting_reaches_the_link_config() -> None:
    names = {name.removeprefix("link_") for name in Settings.model_fields if name.startswith("link_")}
    assert names == set(FROM_SETTINGS)
    assert LinkConfig() == LinkConfig.from_settings(Settings())
    changed = Settings(
        link_max_identifier_docs=7,
        link_max_identifier_share=0.5,
        link_template_threshold=0.9,
        link_template_min_shingles=2,
        link_generic_shingle_share=0.25,
        link_common_min_docs=3,
        link_bucket_representatives=9,
    )
    config = LinkConfig.from_settings(changed)
    assert all(getattr(config, name) == getattr(changed, f"link_{name}") for name in FROM_SETTINGS)
    assert all(getattr(config, name) != getattr(LinkConfig(), name) for name in FROM_SETTINGS)

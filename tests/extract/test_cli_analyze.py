"""``vigil analyze``: JSONL in, one analysis per valid line out, rejected lines on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vigil.cli import app

DOCUMENTS = [
    {"id": "a1", "lang": "pl", "kind": "job_ad", "text": "Praca w Niemczech, 2000 EUR, tel. 501 234 567"},
    {"id": "a2", "kind": "sex_ad", "text": "New girl 🇺🇦 19 yo, call +44 7911 123456", "title": "Anna"},
    {"id": "a3", "text": "Меня зовут Алина, мне 20 лет. Работаю в Берлине, пишите в Вайбер +380 67 123 4567"},
]


def _write_input(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_analyzes_every_valid_line_and_reports_the_rest(runner: CliRunner, tmp_path: Path) -> None:
    lines = [json.dumps(DOCUMENTS[0]), "not json", json.dumps({"id": "no-text"}), "", json.dumps(DOCUMENTS[1])]
    source = _write_input(tmp_path / "in.jsonl", lines)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["analyze", str(source), "-o", str(out)])
    assert result.exit_code == 1
    analyses = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [a["id"] for a in analyses] == ["a1", "a2"]
    assert analyses[0]["entities"]["phones"] == ["+48501234567"]
    assert "line 2" in result.stderr and "line 3" in result.stderr and "missing required field 'text'" in result.stderr
    assert "line 4" not in result.stderr  # a blank line is not an error


def test_reads_stdin_and_writes_stdout(runner: CliRunner) -> None:
    stdin = "\n".join(json.dumps(d) for d in DOCUMENTS) + "\n"
    result = runner.invoke(app, ["analyze", "-"], input=stdin)
    assert result.exit_code == 0, result.stderr
    analyses = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["id"] for a in analyses] == ["a1", "a2", "a3"]
    assert analyses[2]["lang"] == "ru"


def test_worker_pool_keeps_input_order(runner: CliRunner, tmp_path: Path) -> None:
    documents = [dict(d, id=f"{d['id']}-{i}") for i in range(6) for d in DOCUMENTS]
    source = _write_input(tmp_path / "in.jsonl", [json.dumps(d) for d in documents])
    single = runner.invoke(app, ["analyze", str(source)])
    pooled = runner.invoke(app, ["analyze", str(source), "--workers", "2", "--partition-size", "4"])
    assert single.exit_code == 0 and pooled.exit_code == 0, pooled.stderr
    assert pooled.stdout == single.stdout
    assert [json.loads(line)["id"] for line in pooled.stdout.splitlines()] == [d["id"] for d in documents]


def test_missing_file_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", str(tmp_path / "nope.jsonl")])
    assert result.exit_code != 0

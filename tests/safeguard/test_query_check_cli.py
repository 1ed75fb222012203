"""``vigil query-check`` and ``vigil eval queries`` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from vigil.cli import app

runner = CliRunner()


def lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_arguments_in_order() -> None:
    result = runner.invoke(app, ["query-check", "ukrainian escort", "ford escort", "робота в польщі"])
    assert result.exit_code == 0, result.output
    out = lines(result.stdout)
    assert [o["query"] for o in out] == ["ukrainian escort", "ford escort", "робота в польщі"]
    assert [o["category"] for o in out] == ["exploitation", "neutral", "at_risk"]
    assert out[1]["message"] is None
    assert set(out[0]) == {"query", "lang", "category", "action", "message", "reasons"}


def test_file_plain_and_jsonl_and_stdin(tmp_path: Path) -> None:
    path = tmp_path / "q.txt"
    path.write_text(
        'teen porn\n\n{"query": "jobs for ukrainian refugees", "id": 7}\nborscht recipe\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["query-check", "-i", str(path)])
    assert result.exit_code == 0, result.output
    assert [o["category"] for o in lines(result.stdout)] == ["exploitation", "at_risk", "neutral"]
    piped = runner.invoke(app, ["query-check", "-i", "-"], input="ukrainki roksa\n")
    assert lines(piped.stdout)[0]["lang"] == "pl"


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["query-check"])
    assert result.exit_code != 0
    missing = runner.invoke(app, ["query-check", "-i", str(tmp_path / "nope.txt")])
    assert missing.exit_code != 0
    assert "Traceback" not in missing.output


def test_eval_queries_json() -> None:
    data = Path(__file__).resolve().parents[1] / "data" / "queries_labelled.jsonl"
    result = runner.invoke(app, ["eval", "queries", str(data), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["goals_met"] is True
    assert set(report["by_lang"]) >= {"uk", "ru", "en", "lt"}

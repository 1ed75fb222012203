"""The command line as a user runs it: a real subprocess, stdout for data, stderr for messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

VIGIL = [sys.executable, "-m", "vigil.cli"]


def run(args: list[str], data_dir: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*VIGIL, "--data-dir", str(data_dir), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_ingest_json_summary_and_exit_status(tmp_path: Path) -> None:
    path = tmp_path / "ads.jsonl"
    path.write_text(
        '{"id": "a", "text": "Робота в Польщі"}\n{"id": "b"}\n{"id": "c", "text": "ok", "kind": "job_ad"}\n',
        encoding="utf-8",
    )
    first = run(["ingest", str(path), "--json"], tmp_path / "data")
    assert first.returncode == 1
    summary = json.loads(first.stdout.strip().splitlines()[-1])
    processing = summary.pop("processing")
    assert (processing["analysed"], processing["failed"]) == (2, 0)
    assert summary == {
        "accepted": 2,
        "rejected": 1,
        "duplicates": 0,
        "errors": [{"line": 2, "reason": "missing required field 'text'"}],
    }
    clean = tmp_path / "clean.jsonl"
    clean.write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    second = run(["ingest", str(clean), "--json", "--source", "ads.jsonl"], tmp_path / "data")
    assert second.returncode == 0
    assert json.loads(second.stdout)["duplicates"] == 1


def test_ingest_from_stdin(tmp_path: Path) -> None:
    result = run(["ingest", "-", "--json"], tmp_path / "data", stdin='{"id": "1", "text": "hello"}\n')
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["accepted"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "missing.jsonl"], "no such file"),
        (["ingest", "x.txt"], "cannot tell the format"),
        (["ingest", "--map", "text", "a.csv"], "bad --map entry"),
    ],
)
def test_input_errors_are_one_line_messages(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "x.txt").write_text("{}\n")
    (tmp_path / "a.csv").write_text("id,text\n1,x\n")
    result = subprocess.run(
        [*VIGIL, "--data-dir", str(tmp_path / "d"), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_every_command_has_help() -> None:
    from typer.main import get_command
    from typer.testing import CliRunner

    from vigil.cli import app

    runner = CliRunner()
    stack: list[tuple[list[str], object]] = [([], get_command(app))]
    seen = 0
    while stack:
        path, command = stack.pop()
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage" in result.output
        seen += 1
        for name, sub in getattr(command, "commands", {}).items():
            stack.append(([*path, name], sub))
    assert seen >= 5


def test_starting_the_command_line_stays_cheap() -> None:
    """Heavy libraries load when a command needs them, not when ``vigil`` starts."""
    code = (
        "import sys, vigil.cli; "
        "heavy = {'scipy', 'matplotlib', 'fastapi', 'sklearn', 'dask', 'distributed', 'trafilatura', 'pyarrow'}; "
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "[]"


def test_demo_is_safe_to_run_twice(tmp_path: Path) -> None:
    first = run(["demo", "--weeks", "4"], tmp_path / "data")
    assert first.returncode == 0, first.stderr
    second = run(["demo", "--weeks", "4"], tmp_path / "data")
    assert second.returncode == 0, second.stderr
    assert "0 new" in second.stderr

"""`vigil analyze` gives byte-identical output in-process, on a process pool and on Dask."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vigil.cli import app
from vigil.demo import generate_corpus


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("engines") / "docs.jsonl"
    docs = generate_corpus(weeks=4, ads_per_week=15, networks=2).documents
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path


def analyze(path: Path, tmp_path: Path, *options: str) -> str:
    out = tmp_path / f"out{'-'.join(options)}.jsonl"
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "analyze", str(path), "-o", str(out), *options])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


@pytest.mark.slow
def test_local_pool_and_dask_give_identical_output(corpus_file: Path, tmp_path: Path) -> None:
    in_process = analyze(corpus_file, tmp_path)
    lines = in_process.splitlines()
    assert len(lines) == len(corpus_file.read_text(encoding="utf-8").splitlines())
    assert all(json.loads(line)["risk"]["level"] in {"high", "medium", "low"} for line in lines)
    assert analyze(corpus_file, tmp_path, "--workers", "2", "--partition-size", "7") == in_process
    assert analyze(corpus_file, tmp_path, "--engine", "dask", "--workers", "2", "--partition-size", "7") == in_process


def test_unknown_engine_is_refused(corpus_file: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "analyze", str(corpus_file), "--engine", "spark"])
    assert result.exit_code != 0

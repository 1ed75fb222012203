"""The reports benchmark still runs end to end: a real ``vigil serve``, concurrent submitters, the store check."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from bench_modules import load_bench


def _bench() -> ModuleType:
    return load_bench("reports")


def test_store_check_finds_missing_and_duplicated_receipts(tmp_path: Path) -> None:
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'r.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE reports (receipt TEXT)"))
        conn.execute(sa.text("INSERT INTO reports VALUES ('A'), ('B'), ('B')"))
    engine.dispose()
    check = _bench().check_store(url, ["A", "B", "C", "A"])
    assert check == {"accepted": 4, "distinct": 3, "stored": 3, "missing": 1, "duplicated": 1}


@pytest.mark.slow
def test_reports_benchmark_runs_briefly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = _bench().main(["--clients", "5", "--duration", "2", "--data-dir", str(tmp_path), "--postgres", ""])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "reports/s:" in out and "p95" in out
    assert "every 201 stored exactly once: yes" in out
    assert "'missing': 0, 'duplicated': 0" in out

"""The web load benchmark still runs end to end: a real ``vigil serve``, analysts, the adversary, figures."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from bench_modules import load_bench


def _bench() -> ModuleType:
    return load_bench("load")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], {"n": 0}),
        ([0.001], {"n": 1, "p50": 1.0, "p95": 1.0, "p99": 1.0, "max": 1.0}),
        ([i / 1000 for i in range(1, 101)], {"n": 100, "p50": 50.0, "p95": 95.0, "p99": 99.0, "max": 100.0}),
        ([i / 1000 for i in range(100, 0, -1)], {"n": 100, "p50": 50.0, "p95": 95.0, "p99": 99.0, "max": 100.0}),
    ],
)
def test_percentiles_are_nearest_rank_in_milliseconds(values: list[float], expected: dict[str, float]) -> None:
    figures = _bench().percentiles(values)
    assert figures == pytest.approx(expected)


@pytest.mark.slow
def test_load_benchmark_runs_briefly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bench = _bench()
    bench.main(["--documents", "100", "--clients", "3", "--duration", "2", "--warmup", "0", "--workers", "1", "--data-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert "analysts without adversary  n=" in out
    assert "analysts with adversary     n=" in out
    assert "p99 with / without: " in out
    assert "adversary by request:" in out
    # The adversary reached the server: the hostile documents' pages are in its figures.
    assert "hostile document page" in out
    assert "analyst errors without adversary: 0" in out

"""The matching benchmark still runs end to end and finds exactly its planted overlap."""

from __future__ import annotations

from types import ModuleType

from bench_modules import load_bench


def _bench() -> ModuleType:
    return load_bench("share")


def test_small_run_matches_exactly_the_planted_overlap() -> None:
    result = _bench().run(3_000, 37, seed=1)
    assert result["exact"] and result["matched"] == 37
    assert result["within_goal"]

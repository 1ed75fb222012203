"""The matching benchmark still runs end to end and finds exactly its planted overlap."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench" / "share.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vigil_bench_share", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_small_run_matches_exactly_the_planted_overlap() -> None:
    result = _bench().run(3_000, 37, seed=1)
    assert result["exact"] and result["matched"] == 37
    assert result["within_goal"]

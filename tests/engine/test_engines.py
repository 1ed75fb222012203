"""Both engines give the same results in the same order; Dask runs on a real LocalCluster."""

from __future__ import annotations

import pytest

from vigil.engine import DaskEngine, LocalEngine, create_engine, partitioned
from vigil.errors import ConfigError
from vigil.settings import load_settings


def word_count(text: str) -> int:
    return len(text.split())


TEXTS = [f"ad number {i} " + "word " * (i % 7) for i in range(203)]
EXPECTED = [word_count(t) for t in TEXTS]


@pytest.mark.parametrize("size", [1, 10, 203, 500])
def test_partitioned_keeps_order_and_items(size: int) -> None:
    parts = list(partitioned(TEXTS, size))
    assert all(0 < len(p) <= size for p in parts)
    assert [t for p in parts for t in p] == TEXTS


@pytest.mark.parametrize("workers", [1, 2])
def test_local_engine(workers: int) -> None:
    engine = LocalEngine(workers=workers)
    try:
        out = [r for part in engine.map_partitions(word_count, partitioned(TEXTS, 17)) for r in part]
    finally:
        engine.close()
    assert out == EXPECTED


@pytest.mark.slow
def test_dask_engine_on_a_local_cluster_matches_local() -> None:
    engine = DaskEngine(workers=2)
    try:
        out = [r for part in engine.map_partitions(word_count, partitioned(TEXTS, 17)) for r in part]
    finally:
        engine.close()
    assert out == EXPECTED


def test_unknown_engine_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        create_engine(load_settings(), name="spark")

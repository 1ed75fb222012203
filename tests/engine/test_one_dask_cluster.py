"""The test run starts one Dask LocalCluster for its Dask tests (the ``dask_cluster`` fixture of tests/conftest.py).

Each start costs seconds of the machine's cores; a test module that wants a cluster asks
for ``dask_cluster`` or ``dask_client``. Tests that check how Vigil starts a cluster of its
own (an engine without a scheduler address) do that through Vigil, not through LocalCluster.
"""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_only_the_shared_fixture_starts_a_local_cluster() -> None:
    starting = sorted(
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("*.py")
        if path != Path(__file__).resolve() and "LocalCluster(" in path.read_text(encoding="utf-8")
    )
    assert starting == ["conftest.py"]

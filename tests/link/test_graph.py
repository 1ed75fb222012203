from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.link.clusters import cluster_id, cluster_ids
from vigil.link.graph import union_find


def _brute_force(size: int, edges: list[tuple[int, int]]) -> list[int]:
    label = list(range(size))
    changed = True
    while changed:
        changed = False
        for a, b in edges:
            low = min(label[a], label[b])
            if label[a] != low or label[b] != low:
                label[a] = label[b] = low
                changed = True
    return label


@pytest.mark.parametrize(
    ("size", "edges", "roots"),
    [
        (0, [], []),
        (3, [], [0, 1, 2]),
        (4, [(3, 2), (2, 1)], [0, 1, 1, 1]),
        (5, [(4, 0), (3, 1)], [0, 1, 2, 1, 0]),
        (6, [(5, 4), (4, 3), (3, 2), (2, 1), (1, 0)], [0] * 6),
        (4, [(1, 1), (2, 3), (3, 2)], [0, 1, 2, 2]),
    ],
)
def test_union_find_table(size: int, edges: list[tuple[int, int]], roots: list[int]) -> None:
    left = np.asarray([a for a, _ in edges], dtype=np.int64)
    right = np.asarray([b for _, b in edges], dtype=np.int64)
    assert union_find(size, left, right).tolist() == roots


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40).flatmap(lambda n: st.tuples(st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=80))))
def test_union_find_matches_brute_force(case: tuple[int, list[tuple[int, int]]]) -> None:
    size, edges = case
    left = np.asarray([a for a, _ in edges], dtype=np.int64)
    right = np.asarray([b for _, b in edges], dtype=np.int64)
    assert union_find(size, left, right).tolist() == _brute_force(size, edges)


def test_cluster_ids_are_stable_and_null_for_singletons() -> None:
    ids = ["b", "a", "c", "d"]
    roots = np.asarray([0, 0, 2, 3], dtype=np.int64)
    assert cluster_ids(ids, roots) == [cluster_id("a"), cluster_id("a"), None, None]
    # the id depends on the smallest member, not on order or root index
    assert cluster_ids(["a", "b"], np.asarray([0, 0])) == cluster_ids(["b", "a"], np.asarray([0, 0]))
    assert cluster_id("a").startswith("c-") and cluster_id("a") != cluster_id("b")

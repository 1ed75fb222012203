"""Union-find over link edges, vectorised: each document's root is the smallest index in its cluster."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]


def union_find(size: int, left: I64, right: I64) -> I64:
    """Root of every node ``0..size-1`` after uniting each ``left[i]`` with ``right[i]``.

    Hooking the larger root under the smaller one, then halving paths by pointer jumping,
    repeated until no edge joins two roots: a handful of numpy passes even for millions of
    edges, and the root of a cluster is its smallest member, whatever the edge order.
    """
    parent = np.arange(size, dtype=np.int64)
    if size == 0 or len(left) == 0:
        return parent
    a = np.asarray(left, dtype=np.int64)
    b = np.asarray(right, dtype=np.int64)
    while True:
        ra = parent[a]
        rb = parent[b]
        differ = ra != rb
        if not differ.any():
            return parent
        low = np.minimum(ra[differ], rb[differ])
        high = np.maximum(ra[differ], rb[differ])
        np.minimum.at(parent, high, low)
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
        # edges already inside one cluster need no further passes
        a = a[differ]
        b = b[differ]

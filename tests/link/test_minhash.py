from __future__ import annotations

import numpy as np
import pytest

from vigil.link.config import BANDS, PERMUTATIONS
from vigil.link.minhash import ShingleBatch, band_keys, drop_generic, estimated_jaccard, shingle_batch, signatures

SLOT = np.array([7], dtype=np.uint32)


def test_shingles_deduplicate_and_skip_slot_only_runs() -> None:
    tokens = [
        np.array([1, 2, 3, 1, 2, 3], dtype=np.uint32),  # the 3-gram (1,2,3) twice: counted once
        np.array([7, 7, 7, 4], dtype=np.uint32),  # (7,7,7) is only slots: dropped
        np.array([5, 6], dtype=np.uint32),  # shorter than a shingle
    ]
    batch = shingle_batch(tokens, SLOT, 3)
    per_doc = np.bincount(batch.doc, minlength=3).tolist()
    assert per_doc == [3, 1, 0]  # (1,2,3) (2,3,1) (3,1,2); (7,7,4)
    # shingles never span two documents
    assert batch.size == 3


@pytest.mark.parametrize("jaccard", [0.2, 0.5, 0.8])
def test_estimated_jaccard_is_unbiased(jaccard: float) -> None:
    rng = np.random.default_rng(1)
    size = 60
    common = round(jaccard * 2 * size / (1 + jaccard))
    estimates = []
    for _ in range(100):
        pool = rng.integers(0, 2**63, size=2 * size, dtype=np.uint64)
        left, right = pool[:size], np.r_[pool[:common], pool[size : 2 * size - common]]
        batch = ShingleBatch(2, np.repeat(np.arange(2, dtype=np.int32), size), np.r_[np.sort(left), np.sort(right)])
        _, sigs = signatures(batch, 1)
        estimates.append(float(estimated_jaccard(sigs[:1], sigs[1:])[0]))
    true = common / (2 * size - common)
    assert abs(np.mean(estimates) - true) < 0.03


def test_identical_texts_share_every_band_and_short_texts_get_no_signature() -> None:
    hashes = np.arange(1, 21, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    batch = ShingleBatch(3, np.r_[np.zeros(20, np.int32), np.ones(20, np.int32), np.full(3, 2, np.int32)], np.r_[hashes, hashes, hashes[:3]])
    positions, sigs = signatures(batch, 8)
    assert positions.tolist() == [0, 1]
    assert sigs.shape == (2, PERMUTATIONS)
    keys = band_keys(sigs)
    assert keys.shape == (2, BANDS) and (keys[0] == keys[1]).all()


def test_generic_shingles_are_dropped_by_frequency() -> None:
    batch = ShingleBatch(1, np.zeros(2, np.int32), np.array([3, 4], dtype=np.uint64))
    sketch = np.zeros(1 << 22, dtype=np.uint32)
    sketch[3] = 500
    kept = drop_generic(batch, sketch, limit=100)
    assert kept.hashes.tolist() == [4]

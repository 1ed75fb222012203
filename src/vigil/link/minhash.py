"""Shingles, document frequency, MinHash signatures and LSH band keys, vectorised with numpy.

A batch of documents is handled as flat arrays (all token hashes end to end, plus the
document each belongs to), so the per-document Python cost is only tokenising; the
hashing, de-duplication and minimum-taking run in numpy. ``datasketch`` computes such
signatures one document at a time, over a hundred times slower (``bench/link_minhash.py``).

Hashes are multiply-shift over 64-bit words (wrap-around arithmetic is intended).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from vigil.link.config import BANDS, DF_SKETCH_BITS, PERMUTATIONS, ROWS

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]

_SEED: Final = 0x5EED_1C11
_MIX1: Final = np.uint64(0xBF58476D1CE4E5B9)
_MIX2: Final = np.uint64(0x94D049BB133111EB)
_SHINGLE_MULT: Final = np.uint64(0x9E3779B97F4A7C15)
_SKETCH_MASK: Final = np.uint64((1 << DF_SKETCH_BITS) - 1)
#: Shingles hashed per pass of the permutation loop (bounds temporary memory).
_CHUNK_ROWS: Final = 1 << 22


def _permutation_params() -> tuple[U32, U32]:
    rng = np.random.Generator(np.random.PCG64(_SEED))
    xors = rng.integers(0, 1 << 32, size=PERMUTATIONS, dtype=np.uint64).astype(np.uint32)
    mults = rng.integers(0, 1 << 32, size=PERMUTATIONS, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
    return xors, mults


# xor-then-multiply by an odd constant is a bijection of 32-bit words; applied to already
# mixed shingle hashes it gives unbiased Jaccard estimates at half the memory traffic of
# 64-bit arithmetic, which is what bounds this loop.
_XORS, _MULTS = _permutation_params()
_BAND_MULTS: Final = np.random.Generator(np.random.PCG64(_SEED + 1)).integers(
    1, np.iinfo(np.int64).max, size=(BANDS, ROWS), dtype=np.uint64
) | np.uint64(1)


def _mix(values: U64) -> U64:
    """splitmix64 finaliser: spreads structured inputs over all 64 bits."""
    x = values ^ (values >> np.uint64(30))
    x = x * _MIX1
    x ^= x >> np.uint64(27)
    x = x * _MIX2
    x ^= x >> np.uint64(31)
    return x


@dataclass(frozen=True, slots=True)
class ShingleBatch:
    """Distinct shingle hashes of a batch: ``hashes[i]`` belongs to document ``doc[i]`` (sorted by doc)."""

    size: int
    doc: I32
    hashes: U64


def shingle_batch(
    tokens: Sequence[U32], slot_hashes: U32, width: int
) -> ShingleBatch:
    """Word ``width``-gram hashes per document, de-duplicated; shingles made only of slots are dropped."""
    size = len(tokens)
    lengths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=size)
    if size == 0 or int(lengths.sum()) == 0:
        return ShingleBatch(size, np.zeros(0, np.int32), np.zeros(0, np.uint64))
    flat32 = np.concatenate(tokens)
    slots = np.isin(flat32, slot_hashes)
    flat = flat32.astype(np.uint64)
    doc_of = np.repeat(np.arange(size, dtype=np.int32), lengths)
    ends = np.cumsum(lengths)
    count = len(flat) - width + 1
    if count <= 0:
        return ShingleBatch(size, np.zeros(0, np.int32), np.zeros(0, np.uint64))
    hashes = np.zeros(count, dtype=np.uint64)
    all_slots = np.ones(count, dtype=np.bool_)
    for offset in range(width):
        hashes = hashes * _SHINGLE_MULT + flat[offset : offset + count]
        all_slots &= slots[offset : offset + count]
    start_doc = doc_of[:count]
    # a shingle is whole when its last token is in the same document as its first
    whole = np.arange(count, dtype=np.int64) + width <= ends[start_doc]
    keep = whole & ~all_slots
    doc = start_doc[keep]
    hashes = _mix(hashes[keep])
    order = np.lexsort((hashes, doc))
    doc = doc[order]
    hashes = hashes[order]
    if len(doc):
        fresh = np.ones(len(doc), dtype=np.bool_)
        fresh[1:] = (doc[1:] != doc[:-1]) | (hashes[1:] != hashes[:-1])
        doc = doc[fresh]
        hashes = hashes[fresh]
    return ShingleBatch(size, doc, hashes)


def sketch_counts(batch: ShingleBatch) -> npt.NDArray[np.uint32]:
    """Document-frequency increments of a batch for the shingle sketch."""
    slots = (batch.hashes & _SKETCH_MASK).astype(np.int64)
    return np.bincount(slots, minlength=1 << DF_SKETCH_BITS).astype(np.uint32)


def empty_sketch() -> npt.NDArray[np.uint32]:
    return np.zeros(1 << DF_SKETCH_BITS, dtype=np.uint32)


def drop_generic(batch: ShingleBatch, sketch: npt.NDArray[np.uint32], limit: int) -> ShingleBatch:
    """The batch without shingles whose (over-)estimated document frequency exceeds ``limit``."""
    specific = sketch[(batch.hashes & _SKETCH_MASK).astype(np.int64)] <= limit
    return ShingleBatch(batch.size, batch.doc[specific], batch.hashes[specific])


def signatures(batch: ShingleBatch, min_shingles: int) -> tuple[I64, U32]:
    """MinHash signatures of the documents with at least ``min_shingles`` distinct shingles.

    Returns the batch positions of those documents and their ``(n, PERMUTATIONS)`` signatures.
    """
    counts = np.bincount(batch.doc, minlength=batch.size)
    eligible = np.flatnonzero(counts >= min_shingles)
    if len(eligible) == 0:
        return eligible.astype(np.int64), np.zeros((0, PERMUTATIONS), dtype=np.uint32)
    keep = counts[batch.doc] >= min_shingles
    doc = batch.doc[keep]
    hashes = batch.hashes[keep]
    hashes32 = (hashes >> np.uint64(32)).astype(np.uint32)
    # documents are contiguous in ``doc``; cut chunks on document boundaries
    starts = np.flatnonzero(np.r_[True, doc[1:] != doc[:-1]])
    out = np.empty((PERMUTATIONS, len(eligible)), dtype=np.uint32)
    first_doc = 0
    while first_doc < len(starts):
        begin = starts[first_doc]
        last_doc = max(int(np.searchsorted(starts, begin + _CHUNK_ROWS, side="left")), first_doc + 1)
        end = starts[last_doc] if last_doc < len(starts) else len(doc)
        block = hashes32[begin:end]
        offsets = starts[first_doc:last_doc] - begin
        buffer = np.empty(len(block), dtype=np.uint32)
        for k in range(PERMUTATIONS):
            np.bitwise_xor(block, _XORS[k], out=buffer)
            np.multiply(buffer, _MULTS[k], out=buffer)
            out[k, first_doc:last_doc] = np.minimum.reduceat(buffer, offsets)
        first_doc = last_doc
    return eligible.astype(np.int64), np.ascontiguousarray(out.T)


def band_keys(sigs: U32) -> npt.NDArray[np.int64]:
    """``(n, BANDS)`` LSH keys: one hash of each band's ``ROWS`` signature values (as signed int64)."""
    shaped = sigs.reshape(len(sigs), BANDS, ROWS).astype(np.uint64)
    keys = np.zeros((len(sigs), BANDS), dtype=np.uint64)
    for row in range(ROWS):
        keys = keys * _SHINGLE_MULT + shaped[:, :, row] * _BAND_MULTS[None, :, row]
    return _mix(keys).view(np.int64)


def estimated_jaccard(left: U32, right: U32) -> npt.NDArray[np.float64]:
    """Row-wise share of equal signature values (the MinHash estimate of Jaccard similarity)."""
    if len(left) == 0:
        return np.zeros(0, dtype=np.float64)
    equal: npt.NDArray[np.float64] = (left == right).mean(axis=1)
    return equal

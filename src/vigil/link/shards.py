"""The work of one partition, shard or group in a Dask linking run (:mod:`vigil.link.distributed`).

Pure functions of numpy arrays and document ids, shipped to the workers as tasks; what
they return stays on the worker that computed it until a later task asks for it. A
document is numbered ``partition << POSITION_BITS | position``: input order, as the local
engine numbers documents, known without waiting for earlier partitions.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from vigil.link import minhash
from vigil.link.config import BANDS, PERMUTATIONS
from vigil.link.features import DISPLAY_ONLY_KINDS, SLOT_HASHES, identifier_kind
from vigil.link.graph import union_find
from vigil.link.prepare import EntityExtractor, Rejected, prepare

I64 = npt.NDArray[np.int64]
U32 = npt.NDArray[np.uint32]
Pairs = tuple[I64, I64]
SignedPairs = tuple[I64, I64, U32]
Names = tuple[I64, npt.NDArray[np.object_]]

#: Bits of a document index that hold its position in its partition.
POSITION_BITS: Final = 32


# -- what stays on the workers ---------------------------------------------------------------


@dataclass(slots=True)
class Part:
    """One partition after preparation."""

    part: int
    ids: list[str]
    key_docs: I64
    keys: list[str]
    shingles: minhash.ShingleBatch
    rejected: list[Rejected]


@dataclass(slots=True)
class Documents:
    """What a partition keeps once its keys are out: its number and document ids."""

    part: int
    ids: list[str]


@dataclass(slots=True)
class Signatures:
    """Signatures of some documents, by ascending document index."""

    index: I64
    sigs: U32


@dataclass(slots=True)
class Keyed:
    signatures: Signatures
    #: per shard: identifier keys and their documents
    identifiers: list[tuple[list[str], I64]]
    #: per shard: band, band key, document
    bands: list[tuple[npt.NDArray[np.int8], I64, I64]]


@dataclass(slots=True)
class Forest:
    """Each linked node (sorted) and the smallest node of its component."""

    nodes: I64
    roots: I64

    def lookup(self, nodes: I64) -> tuple[I64, npt.NDArray[np.bool_]]:
        """Root of each of ``nodes`` (the node itself when absent), and which were present."""
        if len(self.nodes) == 0:
            return nodes.copy(), np.zeros(len(nodes), np.bool_)
        at = np.minimum(np.searchsorted(self.nodes, nodes), len(self.nodes) - 1)
        found = self.nodes[at] == nodes
        return np.where(found, self.roots[at], nodes), found


def empty() -> I64:
    return np.zeros(0, np.int64)


def cat(arrays: Sequence[I64]) -> I64:
    return np.concatenate(arrays).astype(np.int64, copy=False) if arrays else empty()


def cat_sigs(arrays: Sequence[U32]) -> U32:
    return np.concatenate(arrays) if arrays else np.zeros((0, PERMUTATIONS), np.uint32)


def group_of(index: I64, groups: int) -> I64:
    """The group of a document: its partition modulo the group count."""
    group: I64 = (index >> POSITION_BITS) % groups
    return group


def doc_index(part: int, positions: I64) -> I64:
    return positions.astype(np.int64) + (part << POSITION_BITS)


# -- tasks ------------------------------------------------------------------------------------


def prepare_part(part: int, items: list[tuple[int, object]], extractor: EntityExtractor, shingle_size: int) -> Part:
    ids: list[str] = []
    keys: list[str] = []
    key_docs: list[int] = []
    tokens: list[U32] = []
    rejected: list[Rejected] = []
    for item in prepare(items, extractor, workers=1, keep_text=False):
        if isinstance(item, Rejected):
            rejected.append(item)
            continue
        for key in item.identifiers:
            if identifier_kind(key) not in DISPLAY_ONLY_KINDS:
                keys.append(key)
                key_docs.append(len(ids))
        ids.append(item.id)
        tokens.append(item.tokens)
    shingles = minhash.shingle_batch(tokens, SLOT_HASHES, shingle_size)
    return Part(part, ids, doc_index(part, np.asarray(key_docs, np.int64)), keys, shingles, rejected)


def summary(part: Part) -> tuple[int, list[Rejected]]:
    return len(part.ids), part.rejected


def partial_sketch(part: Part) -> tuple[I64, U32]:
    # sparse: a partition touches a small share of the sketch's counters
    dense = minhash.sketch_counts(part.shingles)
    slots = np.flatnonzero(dense)
    return slots, dense[slots]


def sum_sketches(parts: list[tuple[I64, U32] | U32]) -> U32:
    total = minhash.empty_sketch()
    for part in parts:
        if isinstance(part, tuple):
            total[part[0]] += part[1]
        else:
            total += part
    return total


def key_part(part: Part, sketch: U32, generic_limit: int, min_shingles: int, shards: int) -> Keyed:
    positions, sigs = minhash.signatures(minhash.drop_generic(part.shingles, sketch, generic_limit), min_shingles)
    index = doc_index(part.part, positions)
    keys = minhash.band_keys(sigs).reshape(-1)
    band = np.tile(np.arange(BANDS, dtype=np.int8), len(index))
    doc = np.repeat(index, BANDS)
    band_shard = (keys.view(np.uint64) % np.uint64(shards)).astype(np.int64)
    key_shard = [zlib.crc32(key.encode("utf-8")) % shards for key in part.keys]
    identifiers: list[tuple[list[str], I64]] = []
    bands: list[tuple[npt.NDArray[np.int8], I64, I64]] = []
    shard_of_key = np.asarray(key_shard, dtype=np.int64)
    for shard in range(shards):
        chosen = band_shard == shard
        bands.append((band[chosen], keys[chosen], doc[chosen]))
        identifiers.append(
            ([k for k, s in zip(part.keys, key_shard, strict=True) if s == shard], part.key_docs[shard_of_key == shard])
        )
    return Keyed(Signatures(index, sigs), identifiers, bands)


def documents_of(part: Part) -> Documents:
    return Documents(part.part, part.ids)


def signatures_of(keyed: Keyed) -> Signatures:
    return keyed.signatures


def pick(keyed: Keyed, name: str, shard: int) -> Any:
    return getattr(keyed, name)[shard]


def route(target: I64, groups: int, *columns: Any) -> list[Any]:
    return [tuple(column[target == group] for column in columns) for group in range(groups)]


def identifier_links(pieces: list[tuple[list[str], I64]], limit: int, groups: int) -> list[Pairs]:
    """Links (document, the identifier's first document), routed by the group of the document."""
    codes: dict[str, int] = {}
    count = sum(len(keys) for keys, _ in pieces)
    kid = np.fromiter((codes.setdefault(k, len(codes)) for keys, _ in pieces for k in keys), np.int64, count)
    doc = cat([docs for _, docs in pieces])
    total = np.bincount(kid, minlength=len(codes))
    first = np.full(len(codes), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, kid, doc)
    # as in the local engine: an identifier in more documents than the limit links nothing
    select = (total[kid] <= limit) & (doc != first[kid])
    left = doc[select]
    routed: list[Pairs] = route(group_of(left, groups), groups, left, first[kid[select]])
    return routed


def bucket_pairs(pieces: list[tuple[npt.NDArray[np.int8], I64, I64]], representatives: int, groups: int) -> list[Pairs]:
    """Each bucket member with its earlier representatives, routed by the group of the representative."""
    band = np.concatenate([p[0] for p in pieces]) if pieces else np.zeros(0, np.int8)
    key = cat([p[1] for p in pieces])
    doc = cat([p[2] for p in pieces])
    order = np.lexsort((doc, key, band))
    band, key, doc = band[order], key[order], doc[order]
    positions = np.arange(len(doc), dtype=np.int64)
    starts = np.ones(len(doc), dtype=np.bool_)
    starts[1:] = (band[1:] != band[:-1]) | (key[1:] != key[:-1])
    group_start = np.maximum.accumulate(np.where(starts, positions, 0)) if len(doc) else positions
    rank = positions - group_start
    lefts: list[I64] = []
    rights: list[I64] = []
    for j in range(representatives):
        select = rank > j
        lefts.append(doc[select])
        rights.append(doc[group_start[select] + j])
    left, right = distinct(cat(lefts), cat(rights))
    routed: list[Pairs] = route(group_of(right, groups), groups, left, right)
    return routed


def distinct(left: I64, right: I64) -> Pairs:
    """Pairs without repeats (a pair found in several bands is checked once)."""
    order = np.lexsort((right, left))
    left, right = left[order], right[order]
    fresh = np.ones(len(left), dtype=np.bool_)
    fresh[1:] = (left[1:] != left[:-1]) | (right[1:] != right[:-1])
    return left[fresh], right[fresh]


def signature_table(parts: list[Signatures]) -> Signatures:
    index = cat([p.index for p in parts])
    order = np.argsort(index, kind="stable")
    return Signatures(index[order], cat_sigs([p.sigs for p in parts])[order])


def attach_right(parts: list[Signatures], pieces: list[Pairs], groups: int) -> list[SignedPairs]:
    """Pairs with the right document's signature, routed by the group of the left document."""
    table = signature_table(parts)
    left = cat([p[0] for p in pieces])
    right = cat([p[1] for p in pieces])
    right_sigs = table.sigs[np.searchsorted(table.index, right)]
    routed: list[SignedPairs] = route(group_of(left, groups), groups, left, right, right_sigs)
    return routed


def group_forest(parts: list[Signatures], signed: list[SignedPairs], identified: list[Pairs], threshold: float) -> Forest:
    """Verified template links plus identifier links of one group, as a union-find forest."""
    table = signature_table(parts)
    left = cat([p[0] for p in signed])
    right = cat([p[1] for p in signed])
    right_sigs = cat_sigs([p[2] for p in signed])
    keep = np.zeros(0, np.bool_)
    if len(left):
        left_sigs = table.sigs[np.searchsorted(table.index, left)]
        keep = minhash.estimated_jaccard(left_sigs, right_sigs) >= threshold
    a = cat([left[keep], *(p[0] for p in identified)])
    b = cat([right[keep], *(p[1] for p in identified)])
    nodes = np.unique(np.concatenate([a, b]))
    roots = union_find(len(nodes), np.searchsorted(nodes, a), np.searchsorted(nodes, b))
    return Forest(nodes, nodes[roots])


def foreign(forest: Forest, group: int, groups: int) -> Pairs:
    """Nodes of this forest that belong to another group, with their roots here."""
    away = group_of(forest.nodes, groups) != group
    return forest.nodes[away], forest.roots[away]


def roots_of(forest: Forest, nodes: I64) -> I64:
    return forest.lookup(nodes)[0]


def label_documents(documents: Documents, forest: Forest, merged: Forest) -> I64:
    """Per document, the smallest index of its component, or -1 when it is linked to nothing."""
    index = doc_index(documents.part, np.arange(len(documents.ids), dtype=np.int64))
    local, in_forest = forest.lookup(index)
    label, _ = merged.lookup(local)
    # a document only ever seen by another group's links is in the merged forest itself
    touched = in_forest | merged.lookup(index)[1]
    labels: I64 = np.where(touched, label, -1)
    return labels


def smallest_ids(documents: Documents, labels: I64) -> tuple[I64, npt.NDArray[np.object_]]:
    """Per component with members here, the smallest of their ids (arrays: opaque to Dask's argument walk)."""
    smallest: dict[int, str] = {}
    for doc_id, label in zip(documents.ids, labels.tolist(), strict=True):
        if label >= 0 and (label not in smallest or doc_id < smallest[label]):
            smallest[label] = doc_id
    return np.fromiter(smallest, np.int64, len(smallest)), np.array(list(smallest.values()), dtype=object)


def clusters(documents: Documents, labels: I64, names: tuple[I64, npt.NDArray[np.object_]]) -> tuple[list[str], list[str | None]]:
    """Document ids and cluster ids (two flat lists travel back far faster than a dict per document)."""
    known, named = names
    at = np.minimum(np.searchsorted(known, labels), max(0, len(known) - 1))
    clusters: list[str | None] = named[at].tolist() if len(known) else [None] * len(labels)
    return documents.ids, [c if label >= 0 else None for c, label in zip(clusters, labels.tolist(), strict=True)]

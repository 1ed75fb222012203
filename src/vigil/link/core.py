"""Linking a batch of documents against what is already known, and the pure in-memory core.

:func:`link_batch` takes a :class:`LinkState` (what earlier batches left behind: identifier
counts, LSH bucket representatives, signatures, the shingle frequency sketch) and a batch
of :class:`~vigil.link.features.LinkFeatures`, and returns a :class:`LinkDelta`: the new
edges and the state changes. :func:`link_documents` is the same with an empty state, so a
batch run and a run fed in several increments produce the same links.

Work per document is bounded: an identifier links a document to the identifier's first
document only (a star, not a clique), and an LSH bucket compares a document with at most
``bucket_representatives`` earlier members, however many near-duplicates there are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt

from vigil.link import minhash
from vigil.link.config import BANDS, PERMUTATIONS, LinkConfig
from vigil.link.features import DISPLAY_ONLY_KINDS, SLOT_HASHES, LinkFeatures, identifier_kind
from vigil.link.graph import union_find

I64 = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]
U32 = npt.NDArray[np.uint32]

#: Documents shingled at once (bounds the temporary arrays of one slice).
SHINGLE_SLICE: Final = 100_000
KIND_IDENTIFIER: Final = 0
KIND_TEMPLATE: Final = 1


@dataclass(slots=True)
class IdentifierInfo:
    """How often an identifier was seen, and the document its links point to."""

    kind: str
    docs: int
    first: int
    common: bool = False


@dataclass(slots=True)
class Edges:
    """Links as parallel arrays; ``keys[i]`` is the identifier of an identifier link, else None."""

    left: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    right: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    kind: npt.NDArray[np.int8] = field(default_factory=lambda: np.zeros(0, np.int8))
    score: F32 = field(default_factory=lambda: np.zeros(0, np.float32))
    keys: list[str | None] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.left)

    @staticmethod
    def concat(parts: Sequence[Edges]) -> Edges:
        parts = [p for p in parts if len(p)]
        if not parts:
            return Edges()
        return Edges(
            np.concatenate([p.left for p in parts]),
            np.concatenate([p.right for p in parts]),
            np.concatenate([p.kind for p in parts]),
            np.concatenate([p.score for p in parts]),
            [k for p in parts for k in p.keys],
        )

    def without_keys(self, dropped: set[str]) -> Edges:
        if not dropped:
            return self
        keep = np.fromiter((k not in dropped for k in self.keys), dtype=np.bool_, count=len(self.keys))
        return Edges(
            self.left[keep],
            self.right[keep],
            self.kind[keep],
            self.score[keep],
            [k for k, kept in zip(self.keys, keep, strict=True) if kept],
        )


class LinkState(Protocol):
    """What earlier batches left behind, asked for only in the parts a new batch touches."""

    @property
    def doc_count(self) -> int: ...

    @property
    def keeps_state(self) -> bool:
        """False for a one-shot run: the delta then omits what only a later batch would need."""
        ...

    def identifiers(self, keys: Sequence[str]) -> Mapping[str, IdentifierInfo]: ...

    def buckets(self, keys: Sequence[tuple[int, int]]) -> Mapping[tuple[int, int], list[int]]: ...

    def signatures(self, docs: Sequence[int]) -> Mapping[int, U32]: ...

    def shingle_sketch(self) -> U32 | None: ...


class EmptyState:
    """The state before the first batch (a one-shot, in-memory run)."""

    doc_count = 0
    keeps_state = False

    def identifiers(self, keys: Sequence[str]) -> Mapping[str, IdentifierInfo]:
        return {}

    def buckets(self, keys: Sequence[tuple[int, int]]) -> Mapping[tuple[int, int], list[int]]:
        return {}

    def signatures(self, docs: Sequence[int]) -> Mapping[int, U32]:
        return {}

    def shingle_sketch(self) -> U32 | None:
        return None


@dataclass(slots=True)
class LinkDelta:
    """The result of one batch: new links, and the state changes a persistent state applies."""

    first_index: int
    features: list[LinkFeatures]
    edges: Edges
    identifiers: dict[str, IdentifierInfo] = field(default_factory=dict)
    newly_common: set[str] = field(default_factory=set)
    buckets: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    #: representatives each touched bucket already had before this batch
    known_buckets: dict[tuple[int, int], int] = field(default_factory=dict)
    signatures: dict[int, U32] = field(default_factory=dict)
    sketch_increment: U32 | None = None


def _identifier_edges(
    state: LinkState, features: Sequence[LinkFeatures], base: int, config: LinkConfig, delta: LinkDelta
) -> Edges:
    key_ids: dict[str, int] = {}
    docs: list[int] = []
    kids: list[int] = []
    for position, feature in enumerate(features):
        for key in feature.identifiers:
            if identifier_kind(key) in DISPLAY_ONLY_KINDS:
                continue
            docs.append(position)
            kids.append(key_ids.setdefault(key, len(key_ids)))
    if not docs:
        return Edges()
    doc = np.asarray(docs, dtype=np.int64)
    kid = np.asarray(kids, dtype=np.int64)
    keys = list(key_ids)
    batch_docs = np.bincount(kid, minlength=len(keys))
    first = np.full(len(keys), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, kid, doc + base)
    total = batch_docs.copy()
    common = np.zeros(len(keys), dtype=np.bool_)
    limit = config.identifier_limit(state.doc_count + len(features))
    prior = state.identifiers(keys)
    for name, info in prior.items():
        index = key_ids[name]
        total[index] += info.docs
        first[index] = info.first
        # once too common, always too common: links never come back as the corpus grows
        common[index] = info.common
        if not info.common and total[index] > limit:
            delta.newly_common.add(name)
    common |= total > limit
    select = ~common[kid] & (doc + base != first[kid])
    left = doc[select] + base
    right = first[kid[select]]
    if state.keeps_state:
        for name, index in key_ids.items():
            known = prior.get(name)
            delta.identifiers[name] = IdentifierInfo(
                kind=identifier_kind(name) if known is None else known.kind,
                docs=int(total[index]),
                first=int(first[index]),
                common=bool(common[index]),
            )
    # identifier weight is its specificity: 1 / documents sharing it
    score = (1.0 / total[kid[select]]).astype(np.float32)
    return Edges(
        left, right, np.full(len(left), KIND_IDENTIFIER, np.int8), score, [keys[k] for k in kid[select]]
    )


def _bucket_pairs(
    band_keys: npt.NDArray[np.int64],
    prior: Mapping[tuple[int, int], list[int]],
    cap: int,
    delta: LinkDelta | None,
    global_ids: I64,
) -> tuple[I64, I64]:
    """Candidate pairs (new document, earlier representative) over all bands, as global indices."""
    lefts: list[I64] = []
    rights: list[I64] = []
    count = len(band_keys)
    positions = np.arange(count, dtype=np.int64)
    for band in range(BANDS):
        keys = band_keys[:, band]
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        starts = np.r_[True, ordered[1:] != ordered[:-1]] if count else np.zeros(0, np.bool_)
        group_start = np.maximum.accumulate(np.where(starts, positions, 0))
        rank = positions - group_start
        allowed = np.full(count, cap, dtype=np.int64)
        if prior:
            for at in np.flatnonzero(starts):
                reps = prior.get((band, int(ordered[at])))
                if not reps:
                    continue
                end = at + 1
                while end < count and not starts[end]:
                    end += 1
                allowed[at:end] = cap - len(reps)
                members = global_ids[order[at:end]]
                for rep in reps:
                    lefts.append(members)
                    rights.append(np.full(len(members), rep, dtype=np.int64))
        for j in range(cap):
            select = (rank > j) & (j < allowed)
            lefts.append(global_ids[order[select]])
            rights.append(global_ids[order[group_start[select] + j]])
        if delta is not None:
            for at in np.flatnonzero(rank < allowed):
                key = (band, int(ordered[at]))
                reps = delta.buckets.get(key)
                if reps is None:
                    reps = list(prior.get(key, ()))
                    delta.buckets[key] = reps
                    delta.known_buckets[key] = len(reps)
                reps.append(int(global_ids[order[at]]))
    if not lefts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(lefts), np.concatenate(rights)


def _template_edges(
    state: LinkState, features: Sequence[LinkFeatures], base: int, config: LinkConfig, delta: LinkDelta
) -> Edges:
    # shingled in slices so the flat token and shingle arrays stay small at a million documents
    slices: list[tuple[int, minhash.ShingleBatch]] = []
    increment = minhash.empty_sketch()
    for start in range(0, len(features), SHINGLE_SLICE):
        part = minhash.shingle_batch(
            [f.tokens for f in features[start : start + SHINGLE_SLICE]], SLOT_HASHES, config.shingle_size
        )
        increment += minhash.sketch_counts(part)
        slices.append((start, part))
    prior_sketch = state.shingle_sketch()
    sketch = increment if prior_sketch is None else prior_sketch + increment
    if state.keeps_state:
        delta.sketch_increment = increment
    limit = config.generic_shingle_limit(state.doc_count + len(features))
    found_positions: list[I64] = []
    found_sigs: list[U32] = []
    while slices:
        start, part = slices.pop(0)
        part_positions, part_sigs = minhash.signatures(
            minhash.drop_generic(part, sketch, limit), config.template_min_shingles
        )
        found_positions.append(part_positions + start)
        found_sigs.append(part_sigs)
    positions = np.concatenate(found_positions) if found_positions else np.zeros(0, np.int64)
    sigs = np.concatenate(found_sigs) if found_sigs else np.zeros((0, PERMUTATIONS), np.uint32)
    if len(positions) == 0:
        return Edges()
    keys = minhash.band_keys(sigs)
    global_ids = positions + base
    wanted = sorted({(band, int(k)) for band in range(BANDS) for k in np.unique(keys[:, band])}) if state.keeps_state else []
    prior = state.buckets(wanted) if wanted else {}
    left, right = _bucket_pairs(
        keys, prior, config.bucket_representatives, delta if state.keeps_state else None, global_ids
    )
    if state.keeps_state:
        delta.signatures = {int(g): sigs[i] for i, g in enumerate(global_ids)}
    if len(left) == 0:
        return Edges()
    packed = np.unique(left * (base + len(features) + 1) + right)
    left, right = np.divmod(packed, base + len(features) + 1)
    row_of = np.full(len(features), -1, dtype=np.int64)
    row_of[positions] = np.arange(len(positions))
    right_rows = np.where(right >= base, row_of[np.clip(right - base, 0, None)], -1)
    right_sigs = np.empty((len(right), sigs.shape[1]), dtype=np.uint32)
    inside = right_rows >= 0
    right_sigs[inside] = sigs[right_rows[inside]]
    if not inside.all():
        earlier = state.signatures(sorted({int(r) for r in right[~inside]}))
        outside = np.flatnonzero(~inside)
        for at in outside:
            right_sigs[at] = earlier[int(right[at])]
    left_sigs = sigs[row_of[left - base]]
    score = minhash.estimated_jaccard(left_sigs, right_sigs)
    keep = score >= config.template_threshold
    count = int(keep.sum())
    return Edges(
        left[keep], right[keep], np.full(count, KIND_TEMPLATE, np.int8), score[keep].astype(np.float32), [None] * count
    )


def link_batch(state: LinkState, features: Sequence[LinkFeatures], config: LinkConfig) -> LinkDelta:
    """Links of a new batch, against ``state``; documents get indices from ``state.doc_count`` on."""
    base = state.doc_count
    delta = LinkDelta(first_index=base, features=list(features), edges=Edges())
    identifier = _identifier_edges(state, features, base, config, delta)
    template = _template_edges(state, features, base, config, delta)
    delta.edges = Edges.concat([identifier, template])
    return delta


@dataclass(slots=True)
class LinkResult:
    """Documents, the links between them, and each document's cluster root (smallest member index)."""

    features: list[LinkFeatures]
    edges: Edges
    roots: I64
    common_identifiers: dict[str, int] = field(default_factory=dict)

    def cluster_sizes(self) -> I64:
        sizes: I64 = np.bincount(self.roots, minlength=len(self.roots))[self.roots]
        return sizes


def link_documents(features: Sequence[LinkFeatures], config: LinkConfig | None = None) -> LinkResult:
    """Link ``features`` in one in-memory pass (identifier links and template links, then union-find)."""
    settings = config or LinkConfig()
    delta = link_batch(EmptyState(), features, settings)
    roots = union_find(len(features), delta.edges.left, delta.edges.right)
    common = _common_identifiers(features, settings)
    return LinkResult(list(features), delta.edges, roots, common)


def _common_identifiers(features: Sequence[LinkFeatures], config: LinkConfig) -> dict[str, int]:
    counts: dict[str, int] = {}
    for feature in features:
        for key in feature.identifiers:
            counts[key] = counts.get(key, 0) + 1
    limit = config.identifier_limit(len(features))
    return {k: v for k, v in counts.items() if v > limit}

"""Linking on a Dask cluster: the clusters of :func:`~vigil.link.core.link_documents`, with no
machine holding every document.

The stages are tasks on the workers; the client holds futures, counts, the rejected lines,
and the per-component mappings (a component's smallest index and its cluster id), never the
documents:

1. **prepare**: the client streams partitions of raw records to the workers; each becomes
   features there (validation, entities, slot-masked tokens, shingles).
2. **sketch**: the shingle document frequencies, summed in a tree on the workers, set what
   counts as a generic phrase for the whole corpus, as in one local run.
3. **keys**: per partition, the identifier keys and the LSH band keys of the MinHash
   signatures (same layout and limits as the local engine), routed to shards by key.
4. **candidates** (per shard): an identifier in few enough documents links each to its first
   document; an LSH bucket pairs each member with its ``bucket_representatives`` earliest
   members, exactly the pairs :func:`~vigil.link.core.link_batch` compares.
5. **verification**: a pair travels to the group holding the right document's signature,
   then to the left's, and is kept at the template threshold.
6. **components**: union-find per group over the links whose later document it holds; the
   group forests are merged through the documents that appear in several of them (the
   client unites only those, as numbers); then each partition labels its documents and a
   component is named by its smallest member id (:func:`~vigil.link.clusters.cluster_id`).

Documents are numbered ``partition << 32 | position``, which is input order, as the local
engine numbers them, without waiting for earlier partitions. Keys and pairs move between
workers as numpy arrays, one task per source and shard (the pattern of Dask's task-based
shuffle): Vigil carries no pandas, and numpy rows cost far less than dataframe rows here.
"""

from __future__ import annotations

import operator
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from vigil.engine import partitioned
from vigil.errors import EngineError
from vigil.link import minhash
from vigil.link.clusters import cluster_id
from vigil.link.config import BANDS, PERMUTATIONS, LinkConfig
from vigil.link.features import DISPLAY_ONLY_KINDS, SLOT_HASHES, identifier_kind
from vigil.link.graph import union_find
from vigil.link.prepare import EntityExtractor, PipelineEntities, Rejected, prepare

I64 = npt.NDArray[np.int64]
U32 = npt.NDArray[np.uint32]
Pairs = tuple[I64, I64]
SignedPairs = tuple[I64, I64, U32]
#: ``(stage, done, total)``; total is None when not known in advance.
Progress = Callable[[str, int, int | None], None]

#: Bits of a document index that hold its position in its partition.
POSITION_BITS: Final = 32
#: Shards per worker in each shuffle (a few per worker even out uneven keys).
SHARDS_PER_WORKER: Final = 2
#: Partial sketches summed per task of the tree reduction.
SKETCH_FAN_IN: Final = 8
#: Partitions in preparation at once per worker: bounds what the client sends ahead.
WINDOW_PER_WORKER: Final = 2


# -- what stays on the workers ----------------------------------------------------------------


@dataclass(slots=True)
class _Part:
    """One partition after preparation."""

    part: int
    ids: list[str]
    key_docs: I64
    keys: list[str]
    shingles: minhash.ShingleBatch
    rejected: list[Rejected]


@dataclass(slots=True)
class _Documents:
    """What a partition keeps once its keys are out: its number and document ids."""

    part: int
    ids: list[str]


@dataclass(slots=True)
class _Signatures:
    """Signatures of some documents, by ascending document index."""

    index: I64
    sigs: U32


@dataclass(slots=True)
class _Keyed:
    signatures: _Signatures
    #: per shard: identifier keys and their documents
    identifiers: list[tuple[list[str], I64]]
    #: per shard: band, band key, document
    bands: list[tuple[npt.NDArray[np.int8], I64, I64]]


@dataclass(slots=True)
class _Forest:
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


def _empty() -> I64:
    return np.zeros(0, np.int64)


def _cat(arrays: Sequence[I64]) -> I64:
    return np.concatenate(arrays).astype(np.int64, copy=False) if arrays else _empty()


def _cat_sigs(arrays: Sequence[U32]) -> U32:
    return np.concatenate(arrays) if arrays else np.zeros((0, PERMUTATIONS), np.uint32)


def _group(index: I64, groups: int) -> I64:
    """The group of a document: its partition modulo the group count."""
    group: I64 = (index >> POSITION_BITS) % groups
    return group


def _index(part: int, positions: I64) -> I64:
    return positions.astype(np.int64) + (part << POSITION_BITS)


# -- tasks ------------------------------------------------------------------------------------


def _prepare_part(part: int, items: list[tuple[int, object]], extractor: EntityExtractor, shingle_size: int) -> _Part:
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
    return _Part(part, ids, _index(part, np.asarray(key_docs, np.int64)), keys, shingles, rejected)


def _summary(part: _Part) -> tuple[int, list[Rejected]]:
    return len(part.ids), part.rejected


def _partial_sketch(part: _Part) -> tuple[I64, U32]:
    # sparse: a partition touches a small share of the sketch's counters
    dense = minhash.sketch_counts(part.shingles)
    slots = np.flatnonzero(dense)
    return slots, dense[slots]


def _sum_sketches(parts: list[tuple[I64, U32] | U32]) -> U32:
    total = minhash.empty_sketch()
    for part in parts:
        if isinstance(part, tuple):
            total[part[0]] += part[1]
        else:
            total += part
    return total


def _key_part(part: _Part, sketch: U32, generic_limit: int, min_shingles: int, shards: int) -> _Keyed:
    positions, sigs = minhash.signatures(minhash.drop_generic(part.shingles, sketch, generic_limit), min_shingles)
    index = _index(part.part, positions)
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
    return _Keyed(_Signatures(index, sigs), identifiers, bands)


def _documents(part: _Part) -> _Documents:
    return _Documents(part.part, part.ids)


def _signatures(keyed: _Keyed) -> _Signatures:
    return keyed.signatures


def _pick(keyed: _Keyed, name: str, shard: int) -> Any:
    return getattr(keyed, name)[shard]


def _route(target: I64, groups: int, *columns: Any) -> list[Any]:
    return [tuple(column[target == group] for column in columns) for group in range(groups)]


def _identifier_links(pieces: list[tuple[list[str], I64]], limit: int, groups: int) -> list[Pairs]:
    """Links (document, the identifier's first document), routed by the group of the document."""
    codes: dict[str, int] = {}
    count = sum(len(keys) for keys, _ in pieces)
    kid = np.fromiter((codes.setdefault(k, len(codes)) for keys, _ in pieces for k in keys), np.int64, count)
    doc = _cat([docs for _, docs in pieces])
    total = np.bincount(kid, minlength=len(codes))
    first = np.full(len(codes), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, kid, doc)
    # as in the local engine: an identifier in more documents than the limit links nothing
    select = (total[kid] <= limit) & (doc != first[kid])
    left = doc[select]
    routed: list[Pairs] = _route(_group(left, groups), groups, left, first[kid[select]])
    return routed


def _bucket_pairs(pieces: list[tuple[npt.NDArray[np.int8], I64, I64]], representatives: int, groups: int) -> list[Pairs]:
    """Each bucket member with its earlier representatives, routed by the group of the representative."""
    band = np.concatenate([p[0] for p in pieces]) if pieces else np.zeros(0, np.int8)
    key = _cat([p[1] for p in pieces])
    doc = _cat([p[2] for p in pieces])
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
    pairs = np.unique(np.stack([_cat(lefts), _cat(rights)], axis=1), axis=0)
    routed: list[Pairs] = _route(_group(pairs[:, 1], groups), groups, pairs[:, 0], pairs[:, 1])
    return routed


def _table(parts: list[_Signatures]) -> _Signatures:
    index = _cat([p.index for p in parts])
    order = np.argsort(index, kind="stable")
    return _Signatures(index[order], _cat_sigs([p.sigs for p in parts])[order])


def _attach_right(parts: list[_Signatures], pieces: list[Pairs], groups: int) -> list[SignedPairs]:
    """Pairs with the right document's signature, routed by the group of the left document."""
    table = _table(parts)
    left = _cat([p[0] for p in pieces])
    right = _cat([p[1] for p in pieces])
    right_sigs = table.sigs[np.searchsorted(table.index, right)]
    routed: list[SignedPairs] = _route(_group(left, groups), groups, left, right, right_sigs)
    return routed


def _group_forest(parts: list[_Signatures], signed: list[SignedPairs], identified: list[Pairs], threshold: float) -> _Forest:
    """Verified template links plus identifier links of one group, as a union-find forest."""
    table = _table(parts)
    left = _cat([p[0] for p in signed])
    right = _cat([p[1] for p in signed])
    right_sigs = _cat_sigs([p[2] for p in signed])
    keep = np.zeros(0, np.bool_)
    if len(left):
        left_sigs = table.sigs[np.searchsorted(table.index, left)]
        keep = minhash.estimated_jaccard(left_sigs, right_sigs) >= threshold
    a = _cat([left[keep], *(p[0] for p in identified)])
    b = _cat([right[keep], *(p[1] for p in identified)])
    nodes = np.unique(np.concatenate([a, b]))
    roots = union_find(len(nodes), np.searchsorted(nodes, a), np.searchsorted(nodes, b))
    return _Forest(nodes, nodes[roots])


def _foreign(forest: _Forest, group: int, groups: int) -> Pairs:
    """Nodes of this forest that belong to another group, with their roots here."""
    away = _group(forest.nodes, groups) != group
    return forest.nodes[away], forest.roots[away]


def _roots_of(forest: _Forest, nodes: I64) -> I64:
    return forest.lookup(nodes)[0]


def _labels(documents: _Documents, forest: _Forest, merged: _Forest) -> I64:
    """Per document, the smallest index of its component, or -1 when it is linked to nothing."""
    index = _index(documents.part, np.arange(len(documents.ids), dtype=np.int64))
    local, in_forest = forest.lookup(index)
    label, _ = merged.lookup(local)
    # a document only ever seen by another group's links is in the merged forest itself
    touched = in_forest | merged.lookup(index)[1]
    labels: I64 = np.where(touched, label, -1)
    return labels


def _smallest_ids(documents: _Documents, labels: I64) -> tuple[I64, npt.NDArray[np.object_]]:
    """Per component with members here, the smallest of their ids (arrays: opaque to Dask's argument walk)."""
    smallest: dict[int, str] = {}
    for doc_id, label in zip(documents.ids, labels.tolist(), strict=True):
        if label >= 0 and (label not in smallest or doc_id < smallest[label]):
            smallest[label] = doc_id
    return np.fromiter(smallest, np.int64, len(smallest)), np.array(list(smallest.values()), dtype=object)


def _clusters(documents: _Documents, labels: I64, names: tuple[I64, npt.NDArray[np.object_]]) -> tuple[list[str], list[str | None]]:
    """Document ids and cluster ids (two flat lists travel back far faster than a dict per document)."""
    known, named = names
    at = np.minimum(np.searchsorted(known, labels), max(0, len(known) - 1))
    clusters: list[str | None] = named[at].tolist() if len(known) else [None] * len(labels)
    return documents.ids, [c if label >= 0 else None for c, label in zip(clusters, labels.tolist(), strict=True)]


# -- the run on the client ---------------------------------------------------------------------


@dataclass(slots=True)
class DaskLinked:
    """A finished run: counts and rejections now, the output lines streamed partition by partition."""

    documents: int
    clusters: int
    partitions: int
    rejected: list[Rejected]
    lines: Iterator[dict[str, Any]]


def _quiet(stage: str, done: int, total: int | None) -> None:
    return None


class _Run:
    def __init__(self, client: Any, config: LinkConfig, on_progress: Progress) -> None:
        self.client = client
        self.config = config
        self.progress = on_progress
        self.workers = max(1, len(client.scheduler_info().get("workers", {})))

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def wait(self, futures: Sequence[Any], stage: str) -> None:
        """Block until ``futures`` are done, reporting progress; a failed task raises its error here."""
        from distributed import as_completed

        self.progress(stage, 0, len(futures))
        for done, future in enumerate(as_completed(futures), start=1):  # type: ignore[no-untyped-call]
            if future.status == "error":
                future.result()
            self.progress(stage, done, len(futures))

    def prepare(
        self, items: Iterable[tuple[int, object]], size: int, extractor: EntityExtractor, total: int | None
    ) -> list[Any]:
        from distributed import wait

        parts: list[Any] = []
        pending: set[Any] = set()
        sent = 0
        # dealt out in turn: left to itself, scatter may put most partitions on one worker
        addresses = sorted(self.client.scheduler_info().get("workers", {})) or [None]
        for number, chunk in enumerate(partitioned(items, size)):
            address = addresses[number % len(addresses)]
            [data] = self.client.scatter([chunk], hash=False, workers=[address] if address else None)
            future = self.submit(_prepare_part, number, data, extractor, self.config.shingle_size)
            parts.append(future)
            pending.add(future)
            sent += len(chunk)
            self.progress("reading", sent, total)
            while len(pending) >= WINDOW_PER_WORKER * self.workers:
                pending = set(wait(pending, return_when="FIRST_COMPLETED").not_done)  # type: ignore[no-untyped-call]
        self.wait(parts, "preparing")
        return parts

    def sketch(self, parts: list[Any]) -> Any:
        level = [self.submit(_partial_sketch, part) for part in parts]
        while True:
            level = [self.submit(_sum_sketches, level[at : at + SKETCH_FAN_IN]) for at in range(0, len(level), SKETCH_FAN_IN)]
            if len(level) == 1:
                return level[0]

    def shuffle(self, sources: Sequence[Any], name: str | None, shards: int) -> list[list[Any]]:
        """Per shard, one piece from every source (``name`` picks an attribute first)."""
        if name is None:
            return [[self.submit(operator.getitem, source, shard) for source in sources] for shard in range(shards)]
        return [[self.submit(_pick, source, name, shard) for source in sources] for shard in range(shards)]

    def merge_forests(self, forests: list[Any]) -> _Forest:
        """Unite the group forests through the nodes they share; the client sees only those nodes."""
        groups = len(forests)
        foreign = self.client.gather([self.submit(_foreign, f, g, groups) for g, f in enumerate(forests)])
        a = [nodes for nodes, _ in foreign]
        b = [roots for _, roots in foreign]
        away = _cat(a)
        homes = _group(away, groups)
        asked: list[tuple[I64, Any]] = []
        for home in range(groups):
            wanted = np.unique(away[homes == home])
            if len(wanted):
                asked.append((wanted, self.submit(_roots_of, forests[home], wanted)))
        for wanted, roots in zip([w for w, _ in asked], self.client.gather([f for _, f in asked]), strict=True):
            a.append(wanted)
            b.append(roots)
        left, right = _cat(a), _cat(b)
        nodes = np.unique(np.concatenate([left, right]))
        roots = union_find(len(nodes), np.searchsorted(nodes, left), np.searchsorted(nodes, right))
        return _Forest(nodes, nodes[roots])


def link_on_dask(
    client: Any,
    items: Iterable[tuple[int, object]],
    config: LinkConfig | None = None,
    *,
    partition_size: int,
    extractor: EntityExtractor | None = None,
    total: int | None = None,
    on_progress: Progress | None = None,
) -> DaskLinked:
    """Link ``(line, record)`` items on the cluster behind ``client``: the local engine's clusters.

    Records are raw JSONL lines or decoded objects, as :func:`~vigil.link.prepare.prepare`
    takes them. Every stage but the output has run when this returns; ``lines`` then yields
    ``{"id", "cluster"}`` per accepted document, in input order.
    """
    settings = config or LinkConfig()
    run = _Run(client, settings, on_progress or _quiet)
    try:
        return _link(run, items, settings, partition_size, extractor or PipelineEntities(), total)
    except (OSError, TimeoutError) as exc:
        raise EngineError(f"Dask linking failed: {exc}") from exc


def _link(
    run: _Run, items: Iterable[tuple[int, object]], config: LinkConfig, size: int, extractor: EntityExtractor, total: int | None
) -> DaskLinked:
    parts = run.prepare(items, size, extractor, total)
    summaries = run.client.gather([run.submit(_summary, part) for part in parts])
    count = sum(n for n, _ in summaries)
    rejected = sorted((r for _, found in summaries for r in found), key=lambda r: r.line)
    if count == 0:
        return DaskLinked(0, 0, len(parts), rejected, iter(()))
    shards = max(1, min(len(parts), SHARDS_PER_WORKER * run.workers))

    sketch = run.sketch(parts)
    keyed = [
        run.submit(
            _key_part, part, sketch, config.generic_shingle_limit(count), config.template_min_shingles, shards
        )
        for part in parts
    ]
    run.wait(keyed, "keys")
    documents = [run.submit(_documents, part) for part in parts]
    signatures = [run.submit(_signatures, k) for k in keyed]
    identifier_pieces = run.shuffle(keyed, "identifiers", shards)
    band_pieces = run.shuffle(keyed, "bands", shards)
    del parts, keyed, sketch

    identified = [run.submit(_identifier_links, identifier_pieces[s], config.identifier_limit(count), shards) for s in range(shards)]
    candidates = [run.submit(_bucket_pairs, band_pieces[s], config.bucket_representatives, shards) for s in range(shards)]
    run.wait(identified + candidates, "candidates")
    del identifier_pieces, band_pieces

    members = [[signatures[p] for p in range(g, len(signatures), shards)] for g in range(shards)]
    by_right = run.shuffle(candidates, None, shards)
    attached = [run.submit(_attach_right, members[g], by_right[g], shards) for g in range(shards)]
    by_left = run.shuffle(attached, None, shards)
    identified_by_left = run.shuffle(identified, None, shards)
    forests = [
        run.submit(_group_forest, members[g], by_left[g], identified_by_left[g], config.template_threshold)
        for g in range(shards)
    ]
    run.wait(forests, "verifying")
    del signatures, members, by_right, attached, by_left, identified_by_left, candidates, identified

    merged = run.merge_forests(forests)
    [shared] = run.client.scatter([merged], hash=False, broadcast=True)
    labels = [run.submit(_labels, documents[p], forests[p % shards], shared) for p in range(len(documents))]
    smallest = run.client.gather([run.submit(_smallest_ids, documents[p], labels[p]) for p in range(len(documents))])
    run.progress("components", len(documents), len(documents))
    del forests, shared, merged

    first_member: dict[int, str] = {}
    for found_labels, found_ids in smallest:
        for label, doc_id in zip(found_labels.tolist(), found_ids.tolist(), strict=True):
            if label not in first_member or doc_id < first_member[label]:
                first_member[label] = doc_id
    names = {label: cluster_id(doc_id) for label, doc_id in first_member.items()}
    wanted = []
    for found_labels, _ in smallest:
        known = np.sort(found_labels)
        wanted.append((known, np.array([names[label] for label in known.tolist()], dtype=object)))
    return DaskLinked(count, len(names), len(documents), rejected, _stream(run, documents, labels, wanted))


def _stream(
    run: _Run, documents: list[Any], labels: list[Any], names: list[tuple[I64, npt.NDArray[np.object_]]]
) -> Iterator[dict[str, Any]]:
    """Output lines partition by partition, a few partitions computed ahead."""
    ahead = WINDOW_PER_WORKER * run.workers
    futures: list[Any] = []
    for p in range(len(documents)):
        futures.append(run.submit(_clusters, documents[p], labels[p], names[p]))
        if len(futures) > ahead:
            yield from _as_lines(futures.pop(0).result())
            run.progress("writing", p + 1 - len(futures), len(documents))
    while futures:
        yield from _as_lines(futures.pop(0).result())
    run.progress("writing", len(documents), len(documents))


def _as_lines(result: tuple[list[str], list[str | None]]) -> Iterator[dict[str, Any]]:
    for doc_id, cluster in zip(*result, strict=True):
        yield {"id": doc_id, "cluster": cluster}

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

The tasks themselves are in :mod:`vigil.link.shards`. Keys and pairs move between
workers as numpy arrays, one task per source and shard (the pattern of Dask's task-based
shuffle): Vigil carries no pandas, and numpy rows cost far less than dataframe rows here.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import CancelledError
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from vigil.engine import partitioned
from vigil.errors import EngineError
from vigil.link import shards
from vigil.link.clusters import cluster_id
from vigil.link.config import LinkConfig
from vigil.link.graph import union_find
from vigil.link.prepare import EntityExtractor, PipelineEntities, Rejected
from vigil.link.shards import I64, Names

#: ``(stage, done, total)``; total is None when not known in advance.
Progress = Callable[[str, int, int | None], None]
#: Shards per worker in each shuffle (a few per worker even out uneven keys).
SHARDS_PER_WORKER: Final = 2
#: Partial sketches summed per task of the tree reduction.
SKETCH_FAN_IN: Final = 8
#: Partitions in preparation at once per worker: bounds what the client sends ahead.
WINDOW_PER_WORKER: Final = 2


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
            future = self.submit(shards.prepare_part, number, data, extractor, self.config.shingle_size)
            parts.append(future)
            pending.add(future)
            sent += len(chunk)
            self.progress("reading", sent, total)
            while len(pending) >= WINDOW_PER_WORKER * self.workers:
                pending = set(wait(pending, return_when="FIRST_COMPLETED").not_done)  # type: ignore[no-untyped-call]
        self.wait(parts, "preparing")
        return parts

    def sketch(self, parts: list[Any]) -> Any:
        level = [self.submit(shards.partial_sketch, part) for part in parts]
        while True:
            level = [self.submit(shards.sum_sketches, level[at : at + SKETCH_FAN_IN]) for at in range(0, len(level), SKETCH_FAN_IN)]
            if len(level) == 1:
                return level[0]

    def shuffle(self, sources: Sequence[Any], name: str | None, count: int) -> list[list[Any]]:
        """Per shard (of ``count``), one piece from every source (``name`` picks an attribute first)."""
        if name is None:
            return [[self.submit(operator.getitem, source, shard) for source in sources] for shard in range(count)]
        return [[self.submit(shards.pick, source, name, shard) for source in sources] for shard in range(count)]

    def merge_forests(self, forests: list[Any]) -> shards.Forest:
        """Unite the group forests through the nodes they share; the client sees only those nodes."""
        groups = len(forests)
        foreign = self.client.gather([self.submit(shards.foreign, f, g, groups) for g, f in enumerate(forests)])
        a = [nodes for nodes, _ in foreign]
        b = [roots for _, roots in foreign]
        away = shards.cat(a)
        homes = shards.group_of(away, groups)
        asked: list[tuple[I64, Any]] = []
        for home in range(groups):
            wanted = np.unique(away[homes == home])
            if len(wanted):
                asked.append((wanted, self.submit(shards.roots_of, forests[home], wanted)))
        for wanted, roots in zip([w for w, _ in asked], self.client.gather([f for _, f in asked]), strict=True):
            a.append(wanted)
            b.append(roots)
        left, right = shards.cat(a), shards.cat(b)
        nodes = np.unique(np.concatenate([left, right]))
        roots = union_find(len(nodes), np.searchsorted(nodes, left), np.searchsorted(nodes, right))
        return shards.Forest(nodes, nodes[roots])


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
    from distributed import KilledWorker

    settings = config or LinkConfig()
    run = _Run(client, settings, on_progress or _quiet)
    try:
        return _link(run, items, settings, partition_size, extractor or PipelineEntities(), total)
    except KilledWorker as exc:
        raise EngineError(f"a Dask worker died while linking (out of memory?): {exc}") from exc
    except (OSError, TimeoutError, CancelledError) as exc:
        raise EngineError(f"Dask linking failed: {exc}") from exc


def _link(
    run: _Run, items: Iterable[tuple[int, object]], config: LinkConfig, size: int, extractor: EntityExtractor, total: int | None
) -> DaskLinked:
    parts = run.prepare(items, size, extractor, total)
    summaries = run.client.gather([run.submit(shards.summary, part) for part in parts])
    count = sum(n for n, _ in summaries)
    rejected = sorted((r for _, found in summaries for r in found), key=lambda r: r.line)
    if count == 0:
        return DaskLinked(0, 0, len(parts), rejected, iter(()))
    groups = max(1, min(len(parts), SHARDS_PER_WORKER * run.workers))

    sketch = run.sketch(parts)
    keyed = [
        run.submit(
            shards.key_part, part, sketch, config.generic_shingle_limit(count), config.template_min_shingles, groups
        )
        for part in parts
    ]
    run.wait(keyed, "keys")
    documents = [run.submit(shards.documents_of, part) for part in parts]
    signatures = [run.submit(shards.signatures_of, k) for k in keyed]
    identifier_pieces = run.shuffle(keyed, "identifiers", groups)
    band_pieces = run.shuffle(keyed, "bands", groups)
    del parts, keyed, sketch

    identified = [run.submit(shards.identifier_links, identifier_pieces[s], config.identifier_limit(count), groups) for s in range(groups)]
    candidates = [run.submit(shards.bucket_pairs, band_pieces[s], config.bucket_representatives, groups) for s in range(groups)]
    run.wait(identified + candidates, "candidates")
    del identifier_pieces, band_pieces

    members = [[signatures[p] for p in range(g, len(signatures), groups)] for g in range(groups)]
    by_right = run.shuffle(candidates, None, groups)
    attached = [run.submit(shards.attach_right, members[g], by_right[g], groups) for g in range(groups)]
    by_left = run.shuffle(attached, None, groups)
    identified_by_left = run.shuffle(identified, None, groups)
    forests = [
        run.submit(shards.group_forest, members[g], by_left[g], identified_by_left[g], config.template_threshold)
        for g in range(groups)
    ]
    run.wait(forests, "verifying")
    del signatures, members, by_right, attached, by_left, identified_by_left, candidates, identified

    merged = run.merge_forests(forests)
    [shared] = run.client.scatter([merged], hash=False, broadcast=True)
    labels = [run.submit(shards.label_documents, documents[p], forests[p % groups], shared) for p in range(len(documents))]
    smallest = run.client.gather([run.submit(shards.smallest_ids, documents[p], labels[p]) for p in range(len(documents))])
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
    run: _Run, documents: list[Any], labels: list[Any], names: list[Names]
) -> Iterator[dict[str, Any]]:
    """Output lines partition by partition, a few partitions computed ahead."""
    ahead = WINDOW_PER_WORKER * run.workers
    futures: list[Any] = []
    for p in range(len(documents)):
        futures.append(run.submit(shards.clusters, documents[p], labels[p], names[p]))
        if len(futures) > ahead:
            yield from _as_lines(futures.pop(0).result())
            run.progress("writing", p + 1 - len(futures), len(documents))
    while futures:
        yield from _as_lines(futures.pop(0).result())
    run.progress("writing", len(documents), len(documents))


def _as_lines(result: tuple[list[str], list[str | None]]) -> Iterator[dict[str, Any]]:
    for doc_id, cluster in zip(*result, strict=True):
        yield {"id": doc_id, "cluster": cluster}

"""The store is the system: bring every stored document to analysed, linked, counted and watched.

:func:`process_store` is what ``vigil ingest`` runs after storing (unless ``--no-analyze``)
and what ``vigil process`` runs to catch the store up. Each step only does what is
missing, so a second run does nothing and a killed run continues where it stopped:

1. **analyse** documents with no analysis, or one from another pipeline version
   (:func:`vigil.provenance.pipeline_version`), in partitions on the batch engine; each
   partition is committed as it arrives;
2. **link** analysed documents the link index lacks, incrementally, into the stored
   networks; when re-analysis changed documents that were already linked, the index is
   rebuilt from the current analyses;
3. **trends**: detection over the stored counts, new alerts stored (known ones kept);
4. **watchlists**: newly analysed documents matched against every watch, notifications
   raised, due webhook deliveries sent.

A document that makes analysis or linking raise is recorded in ``processing_failures``
(source, id, stage, error) and skipped; the run reports it and its exit status says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Final

import sqlalchemy as sa

from vigil.contract import Analysis
from vigil.documents import Document
from vigil.engine import Engine, create_engine
from vigil.engine.dask import WorkerPipeline
from vigil.failures import RecordFailure, guarded
from vigil.link.config import LinkConfig
from vigil.link.features import LinkFeatures, TokenHasher, build_features
from vigil.link.models import LinkDocument
from vigil.link.state import StoredLinks
from vigil.pipeline import shared_pipeline
from vigil.provenance import pipeline_version
from vigil.settings import Settings
from vigil.store import Store
from vigil.store.analyses import (
    STAGE_LINK,
    AnalyzeCounts,
    Described,
    analyze_store,
    row_to_document,
    save_failures,
)
from vigil.store.models import AnalysisRow, DocumentRow, ProcessingFailure, Source

#: Documents handed to the link index per transaction.
LINK_BATCH: Final = 2000
#: Failures listed in a report (the counts stay exact beyond it).
MAX_LISTED_FAILURES: Final = 1000

Progress = Callable[[str, int, int | None], None]


def _no_progress(_step: str, _done: int, _total: int | None) -> None:
    return None


@dataclass
class ProcessReport:
    """What one catch-up did; ``failures`` lists documents that were recorded and skipped."""

    pipeline_version: str = ""
    analysed: int = 0
    linked: int = 0
    relinked: bool = False
    clusters: int = 0
    trend_alerts: int = 0
    notifications: int = 0
    deliveries: dict[str, Any] = field(default_factory=dict)
    failed: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)
    analysed_pks: list[int] = field(default_factory=list)
    #: Wall seconds per step (``load``: the pipeline and segmenter), and the CPU seconds of this
    #: process for loading (``load cpu``) and after it (``cpu``; the workers' are not in them).
    seconds: dict[str, float] = field(default_factory=dict)

    def add_failures(self, store: Store, stage: str, failures: Sequence[tuple[int, RecordFailure]]) -> None:
        self.failed += len(failures)
        room = MAX_LISTED_FAILURES - len(self.failures)
        if room <= 0 or not failures:
            return
        chosen = list(failures)[:room]
        with store.session() as session:
            names = dict(
                session.execute(
                    sa.select(DocumentRow.pk, sa.func.concat(Source.name, "\0", DocumentRow.doc_id))
                    .join(Source, Source.id == DocumentRow.source_id)
                    .where(DocumentRow.pk.in_([pk for pk, _ in chosen]))
                ).tuples()
            )
        for pk, failure in chosen:
            source, _, doc_id = str(names.get(pk, "\0")).partition("\0")
            self.failures.append({"source": source, "id": doc_id, "stage": stage, **failure.to_json()})

    def to_json(self) -> dict[str, Any]:
        return {
            "pipeline_version": self.pipeline_version,
            "analysed": self.analysed,
            "linked": self.linked,
            "relinked": self.relinked,
            "clusters": self.clusters,
            "trend_alerts": self.trend_alerts,
            "notifications": self.notifications,
            "deliveries": self.deliveries,
            "failed": self.failed,
            "failures": self.failures,
            "seconds": {step: round(value, 3) for step, value in self.seconds.items()},
        }


def pending_counts(store: Store, version: str | None = None) -> dict[str, int]:
    """How far behind the store is: documents to analyse (new or older version) and to link."""
    version = version or pipeline_version()
    with store.session() as session:
        documents = session.scalar(sa.select(sa.func.count()).select_from(DocumentRow)) or 0
        current = session.scalar(
            sa.select(sa.func.count()).select_from(AnalysisRow).where(AnalysisRow.pipeline_version == version)
        ) or 0
        failed = session.scalar(
            sa.select(sa.func.count())
            .select_from(ProcessingFailure)
            .where(ProcessingFailure.pipeline_version == version)
        ) or 0
        linked = session.scalar(
            sa.select(sa.func.count()).select_from(LinkDocument).where(LinkDocument.document_pk.is_not(None))
        ) or 0
    return {"documents": int(documents), "analysed": int(current), "failed": int(failed), "linked": int(linked)}


def process_store(
    store: Store,
    settings: Settings,
    *,
    engine: Engine | None = None,
    redo: bool = False,
    trends: bool = True,
    on_progress: Progress = _no_progress,
) -> ProcessReport:
    """Analyse, link, count and match whatever the store lacks; see the module docstring."""
    version = pipeline_version()
    report = ProcessReport(pipeline_version=version)
    started, cpu_started = time.perf_counter(), time.process_time()
    owned = engine is None
    runner = engine or create_engine(settings)  # no worker starts before the first partition
    # built here once, so forked local workers inherit them; Dask workers build their own
    pipeline: Callable[[Document], Analysis] = (
        shared_pipeline(settings) if runner.name == "local" else WorkerPipeline(settings)
    )
    describe = shared_describer()
    report.seconds["load"] = time.perf_counter() - started
    report.seconds["load cpu"] = time.process_time() - cpu_started
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        todo = pending_counts(store, version)
        total = todo["documents"] if redo else max(0, todo["documents"] - todo["analysed"] - todo["failed"])
        relink = redo or _has_stale_links(store, version)
        done = 0

        def advance(n: int) -> None:
            nonlocal done
            done += n
            on_progress("analysing", done, total)

        on_progress("analysing", 0, total)
        # a cluster that grows over many partitions is summarised once, after the last
        links = StoredLinks(store, LinkConfig.from_settings(settings), defer_summaries=True)
        if relink:
            links.reset()
            report.relinked = True
        link_failures: list[tuple[int, RecordFailure]] = []

        def link_partition(saved: list[tuple[int, Any]]) -> None:
            # Runs in this process while the workers analyse the next partitions.
            added, failed = link_described(store, links, saved)
            report.linked += added
            link_failures.extend(failed)
            on_progress("linking", report.linked, total)

        counts: AnalyzeCounts = analyze_store(
            store,
            pipeline,
            runner,
            redo=redo,
            version=version,
            on_partition=advance,
            on_saved=link_partition,
            describe=describe,
        )
    finally:
        if owned:
            runner.close()
    report.analysed = counts.analysed
    report.analysed_pks = counts.pks
    report.add_failures(store, "analyze", counts.failures)
    step = _Stopwatch(report.seconds, started)
    step("analyse and link")
    # Analysed documents the index still lacks (analysed by an earlier run, or after a rebuild).
    caught_up, more_failures = link_store(store, links, on_progress=on_progress)
    links.flush()
    report.linked += caught_up
    report.add_failures(store, STAGE_LINK, [*link_failures, *more_failures])
    report.clusters = _cluster_count(store)
    step("link catch-up")
    if trends:
        on_progress("detecting market trends", 0, 1)
        report.trend_alerts = detect_store_trends(store, settings)
        on_progress("detecting market trends", 1, 1)
        step("trends")
    on_progress("matching watches", 0, 1)
    report.notifications, report.deliveries = _watch(store, report.analysed_pks)
    on_progress("matching watches", 1, 1)
    step("watches")
    report.seconds["cpu"] = time.process_time() - cpu_started
    return report


class _Stopwatch:
    """Records the wall seconds since the previous step under each step's name."""

    def __init__(self, into: dict[str, float], started: float) -> None:
        self.into = into
        self.last = started

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.into[name] = now - self.last
        self.last = now


def _has_stale_links(store: Store, version: str) -> bool:
    """Whether a linked document's analysis is about to change (it is from another pipeline version)."""
    with store.session() as session:
        stale = session.scalar(
            sa.select(LinkDocument.idx)
            .join(AnalysisRow, AnalysisRow.document_pk == LinkDocument.document_pk)
            .where(sa.or_(AnalysisRow.pipeline_version.is_(None), AnalysisRow.pipeline_version != version))
            .limit(1)
        )
    return stale is not None


def _unlinked(store: Store, page: int) -> Iterator[list[tuple[DocumentRow, dict[str, Any], str]]]:
    """Analysed documents the link index lacks, with their analysis and source name, page by page."""
    last = 0
    while True:
        with store.session() as session:
            rows = session.execute(
                sa.select(DocumentRow, AnalysisRow.result, Source.name)
                .join(AnalysisRow, AnalysisRow.document_pk == DocumentRow.pk)
                .join(Source, Source.id == DocumentRow.source_id)
                .where(DocumentRow.pk > last)
                .where(~sa.exists().where(LinkDocument.document_pk == DocumentRow.pk))
                .order_by(DocumentRow.pk)
                .limit(page)
            ).tuples().all()
        if not rows:
            return
        yield [(doc, result or {}, name) for doc, result, name in rows]
        last = rows[-1][0].pk


def _link_keys(store: Store, docs: Sequence[tuple[int, str]]) -> list[str]:
    """The key each document (pk, id) is linked under: its id, or ``source:id`` when another document has that id.

    The link index predates sources (``vigil link --store`` keys by id alone); two sources
    may each have a document "1", and the second must not be taken for the first.
    """
    ids = [doc_id for _, doc_id in docs]
    with store.session() as session:
        taken = set(session.scalars(sa.select(LinkDocument.doc_id).where(LinkDocument.doc_id.in_(ids))))
    sources: dict[int, str] = {}
    keys: list[str] = []
    for pk, doc_id in docs:
        if doc_id in taken:
            if not sources:  # a clash is rare: only then are the batch's source names read
                sources = _source_names(store, [pk for pk, _ in docs])
            key = f"{sources[pk]}:{doc_id}"
        else:
            key = doc_id
        taken.add(key)
        keys.append(key)
    return keys


def _source_names(store: Store, pks: Sequence[int]) -> dict[int, str]:
    with store.session() as session:
        return dict(
            session.execute(
                sa.select(DocumentRow.pk, Source.name)
                .join(Source, Source.id == DocumentRow.source_id)
                .where(DocumentRow.pk.in_(list(pks)))
            ).tuples().all()
        )


def link_store(
    store: Store, links: StoredLinks, *, on_progress: Progress = _no_progress
) -> tuple[int, list[tuple[int, RecordFailure]]]:
    """Link every analysed, unlinked stored document; returns (linked, failures)."""
    hasher = TokenHasher()
    linked = 0
    failures: list[tuple[int, RecordFailure]] = []
    for rows in _unlinked(store, LINK_BATCH):
        added, failed = _link_rows(store, links, rows, hasher)
        linked += added
        failures.extend(failed)
        if failed and not added:
            break  # every remaining document of this page failed; they stay listed as failures
        on_progress("linking", linked, None)
    return linked, failures


def _link_rows(
    store: Store,
    links: StoredLinks,
    rows: Sequence[tuple[DocumentRow, dict[str, Any], str]],
    hasher: TokenHasher,
) -> tuple[int, list[tuple[int, RecordFailure]]]:
    keys = _link_keys(store, [(doc.pk, doc.doc_id) for doc, _, _ in rows])
    built = [
        (doc.pk, guarded(_features, row_to_document(doc), key, result, hasher))
        for (doc, result, _), key in zip(rows, keys, strict=True)
    ]
    return _add_links(store, links, built)


def link_described(
    store: Store, links: StoredLinks, saved: Sequence[tuple[int, Any]]
) -> tuple[int, list[tuple[int, RecordFailure]]]:
    """Link freshly analysed documents from the features their worker built (:class:`DocumentFacts`).

    Nothing is read back but which of them the index already holds and which ids are
    taken; a document that came without features is left to :func:`link_store`.
    """
    ready = [(pk, f) for pk, f in saved if isinstance(f, LinkFeatures | RecordFailure)]
    if not ready:
        return 0, []
    with store.session() as session:
        linked = set(
            session.scalars(
                sa.select(LinkDocument.document_pk).where(LinkDocument.document_pk.in_([pk for pk, _ in ready]))
            )
        )
    ready = [(pk, f) for pk, f in ready if pk not in linked]
    features = [(pk, f) for pk, f in ready if isinstance(f, LinkFeatures)]
    keys = _link_keys(store, [(pk, f.id) for pk, f in features])
    key_of = {pk: key for (pk, _), key in zip(features, keys, strict=True)}
    built: list[tuple[int, LinkFeatures | RecordFailure]] = [
        (pk, f if isinstance(f, RecordFailure) or f.id == key_of[pk] else _rekey(f, key_of[pk])) for pk, f in ready
    ]
    return _add_links(store, links, built)


def _add_links(
    store: Store, links: StoredLinks, built: Sequence[tuple[int, LinkFeatures | RecordFailure]]
) -> tuple[int, list[tuple[int, RecordFailure]]]:
    features = [f for _, f in built if isinstance(f, LinkFeatures)]
    pks = [pk for pk, f in built if isinstance(f, LinkFeatures)]
    failures = [(pk, f) for pk, f in built if isinstance(f, RecordFailure)]
    if features:
        links.add(features, pks)
    if failures:
        save_failures(store, STAGE_LINK, pipeline_version(), failures)
    return len(features), failures


def _features(document: Document, key: str, analysis: dict[str, Any], hasher: TokenHasher) -> LinkFeatures:
    entities = analysis.get("entities") or {}
    features = build_features(document, entities, hasher)
    return features if features.id == key else _rekey(features, key)


def _rekey(features: LinkFeatures, key: str) -> LinkFeatures:
    return replace(features, id=key)


def _cluster_count(store: Store) -> int:
    with store.session() as session:
        count = session.scalar(
            sa.select(sa.func.count(sa.distinct(LinkDocument.cluster))).where(LinkDocument.cluster.is_not(None))
        )
    return int(count or 0)


def detect_store_trends(store: Store, settings: Settings) -> int:
    """Run trend detection over the stored counts and store the alerts; returns how many it found.

    Documents without a trend row yet are segmented first (see :func:`vigil.trends.stored.catch_up`).
    """
    from vigil.trends.alert_store import save_alerts
    from vigil.trends.detect import DetectionParams
    from vigil.trends.periods import parse_freq
    from vigil.trends.report import run_detection
    from vigil.trends.stored import catch_up, stored_table

    catch_up(store, shared_describer().segmenter)
    found = run_detection(stored_table(store, parse_freq("W")), DetectionParams.from_settings(settings))
    save_alerts(store, found.alerts)
    return len(found.alerts)


class DocumentFacts:
    """What a worker derives from a fresh analysis besides it: the trend row and the linking features.

    Pickles as "build me" (like the pipeline), so a worker builds its segmenter once, and a
    worker forked after the parent built one finds it in :func:`shared_describer`.
    """

    def __init__(self) -> None:
        from vigil.trends.segments import build_segmenter

        self.segmenter = build_segmenter()
        self.hasher = TokenHasher()

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return (shared_describer, ())

    def __call__(self, document: Document, analysis: Mapping[str, Any]) -> Described:
        from vigil.trends.stored import trend_row

        trend = guarded(trend_row, self.segmenter, document, analysis)
        features = guarded(build_features, document, analysis.get("entities") or {}, self.hasher)
        return Described(None if isinstance(trend, RecordFailure) else trend, features)


@lru_cache(maxsize=1)
def shared_describer() -> DocumentFacts:
    """One :class:`DocumentFacts` per process."""
    return DocumentFacts()


def _watch(store: Store, pks: Sequence[int]) -> tuple[int, dict[str, Any]]:
    """Notifications raised for ``pks``, and what the webhook deliveries due now did."""
    from vigil.watch import deliver_due, match_new_documents

    raised = match_new_documents(store, pks) if pks else 0
    return raised, deliver_due(store).to_json()

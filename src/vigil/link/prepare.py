"""From input records to :class:`~vigil.link.features.LinkFeatures`: validation and entity extraction.

A record is a document (the document contract). When it already carries an ``entities``
object (an Analysis merged into the document, as ``vigil analyze`` writes it), extraction
is skipped; otherwise the analysis pipeline extracts the entities. Large inputs are
prepared on the batch engine (a process pool or Dask) in partitions, in input order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from vigil.documents import Document, parse_document, parse_json_line
from vigil.engine import Engine, LocalEngine, partitioned
from vigil.errors import ConfigError, InputError
from vigil.failures import RecordFailure, guarded
from vigil.link.features import LinkFeatures, SpanLike, TokenHasher, build_features

EntityExtractor = Callable[[Document], "Extracted"]
#: Records per task sent to a worker process.
CHUNK: Final = 2000
#: Below this many records a process pool costs more than it saves.
POOL_MIN_RECORDS: Final = 4 * CHUNK


@dataclass(frozen=True, slots=True)
class Extracted:
    """Entities of one document (the Analysis ``entities`` object) and, when known, their spans."""

    entities: Mapping[str, Any]
    spans: Sequence[SpanLike] = ()


@cache
def _entity_pipeline() -> Any:
    """Normalizer, language detector and entity finders, loaded once per process."""
    try:
        from vigil.extract.entities import EntityExtractor as Finder
        from vigil.extract.language import build_detector
        from vigil.extract.normalize import Normalizer
        from vigil.pipeline import Pipeline
    except ImportError as exc:
        raise ConfigError("entity extraction is not available; give records that carry an 'entities' object") from exc
    return Pipeline(None, Normalizer(), build_detector(), Finder(), None, None)


class PipelineEntities:
    """Entity extraction alone (normalize, language, entities: no indicators, no scoring).

    Pickles as "use this process's extractor", so pool and Dask workers load their own once.
    """

    def __reduce__(self) -> tuple[type[PipelineEntities], tuple[()]]:
        return (PipelineEntities, ())

    def __call__(self, document: Document) -> Extracted:
        from vigil.extract.entities import entities_contract

        result = _entity_pipeline().run(document)
        return Extracted(entities_contract(result.entities), tuple(result.entities))


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that is not a valid document: its 1-based line and why."""

    line: int
    reason: str


def decode_line(raw: bytes) -> object:
    """One JSONL line decoded; raises :class:`InputError` with the reason a person can act on."""
    return parse_json_line(raw)


def record_to_features(
    record: object, extractor: EntityExtractor, hasher: TokenHasher, keep_text: bool = True
) -> LinkFeatures:
    """Features of one decoded record; raises :class:`DocumentError` for an invalid one."""
    entities: Mapping[str, Any] | None = None
    if isinstance(record, Mapping) and isinstance(record.get("entities"), Mapping):
        entities = record["entities"]
        record = {k: v for k, v in record.items() if k != "entities"}
        if "text" not in record:
            # an Analysis line without its document still links by its identifiers
            record["text"] = ""
    document = parse_document(record)
    if entities is not None:
        return build_features(document, entities, hasher, keep_text=keep_text)
    found = extractor(document)
    return build_features(document, found.entities, hasher, found.spans, keep_text=keep_text)


class _Preparer:
    """The per-document step the batch engine ships to its workers (picklable; one cache per worker)."""

    def __init__(self, extractor: EntityExtractor, keep_text: bool) -> None:
        self.extractor = extractor
        self.keep_text = keep_text
        self.hasher = TokenHasher()

    def __reduce__(self) -> tuple[type[_Preparer], tuple[EntityExtractor, bool]]:
        return (_Preparer, (self.extractor, self.keep_text))

    def __call__(self, item: tuple[int, object]) -> LinkFeatures | Rejected:
        line, record = item
        try:
            if isinstance(record, Exception):
                raise record
            decoded = decode_line(record) if isinstance(record, bytes) else record
        except InputError as exc:
            return Rejected(line, exc.message or str(exc))
        result = guarded(record_to_features, decoded, self.extractor, self.hasher, self.keep_text)
        if isinstance(result, RecordFailure):
            return Rejected(line, result.message if result.error == "DocumentError" else result.reason)
        return result


def prepare(
    items: Iterable[tuple[int, object]],
    extractor: EntityExtractor | None = None,
    workers: int = 1,
    on_chunk: Callable[[int], None] | None = None,
    keep_text: bool = True,
    engine: Engine | None = None,
) -> Iterator[LinkFeatures | Rejected]:
    """Features (or rejections) of ``(line, record)`` items, in input order.

    A record may be a decoded object or the raw bytes of a JSONL line (decoded on the worker,
    so a pool also spreads the JSON parsing). ``keep_text=False`` drops the text once it is
    tokenised, for runs that show no templates. Work runs on ``engine`` (the batch engine),
    or on a local engine of ``workers`` processes.
    """
    step = _Preparer(extractor or PipelineEntities(), keep_text)
    runner: Engine = engine or LocalEngine(workers=max(1, workers))
    try:
        for part in runner.map_partitions(step, partitioned(items, CHUNK)):
            yield from part
            if on_chunk:
                on_chunk(len(part))
    finally:
        if engine is None:
            runner.close()

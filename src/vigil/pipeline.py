"""The analysis pipeline: normalize -> language -> entities + indicators -> risk.

``build_pipeline(settings)`` loads every table, lexicon and model once and returns a
:class:`Pipeline`; calling it on a document is a pure function of the document and that
configuration (no I/O, no global state), so the same object runs in-process, in a process
pool or on Dask. It pickles as "build me from these settings", so workers load their own
copy instead of receiving the tables over the wire.

``analyze(document)`` is the library entry point (``vigil.analyze``), backed by a pipeline
built on first use with default settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from vigil.contract import Analysis, Entities, IndicatorHit, Risk
from vigil.documents import Document, parse_document
from vigil.errors import ConfigError
from vigil.extract.entities import EntityExtractor, EntitySpan, entities_contract
from vigil.extract.language import LanguageDetector, build_detector
from vigil.extract.normalize import NormalizedText, Normalizer

if TYPE_CHECKING:
    from vigil.settings import Settings


class IndicatorHitLike(Protocol):
    """What the pipeline reads from a recognizer hit."""

    @property
    def indicator(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def evidence(self) -> str: ...
    @property
    def confidence(self) -> float: ...
    @property
    def source(self) -> str: ...


class Recognizers(Protocol):
    def find(self, nt: NormalizedText, lang: str | None, kind: str) -> list[Any]: ...


class Scorer(Protocol):
    def score(self, document: Document, indicators: list[IndicatorHit], entities: Entities, lang: str) -> Risk: ...


@dataclass(frozen=True, slots=True)
class IndicatorSpan:
    """An indicator hit with the field it was found in (``text`` or ``title``)."""

    hit: IndicatorHitLike
    field: str = "text"

    def to_contract(self) -> IndicatorHit:
        return _indicator_contract(self.hit, self.field)


def _indicator_contract(hit: IndicatorHitLike, field: str) -> IndicatorHit:
    """The contract's JSON of an indicator hit found in ``field``."""
    out: IndicatorHit = {
        "id": hit.indicator,
        "evidence": hit.evidence,
        "start": hit.start,
        "end": hit.end,
        "confidence": hit.confidence,
        "source": hit.source,
    }
    if field != "text":
        out["field"] = field
    return out


@dataclass(frozen=True, slots=True)
class AnalysisResult:
    """Everything one pass found, spans included (the UI highlights from here)."""

    document: Document
    lang: str
    text: NormalizedText
    title: NormalizedText | None
    entities: list[EntitySpan]
    indicators: list[IndicatorSpan]
    risk: Risk | None = field(default=None)

    def to_contract(self) -> Analysis:
        """The Analysis object of DESIGN.md.

        Extended by ``phone_alternates`` (``{e164: [other readings, best first]}``) when a
        phone written without its country code is valid in several countries.
        """
        indicators = [i.to_contract() for i in self.indicators]
        return _contract(self.document, self.lang, self.risk, indicators, entities_contract(self.entities), self.entities)


def _contract(
    document: Document,
    lang: str,
    risk: Risk | None,
    indicators: list[IndicatorHit],
    entities: Entities,
    spans: list[EntitySpan],
) -> Analysis:
    """:meth:`AnalysisResult.to_contract` from the indicators' and entities' JSON already made
    (the pipeline makes them once for the scorer and hands them on)."""
    out: Analysis = {
        "id": document.id,
        "lang": lang,
        "kind": document.kind,
        "risk": risk,
        "indicators": indicators,
        "entities": entities,
    }
    alternates = {str(span.value): list(span.alternates) for span in spans if span.kind == "phones" and span.alternates}
    if alternates:
        out["phone_alternates"] = alternates
    return out


#: What one pass found: the fields of :class:`AnalysisResult` in its order (document, language,
#: text, title, entities, indicators, risk), then the indicators' and entities' JSON.
_Analysed = tuple[
    Document,
    str,
    NormalizedText,
    NormalizedText | None,
    list[EntitySpan],
    list[IndicatorSpan],
    Risk | None,
    list[IndicatorHit],
    Entities,
]


class Pipeline:
    """One configured analysis pass; ``pipeline(document) -> Analysis`` (the contract of DESIGN.md)."""

    def __init__(
        self,
        settings: Settings | None,
        normalizer: Normalizer,
        detector: LanguageDetector,
        extractor: EntityExtractor,
        recognizers: Recognizers | None,
        scorer: Scorer | None,
    ) -> None:
        self.settings = settings
        self.normalizer = normalizer
        self.detector = detector
        self.extractor = extractor
        self.recognizers = recognizers
        self.scorer = scorer

    def __reduce__(self) -> tuple[Any, tuple[Settings | None]]:
        return (shared_pipeline, (self.settings,))

    def __call__(self, document: Document | Mapping[str, Any]) -> Analysis:
        doc, lang, _, _, spans, _, risk, indicators, entities = self._analyse(document, keep_hits=False)
        return _contract(doc, lang, risk, indicators, entities, spans)

    def run(self, document: Document | Mapping[str, Any]) -> AnalysisResult:
        """Analyse one document (a :class:`Document` or a mapping in the document contract)."""
        doc, lang, text, title, spans, hits, risk, _, _ = self._analyse(document)
        return AnalysisResult(doc, lang, text, title, spans, hits, risk)

    def _analyse(self, document: Document | Mapping[str, Any], keep_hits: bool = True) -> _Analysed:
        """What :class:`AnalysisResult` holds, and its indicators' and entities' JSON, made once
        for the scorer and the contract (nothing reads them in between, so sharing them
        changes nothing). Without ``keep_hits`` the indicator spans are not kept (an empty
        list): the contract needs only their JSON, made from the hits directly."""
        doc = document if isinstance(document, Document) else parse_document(document)
        text = self.normalizer(doc.text)
        title = self.normalizer(doc.title) if doc.title else None
        lang = doc.lang or self.detector.detect(f"{doc.title}\n{doc.text}" if doc.title else doc.text)
        hosts = (doc.platform, _host(doc.url))
        entities: list[EntitySpan] = []
        indicators: list[IndicatorSpan] = []
        indicators_json: list[IndicatorHit] = []
        # A place the title names hints at the country of the text's phones ("Just landed in Sydney").
        named = self.extractor.named_countries(title) if title is not None else []
        for nt, name in ((title, "title"), (text, "text")):
            if nt is None:
                continue
            entities.extend(
                self.extractor.extract(
                    nt, lang, field=name, location=doc.location, hosts=hosts, named=named if name == "text" else ()
                )
            )
            if self.recognizers is not None:
                hits = self.recognizers.find(nt, lang, doc.kind)
                if keep_hits:
                    indicators.extend(IndicatorSpan(hit, name) for hit in hits)
                indicators_json.extend(_indicator_contract(hit, name) for hit in hits)
        entities_json = entities_contract(entities)
        risk = None
        if self.scorer is not None:
            risk = self.scorer.score(doc, indicators_json, entities_json, lang)
        return doc, lang, text, title, entities, indicators, risk, indicators_json, entities_json


def _host(url: str | None) -> str | None:
    if not url:
        return None
    rest = url.split("://", 1)[-1]
    return rest.split("/", 1)[0].split(":", 1)[0] or None


def _load_recognizers(normalizer: Normalizer, settings: Settings | None) -> Recognizers:
    # No fallback: a pipeline without its recognizers would report every document as
    # low risk with no indicators, which reads as a finding rather than a fault.
    try:
        from vigil.recognizers import load_recognizers
    except ImportError as exc:
        raise ConfigError(f"the indicator recognizers (vigil.recognizers) cannot be loaded: {exc}") from exc
    clause_model = settings.clause_model if settings is not None else True
    recognizers: Recognizers = load_recognizers(normalize=normalizer, clause_model=clause_model)
    return recognizers


def _load_scorer(settings: Settings | None) -> Scorer:
    try:
        from vigil.scoring import load_scorer
    except ImportError as exc:
        raise ConfigError(f"the risk scorer (vigil.scoring) cannot be loaded: {exc}") from exc
    scorer: Scorer = load_scorer(settings)
    return scorer


def build_pipeline(settings: Settings | None = None) -> Pipeline:
    """Load tables, lexicons and models once; the result is picklable and reusable."""
    normalizer = Normalizer()
    return Pipeline(
        settings=settings,
        normalizer=normalizer,
        detector=build_detector(),
        extractor=EntityExtractor(),
        recognizers=_load_recognizers(normalizer, settings),
        scorer=_load_scorer(settings),
    )


@lru_cache(maxsize=4)
def shared_pipeline(settings: Settings | None) -> Pipeline:
    """One pipeline per process and settings: what a pickled pipeline becomes in a worker.

    Loading the tables is the slow part. A worker forked after the parent built its
    pipeline finds it here and loads nothing; other workers load once, not per task.
    """
    return build_pipeline(settings)


@cache
def default_pipeline() -> Pipeline:
    """The pipeline behind :func:`analyze`, built on first use from the default settings."""
    from vigil.settings import load_settings

    return build_pipeline(load_settings())


def analyze(document: Document | Mapping[str, Any]) -> Analysis:
    """Analyse one document with the default pipeline and return the Analysis contract."""
    return default_pipeline()(document)

"""Which trend segments one document belongs to: a pure function of the document and its analysis.

Segment names are ``<dimension>:<value>``: ``indicator:<id>``, ``platform:<name>``,
``kind:<kind>``, ``lang:<code>``, ``city:<name>``, ``country:<code>``,
``sector:<job sector>`` and ``term:<concept>`` (origin terms). ``search:<term>`` series
come from outside (:mod:`vigil.trends.external`), never from documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from vigil.documents import Document
from vigil.trends.periods import day_number
from vigil.trends.places import Gazetteer, gazetteer
from vigil.trends.terms import ConceptMatcher, Fold, fold_text, load_lexicon, origin_terms

DIMENSIONS: Final = ("indicator", "platform", "kind", "lang", "city", "country", "sector", "term")
#: Document kinds whose text is matched against the job-sector lexicon.
SECTOR_KINDS: Final = frozenset({"job_ad", "classified"})
#: Longest value kept in a segment name (platform names come from input data).
MAX_VALUE_LENGTH: Final = 80


def normalized_fold(text: str) -> str:
    """The extraction normalizer's folded view (look-alike letters, leetspeak, emoji), then accents off."""
    from vigil.extract.normalize import normalize

    return fold_text(normalize(text).text)


def document_day(document: Document) -> int | None:
    """Day number of ``posted_at``, else ``captured_at``, else None (the document is not dated)."""
    moment: datetime | None = document.posted_at or document.captured_at
    return None if moment is None else day_number(moment)


def _clean(value: str) -> str:
    return " ".join(value.split())[:MAX_VALUE_LENGTH]


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, Mapping | bytes):
        return [item for item in value if isinstance(item, str)]
    return []


@dataclass(frozen=True)
class Segmenter:
    """Extracts segments; holds only loaded, read-only lexicons so it pickles to workers."""

    terms: ConceptMatcher
    sectors: ConceptMatcher
    places: Gazetteer | None
    fold: Fold = normalized_fold

    def segments(self, document: Document, analysis: Mapping[str, Any] | None = None) -> tuple[str, ...]:
        """The sorted, distinct segments of a document (an empty analysis gives the document-field segments)."""
        analysis = analysis or {}
        out: set[str] = {f"kind:{analysis.get('kind') or document.kind}"}
        lang = analysis.get("lang") or document.lang
        if isinstance(lang, str) and lang:
            out.add(f"lang:{lang.lower()}")
        if document.platform and document.platform.strip():
            out.add(f"platform:{_clean(document.platform.casefold())}")
        for hit in analysis.get("indicators") or ():
            ident = hit.get("id") if isinstance(hit, Mapping) else hit
            if isinstance(ident, str) and ident:
                out.add(f"indicator:{ident}")
        self._places(document, analysis, out)
        text = self.fold(f"{document.title or ''}\n{document.text}")
        lang_code = lang if isinstance(lang, str) else None
        out.update(f"term:{concept}" for concept in self.terms.find(text, lang_code))
        kind = analysis.get("kind") or document.kind
        if kind in SECTOR_KINDS:
            out.update(f"sector:{sector}" for sector in self.sectors.find(text, lang_code))
        entities = analysis.get("entities")
        if isinstance(entities, Mapping):
            out.update(f"sector:{_clean(s.casefold())}" for s in _strings(entities.get("sectors")))
        return tuple(sorted(out))

    def _places(self, document: Document, analysis: Mapping[str, Any], out: set[str]) -> None:
        entities = analysis.get("entities")
        names = _strings(entities.get("locations")) if isinstance(entities, Mapping) else []
        if document.location:
            names.append(document.location)
        if not names or self.places is None:
            return
        for place in self.places.resolve_all(names):
            if place.city:
                out.add(f"city:{place.city}")
            if place.country:
                out.add(f"country:{place.country}")


def build_segmenter(*, with_places: bool = True) -> Segmenter:
    """The segmenter with the shipped lexicons (and the gazetteer unless ``with_places`` is False)."""
    return Segmenter(
        terms=origin_terms(),
        sectors=load_lexicon("sectors.yaml"),
        places=gazetteer() if with_places else None,
    )

"""Helpers shared by the entity tests."""

from __future__ import annotations

from vigil.extract.entities import EntityExtractor, EntitySpan
from vigil.extract.normalize import normalize


def spans_of(extractor: EntityExtractor, text: str, lang: str | None, kind: str) -> list[EntitySpan]:
    """Entities of one kind in ``text``, after checking every span's evidence is exact."""
    spans = extractor.extract(normalize(text), lang)
    for span in spans:
        assert text[span.start : span.end] == span.evidence
    return [s for s in spans if s.kind == kind]


def values_of(extractor: EntityExtractor, text: str, lang: str | None, kind: str) -> list[object]:
    """Values of one kind as in the contract (deduplicated, in order)."""
    values: list[object] = []
    for span in spans_of(extractor, text, lang, kind):
        value = span.json_value()
        if value not in values:
            values.append(value)
    return values

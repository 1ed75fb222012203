"""What the document page shows, computed from a stored analysis: highlighted evidence, masked contacts, contributions.

Pure functions over strings and the Analysis contract, so they are tested without the app.
Offsets in an analysis are character offsets into the original text (or the title, for a hit
with ``"field": "title"``); contacts are masked by :mod:`vigil.redaction`, which keeps every
character position, so the offsets stay valid on the masked text too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

from vigil.redaction import CONTACT_KINDS, mask_value


@dataclass(frozen=True)
class Hit:
    """One indicator hit, as stored in the analysis."""

    indicator: str
    start: int
    end: int
    field: str
    evidence: str
    confidence: float | None
    source: str | None
    number: int


@dataclass(frozen=True)
class Segment:
    """A run of text covered by the same hits (none for plain text)."""

    text: str
    hits: tuple[Hit, ...]

    @property
    def indicators(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(hit.indicator for hit in self.hits))


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def hits_of(result: Mapping[str, Any]) -> list[Hit]:
    """The well-formed indicator hits of an analysis; malformed entries are skipped, not trusted."""
    found: list[Hit] = []
    indicators = result.get("indicators")
    if not isinstance(indicators, list):
        return found
    for raw in indicators:
        if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
            continue
        start, end = raw.get("start"), raw.get("end")
        valid = isinstance(start, int) and isinstance(end, int) and 0 <= start < end
        found.append(
            Hit(
                indicator=raw["id"],
                start=start if valid and isinstance(start, int) else -1,
                end=end if valid and isinstance(end, int) else -1,
                field="title" if raw.get("field") == "title" else "text",
                evidence=str(raw.get("evidence") or ""),
                confidence=_number(raw.get("confidence")),
                source=str(raw["source"]) if raw.get("source") else None,
                number=len(found) + 1,
            )
        )
    return found


def redact_hits(hits: Sequence[Hit], fields: Mapping[str, tuple[str, str]], redact: Callable[[str], str]) -> list[Hit]:
    """Hits whose evidence reads as the masked field does.

    ``fields`` maps a field name to its (original, masked) text. Evidence that is exactly the
    original at the hit's offsets is cut from the masked text, so it reads as the page does;
    any other evidence (offsets missing or stale) is redacted on its own with ``redact``.
    """
    out: list[Hit] = []
    for hit in hits:
        original, masked = fields.get(hit.field, ("", ""))
        if hit.start >= 0 and original[hit.start : hit.end] == hit.evidence:
            out.append(replace(hit, evidence=masked[hit.start : hit.end]))
        else:
            out.append(replace(hit, evidence=redact(hit.evidence)))
    return out


def highlight(text: str, hits: Iterable[Hit], field: str = "text") -> list[Segment]:
    """Split ``text`` at every hit boundary of ``field``; overlapping hits share the overlap."""
    spans = [h for h in hits if h.field == field and 0 <= h.start < h.end <= len(text)]
    cuts = sorted({0, len(text), *(h.start for h in spans), *(h.end for h in spans)})
    segments: list[Segment] = []
    for left, right in pairwise(cuts):
        covering = tuple(h for h in spans if h.start <= left and right <= h.end)
        if segments and segments[-1].hits == covering:
            segments[-1] = Segment(segments[-1].text + text[left:right], covering)
        else:
            segments.append(Segment(text[left:right], covering))
    return segments


@dataclass(frozen=True)
class Contribution:
    """How much one indicator added to the risk score (or, without a breakdown, its confidence)."""

    indicator: str
    value: float
    kind: str  # "weight" when the model reported it, "confidence" otherwise


def contributions(result: Mapping[str, Any], hits: Sequence[Hit]) -> list[Contribution]:
    """The score's breakdown by indicator, largest first.

    Uses ``risk.contributions`` when the scorer reported one (a mapping of indicator to
    value, or a list of ``{"indicator"|"feature"|"id", "value"|"weight"|"contribution"}``); otherwise
    each indicator's highest hit confidence, so the page still shows what stands behind the score.
    """
    risk = result.get("risk")
    reported = risk.get("contributions") if isinstance(risk, Mapping) else None
    out: dict[str, float] = {}
    if isinstance(reported, Mapping):
        out = {str(k): n for k, v in reported.items() if (n := _number(v)) is not None}
    elif isinstance(reported, list):
        for item in reported:
            if not isinstance(item, Mapping):
                continue
            name = next((item[key] for key in ("indicator", "feature", "id") if isinstance(item.get(key), str)), None)
            value = next((v for key in ("value", "weight", "contribution") if (v := _number(item.get(key))) is not None), None)
            if isinstance(name, str) and value is not None:
                out[name] = value
    if out:
        return sorted((Contribution(k, v, "weight") for k, v in out.items()), key=lambda c: (-abs(c.value), c.indicator))
    best: dict[str, float] = {}
    for hit in hits:
        best[hit.indicator] = max(best.get(hit.indicator, 0.0), hit.confidence or 0.0)
    return sorted((Contribution(k, v, "confidence") for k, v in best.items()), key=lambda c: (-c.value, c.indicator))


@dataclass(frozen=True)
class EntityGroup:
    """One kind of entity with its values as they may be shown to the viewer."""

    kind: str
    values: tuple[str, ...]
    masked: bool


def entity_groups(result: Mapping[str, Any], *, show_contacts: bool) -> list[EntityGroup]:
    """The analysis' entities, contact identifiers masked unless the viewer may see them."""
    entities = result.get("entities")
    if not isinstance(entities, Mapping):
        return []
    groups: list[EntityGroup] = []
    for kind, raw in entities.items():
        if not isinstance(raw, list) or not raw:
            continue
        values = tuple(_entity_text(v) for v in raw)
        masked = kind in CONTACT_KINDS and not show_contacts
        groups.append(EntityGroup(str(kind), tuple(mask_value(kind, v) for v in values) if masked else values, masked))
    return groups


def _entity_text(value: Any) -> str:
    if isinstance(value, Mapping):
        if "amount" in value:
            return f"{value.get('amount')} {value.get('currency') or ''}".strip()
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)

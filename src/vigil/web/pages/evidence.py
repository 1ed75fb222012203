"""What the document page shows, computed from a stored analysis: highlighted evidence, masked contacts, contributions.

Pure functions over strings and the Analysis contract, so they are tested without the app.
Offsets in an analysis are character offsets into the original text (or the title, for a hit
with ``"field": "title"``); masking keeps every character position, so the offsets stay valid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Final

MASK_CHAR: Final = "•"
#: Entity lists of the Analysis contract that identify a person or a contact point.
CONTACT_ENTITIES: Final = ("phones", "emails", "handles", "urls")

# Contact identifiers as they are written in ads, obfuscated or not: long digit runs with
# separators, e-mail addresses, @handles and messenger handles, and links.
#: Ads write phone digits as look-alike letters (O for 0, l for 1) to dodge filters.
_PHONE: Final = re.compile(r"(?<!\w)\+?[\dOoОоlI](?:[\s().\-/]{0,3}[\dOoОоlI]){6,}")
#: A phone-shaped run needs this many real digits, so words made of O and l are left alone.
_PHONE_MIN_DIGITS: Final = 5
_CONTACT_PATTERNS: Final = (
    _PHONE,
    re.compile(r"[\w.+\-]+\s*(?:@|\(at\)|\[at\])\s*[\w\-]+(?:\s*(?:\.|\(dot\)|\[dot\])\s*[\w\-]+)+", re.IGNORECASE),
    re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE),
    re.compile(r"(?<![\w@])@[A-Za-z0-9_.]{3,}"),
    re.compile(r"\b(?:t\.me|wa\.me|telegram\.me)/\S+", re.IGNORECASE),
)


#: Dates look like long digit runs too, and are not contacts.
_DATE: Final = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")


def mask_contacts(text: str) -> str:
    """``text`` with contact identifiers blotted out character for character (so offsets still fit)."""
    chars = list(text)
    for pattern in _CONTACT_PATTERNS:
        for match in pattern.finditer(text):
            if _DATE.fullmatch(match.group(0)):
                continue
            if pattern is _PHONE and sum(c.isdigit() for c in match.group(0)) < _PHONE_MIN_DIGITS:
                continue
            for i in range(match.start(), match.end()):
                if not chars[i].isspace():
                    chars[i] = MASK_CHAR
    return "".join(chars)


def mask_value(value: str) -> str:
    """A contact identifier shown to a role that may not see it: its kind stays readable, not its value."""
    if len(value) <= 2:
        return MASK_CHAR * len(value)
    return value[0] + MASK_CHAR * (len(value) - 2) + value[-1]


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
        masked = kind in CONTACT_ENTITIES and not show_contacts
        groups.append(EntityGroup(str(kind), tuple(mask_value(v) for v in values) if masked else values, masked))
    return groups


def _entity_text(value: Any) -> str:
    if isinstance(value, Mapping):
        if "amount" in value:
            return f"{value.get('amount')} {value.get('currency') or ''}".strip()
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)

"""What every entity extractor returns, and the small matching helpers they share."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from vigil.extract.words import WordIndex, letters_only, pad

__all__ = ["ENTITY_KINDS", "LETTER", "EntitySpan", "Price", "SpanSet", "WordIndex", "letters_only", "pad"]

#: A letter (any script), for word boundaries that work in Cyrillic as well as Latin.
LETTER: Final = r"[^\W\d_]"

#: Entity kinds, which are also the keys of the ``entities`` object of the Analysis contract.
ENTITY_KINDS: Final = ("phones", "emails", "handles", "urls", "ages", "prices", "locations", "names")


@dataclass(frozen=True, slots=True)
class Price:
    amount: int | float
    currency: str  # ISO 4217

    def to_json(self) -> dict[str, int | float | str]:
        return {"amount": self.amount, "currency": self.currency}


EntityValue = str | int | Price


@dataclass(frozen=True, slots=True)
class EntitySpan:
    """One entity with the exact original characters it was read from.

    ``evidence == source_text[start:end]`` where the source is the document's ``text`` or,
    when ``field == "title"``, its title. ``note`` says how it was written when that is
    itself a signal (``"obfuscated"`` for a spelled-out or disguised phone number,
    ``"unallocated"`` for a possible phone number no operator holds). ``alternates`` are the
    other readings of an ambiguous value, best first (a national number valid in several
    countries); ``confidence`` is lower for a value read from a weaker form.
    """

    kind: str
    value: EntityValue
    start: int
    end: int
    evidence: str
    field: str = "text"
    note: str = ""
    alternates: tuple[str, ...] = ()
    confidence: float = 1.0

    def json_value(self) -> str | int | dict[str, int | float | str]:
        return self.value.to_json() if isinstance(self.value, Price) else self.value


def word_alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first (so the longest one wins)."""
    unique = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in unique)


class SpanSet:
    """Spans already taken, for overlap questions in O(log n) (hostile text has many)."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._pending: list[tuple[int, int]] = list(spans)
        self._starts: list[int] = []
        self._ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        starts, ends = self._merged()
        i = bisect_right(starts, start)
        if i > 0 and ends[i - 1] >= start:
            i -= 1
            start, end = starts[i], max(end, ends[i])
            del starts[i], ends[i]
        while i < len(starts) and starts[i] <= end:
            end = max(end, ends[i])
            del starts[i], ends[i]
        starts.insert(i, start)
        ends.insert(i, end)

    def _merged(self) -> tuple[list[int], list[int]]:
        if self._pending:
            spans = sorted([*zip(self._starts, self._ends, strict=True), *self._pending])
            self._pending = []
            starts: list[int] = []
            ends: list[int] = []
            for start, end in spans:
                if starts and start <= ends[-1]:
                    ends[-1] = max(ends[-1], end)
                else:
                    starts.append(start)
                    ends.append(end)
            self._starts, self._ends = starts, ends
        return self._starts, self._ends

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` shares a character with a taken span."""
        starts, ends = self._merged()
        i = bisect_left(starts, max(end, start + 1)) - 1
        return i >= 0 and ends[i] > start

    def covers(self, position: int) -> bool:
        """Whether the character at ``position`` lies in a taken span."""
        return self.overlaps(position, position + 1)

"""URLs and bare domains ("https://...", "www.example.pl", "anna-vip.cz/gallery")."""

from __future__ import annotations

import re
from typing import Any, Final

from vigil.extract.entities.base import SpanSet, word_alternation
from vigil.extract.resources import load_yaml

_URL: Final = re.compile(r"(?:https?://|www\.)[^\s<>\"'\[\]{}|\\^`]{2,2000}")
_TRAILING: Final = ".,;:!?)»\"'"
#: A dot glued to a letter: without one there is no bare domain to look for.
_DOTTED: Final = re.compile(r"[^\W_]\.[^\W\d_]")


class UrlFinder:
    """Finds URLs (any domain when a scheme or ``www.`` is written) and bare domains (known TLDs)."""

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        data = config if config is not None else load_yaml("web.yaml")
        tlds = word_alternation(str(t).casefold() for t in data["tlds"])
        self._domain = re.compile(
            rf"(?<![\w@.\-/])(?:[^\W_](?:[\w\-]{{0,61}}[^\W_])?\.){{1,4}}(?:{tlds})(?![\w\-@])(?:/[^\s<>\"']{{0,300}})?"
        )

    def find(self, text: str, taken: SpanSet | None = None) -> list[tuple[int, int]]:
        """``(start, end)`` spans in ``text``, skipping spans inside ``taken`` (e-mail addresses)."""
        if "." not in text:
            return []
        taken = taken if taken is not None else SpanSet()
        spans: list[tuple[int, int]] = []
        if "http" in text or "www." in text:
            for m in _URL.finditer(text):
                if not taken.covers(m.start()):
                    spans.append((m.start(), m.start() + len(m.group().rstrip(_TRAILING))))
        if _DOTTED.search(text) is None:
            return spans
        blocked = SpanSet(spans)
        for m in self._domain.finditer(text):
            start, end = m.start(), m.start() + len(m.group().rstrip(_TRAILING))
            if not blocked.overlaps(start, end) and not taken.overlaps(start, end):
                spans.append((start, end))
        return sorted(spans)

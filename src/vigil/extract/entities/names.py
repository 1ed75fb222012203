"""Person names and aliases introduced by simple, precise phrases ("my name is X",
"меня зовут X", "jestem X", "ich heiße X", "sono X").

Precision over recall: a name is one or two capitalised words right after such a phrase;
after a weak phrase ("I'm", "я", "jestem") the word must also not be a known non-name.
"""

from __future__ import annotations

import re
from typing import Any, Final

from vigil.extract.entities.base import LETTER, WordIndex, pad
from vigil.extract.normalize import NormalizedText
from vigil.extract.resources import load_yaml

_NAME: Final = rf"(?P<name>{LETTER}{{2,20}}(?:-{LETTER}{{2,20}})?)"
#: What may follow an introducing phrase before the name itself.
_AFTER_PHRASE: Final = re.compile(rf"\s?(?P<colon>[:\-,])?\s?{_NAME}(?!{LETTER})")


def _phrases(table: dict[str, list[str]]) -> list[str]:
    return [str(p).casefold() for phrases in table.values() for p in phrases]


class NameFinder:
    """Finds names in a normalized text, checking capitals in its original."""

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        data = config if config is not None else load_yaml("names.yaml")
        self.not_names = frozenset(str(w).casefold() for w in data["not_names"])
        self.weak_not_endings = tuple(str(e).casefold() for e in data["weak_not_endings"])
        # (strong, needs a colon): "name:" introduces a name, "name" alone does not.
        phrases = [(p, (True, p.endswith(":"))) for p in _phrases(data["strong"])]
        phrases += [(p, (False, p.endswith(":"))) for p in _phrases(data["weak"])]
        self._phrases = WordIndex(phrases)

    def find(self, nt: NormalizedText, padded: str | None = None) -> list[tuple[int, int, str]]:
        """``(start, end, name)`` with original offsets; ``padded`` is ``pad(nt.text)`` if known."""
        found: dict[int, tuple[int, int, str]] = {}
        hits = sorted(self._phrases.find(padded or pad(nt.text)), key=lambda h: (not h[2][0], h[0]))
        for _start, end, (strong, needs_colon) in hits:
            m = _AFTER_PHRASE.match(nt.text, end)
            if m is None or (needs_colon and not m.group("colon")):
                continue
            if m.group("name") in self.not_names:
                continue
            start, end = nt.span(m.start("name"), m.end("name"))
            written = nt.original[start:end]
            if not written or not written[0].isupper() or start in found:
                continue
            if not strong and written.isupper() and len(written) > 1:
                continue  # "I'm NEW": shouting, not a name
            if not strong and m.group("name").endswith(self.weak_not_endings):
                continue
            if not written.replace("-", "").isalpha():
                continue
            # The folded form, so "𝐀𝐍𝐍𝐀" and "ANNA" both give "Anna".
            name = "-".join(part.capitalize() for part in m.group("name").split("-"))
            found[start] = (start, end, name)
        return sorted(found.values())

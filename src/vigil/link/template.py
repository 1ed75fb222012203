"""Recovering a cluster's template: the words its ads share, and the slots where they differ.

One member is the base; every other member is aligned to it word by word
(:class:`difflib.SequenceMatcher`). A base word kept by at least half of the others is part
of the template; each run of other words is a slot, shown with the values the members put
there (names, ages, cities, contacts, prices).
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Any, Final

import regex

#: A number written with spaces, dots or dashes (a phone, a price) is one word.
_WORDS: Final = regex.compile(r"\+?\d[\d \t().-]*\d|\w+|[^\w\s]+")
#: Members aligned to the base; enough to tell template from slot, bounded for big clusters.
MAX_ALIGNED: Final = 25
MAX_SLOT_VALUES: Final = 12


def _spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _WORDS.finditer(text)]


def _between(text: str, spans: Sequence[tuple[int, int]], first: int, last: int) -> str:
    """The original text of words ``first..last-1`` (empty when the range is empty)."""
    if first >= last:
        return ""
    return text[spans[first][0] : spans[last - 1][1]]


def _aligned_starts(base: Sequence[str], other: Sequence[str]) -> tuple[list[bool], list[int]]:
    """Which base words ``other`` keeps, and where each base position starts in ``other``."""
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    kept = [False] * len(base)
    starts = [0] * (len(base) + 1)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for i in range(i1, i2):
            starts[i] = j1 + (i - i1) if tag == "equal" else j1
            kept[i] = tag == "equal"
        starts[i2] = j2
    return kept, starts


def recover_template(texts: Sequence[str]) -> dict[str, Any] | None:
    """Template text with ``{slotN}`` markers, and the values seen in each slot; None for fewer than 2 texts."""
    texts = [t for t in texts if t.strip()][:MAX_ALIGNED]
    if len(texts) < 2:
        return None
    spans = [_spans(t) for t in texts]
    # casefold is enough to align words of one template; full normalization is for matching
    folded = [[t[a:b].casefold() for a, b in sp] for t, sp in zip(texts, spans, strict=True)]
    base_index = max(range(len(texts)), key=lambda i: len(spans[i]))
    base = folded[base_index]
    base_text = texts[base_index]
    base_spans = spans[base_index]
    others = [i for i in range(len(texts)) if i != base_index]
    alignments = [_aligned_starts(base, folded[i]) for i in others]
    votes = [sum(kept[i] for kept, _ in alignments) for i in range(len(base))]
    needed = max(1, (len(alignments) + 1) // 2)
    in_template = [v >= needed for v in votes]

    pieces: list[str] = []
    slots: list[dict[str, Any]] = []
    position = 0
    while position < len(base):
        gap = base_text[base_spans[position - 1][1] : base_spans[position][0]] if position else ""
        if in_template[position]:
            pieces.append(gap + base_text[base_spans[position][0] : base_spans[position][1]])
            position += 1
            continue
        end = position
        while end < len(base) and not in_template[end]:
            end += 1
        values: dict[str, None] = {_between(base_text, base_spans, position, end): None}
        for (_, starts), other in zip(alignments, others, strict=True):
            values.setdefault(_between(texts[other], spans[other], starts[position], starts[end]), None)
        name = f"slot{len(slots) + 1}"
        pieces.append(gap + "{" + name + "}")
        slots.append({"slot": name, "values": [v for v in values if v][:MAX_SLOT_VALUES]})
        position = end
    constant = sum(in_template)
    return {
        "text": "".join(pieces),
        "slots": slots,
        "aligned_members": len(texts),
        "constant_share": round(constant / len(base), 3) if base else 0.0,
    }

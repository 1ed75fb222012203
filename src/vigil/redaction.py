"""The one redaction policy: contact identifiers are masked for people who may not see them.

Contacts (phones, e-mails, handles, URLs) are found by the pipeline's own entity extractor,
so every written form it reads is masked (spaced, dotted, spelled-out and keycap digits,
letters for digits, "at"/"dot" e-mails, messenger handles, links), and nothing else is.
Masking follows the extractor's exact spans character for character: offsets into the text
stay valid (indicator hits still point at their evidence) and no neighbouring letter is touched.

Who may see contacts is decided by the caller (the web app's permission table); this module
only hides. It is core: it knows nothing of the web, the store or the command line.

Time is linear in the text: the extractor is, and long texts are read in overlapping chunks,
which also keeps each chunk under the extractor's per-text bounds on hostile input (it stops
looking after a few hundred phone-shaped runs; a chunk cannot hold that many).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from vigil.extract.entities import EntityExtractor, EntitySpan
from vigil.extract.normalize import Normalizer

MASK_CHAR: Final = "•"
#: Entity kinds (keys of the Analysis contract's ``entities``) that identify a person or a contact point.
CONTACT_KINDS: Final = ("phones", "emails", "handles", "urls")
#: Link identifier kinds (``phone:+48…``) that are contacts; other kinds (image hashes) are not.
CONTACT_IDENTIFIER_KINDS: Final = frozenset({"phone", "email", "handle", "url"})
#: How a masked value reads: a fixed length, so the mask does not tell the value's length either.
MASKED_VALUE: Final = MASK_CHAR * 6
#: Characters read in one extractor call (a chunk grows by up to :data:`WHITESPACE_REACH` to end
#: at whitespace). A phone-shaped run takes at least 8 characters, so a chunk holds fewer of them
#: than the extractor's per-text cap (512): none is skipped.
CHUNK_CHARS: Final = 2048
#: Chunks overlap by this much, so a contact crossing a chunk edge is whole in one of them.
OVERLAP_CHARS: Final = 256
#: How far a chunk edge moves to reach whitespace, so a long link is not cut in two.
WHITESPACE_REACH: Final = 1024
_NOT_SPACE: Final = re.compile(r"\S")
_SPACE: Final = re.compile(r"\s")


@dataclass(frozen=True, slots=True)
class TextContext:
    """What the extractor reads national phone numbers by: the text's language, place and hosts."""

    lang: str | None = None
    location: str | None = None
    hosts: tuple[str | None, ...] = ()


NO_CONTEXT: Final = TextContext()


def document_context(lang: str | None, location: str | None = None, platform: str | None = None, url: str | None = None) -> TextContext:
    """Region hints for a document, read as the pipeline reads them (its platform and its URL's host)."""
    host = None
    if url:
        host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or None
    return TextContext(lang=lang, location=location, hosts=(platform, host))


def mask_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with every non-space character inside ``spans`` replaced by :data:`MASK_CHAR` (same length)."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    if not merged:
        return text
    pieces: list[str] = []
    position = 0
    for start, end in merged:
        pieces.append(text[position:start])
        pieces.append(_NOT_SPACE.sub(MASK_CHAR, text[start:end]))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def contact_spans_of(entities: Iterable[EntitySpan], field: str = "text") -> list[tuple[int, int]]:
    """The contact spans among entity spans the pipeline already found (``pipeline.run(doc).entities``)."""
    return [(e.start, e.end) for e in entities if e.kind in CONTACT_KINDS and e.field == field]


def mask_value(kind: str, value: str) -> str:
    """One contact identifier, as a role that may not see it reads it: its kind (and messenger), not its value.

    ``kind`` is an entity kind (``handles``) or a link identifier kind (``handle``); values of
    other kinds are returned as they are.
    """
    if kind not in CONTACT_KINDS and kind not in CONTACT_IDENTIFIER_KINDS:
        return value
    if kind in ("handles", "handle"):
        network, colon, _ = value.partition(":")
        if colon and network.isalpha():
            return f"{network}:{MASKED_VALUE}"
    return MASKED_VALUE


def mask_identifier(key: str) -> str:
    """A link identifier (``phone:+48…``, ``handle:telegram:…``) with its value masked when it is a contact."""
    kind, colon, value = key.partition(":")
    if not colon or kind not in CONTACT_IDENTIFIER_KINDS:
        return key
    return f"{kind}:{mask_value(kind, value)}"


def _widen_left(text: str, position: int) -> int:
    """``position`` moved back to just after whitespace (at most :data:`WHITESPACE_REACH` characters)."""
    if position <= 0:
        return 0
    floor = max(0, position - WHITESPACE_REACH)
    found = max(text.rfind(" ", floor, position), text.rfind("\n", floor, position), text.rfind("\t", floor, position))
    return found + 1 if found >= 0 else floor


def _widen_right(text: str, position: int) -> int:
    """``position`` moved forward to the next whitespace (at most :data:`WHITESPACE_REACH` characters)."""
    if position >= len(text):
        return len(text)
    found = _SPACE.search(text, position, min(len(text), position + WHITESPACE_REACH))
    return found.start() if found else min(len(text), position + WHITESPACE_REACH)


class ContactRedactor:
    """Finds contact spans with the entity extractor and masks them. Build once (tables load here), share freely.

    :meth:`redact` and :meth:`redact_window` are pure and safe to call from many threads.
    """

    def __init__(self, normalizer: Normalizer, extractor: EntityExtractor) -> None:
        self.normalizer = normalizer
        self.extractor = extractor

    @classmethod
    def build(cls) -> ContactRedactor:
        """A redactor with its own normalizer and extractor (the pipeline's, loaded afresh)."""
        return cls(Normalizer(), EntityExtractor())

    def _extract(self, text: str, context: TextContext) -> list[tuple[int, int]]:
        spans = self.extractor.extract(
            self.normalizer(text), context.lang, location=context.location, hosts=context.hosts
        )
        return [(s.start, s.end) for s in spans if s.kind in CONTACT_KINDS]

    def contact_spans(self, text: str, context: TextContext = NO_CONTEXT, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
        """Spans of every contact in ``text[start:end]`` (and any contact reaching into it), as offsets into ``text``."""
        stop = len(text) if end is None else min(end, len(text))
        if start >= stop:
            return []
        lo, hi = _widen_left(text, max(0, start - OVERLAP_CHARS)), _widen_right(text, stop + OVERLAP_CHARS)
        found: list[tuple[int, int]] = []
        chunk_start = lo
        while chunk_start < hi:
            chunk_end = hi if hi - chunk_start <= CHUNK_CHARS + OVERLAP_CHARS else _widen_right(text, chunk_start + CHUNK_CHARS)
            found.extend((chunk_start + s, chunk_start + e) for s, e in self._extract(text[chunk_start:chunk_end], context))
            if chunk_end >= hi:
                break
            # The next chunk starts an overlap before this one ends, at a word start when there is one near.
            chunk_start = max(chunk_start + 1, _widen_left(text, chunk_end - OVERLAP_CHARS))
        return [(s, e) for s, e in found if e > start and s < stop]

    def redact(self, text: str, context: TextContext = NO_CONTEXT, known: Sequence[tuple[int, int]] = ()) -> str:
        """``text`` with every contact masked; ``known`` spans (from a fresh analysis) are masked as well."""
        if not text:
            return text
        return mask_spans(text, [*self.contact_spans(text, context), *known])

    def redact_window(self, text: str, start: int, end: int, context: TextContext = NO_CONTEXT) -> str:
        """``text[start:end]`` with every contact masked, reading only around the window (search snippets)."""
        spans = [(s - start, e - start) for s, e in self.contact_spans(text, context, start, end)]
        return mask_spans(text[start:end], spans)

    def redact_tree(self, value: Any, context: TextContext = NO_CONTEXT) -> Any:
        """Every string inside ``value`` (nested lists and mappings, keys too) redacted; other values kept."""
        if isinstance(value, str):
            return self.redact(value, context)
        if isinstance(value, list | tuple):
            return [self.redact_tree(v, context) for v in value]
        if isinstance(value, Mapping):
            return {self.redact_tree(k, context) if isinstance(k, str) else k: self.redact_tree(v, context) for k, v in value.items()}
        return value

"""URLs and bare domains ("https://...", "www.example.pl", "anna-vip.cz/gallery"), and
disguised ones ("www . example . com", "example kropka com", "example dot com/page",
"example[.]com"), whose value is the domain written plainly."""

from __future__ import annotations

import re
from typing import Any, Final

from vigil.extract.entities.base import SpanSet, WordIndex, pad, word_alternation
from vigil.extract.resources import load_yaml
from vigil.extract.words import WordHits

_URL: Final = re.compile(r"(?:https?://|www\.)[^\s<>\"'\[\]{}|\\^`]{2,2000}")
_TRAILING: Final = ".,;:!?)»\"'"
#: A dot glued to a letter: without one there is no bare domain to look for. (A letter or
#: digit, the dot, a letter: anchored on the dot, so the scan skips ahead to dots.)
_DOTTED: Final = re.compile(r"\.(?<=[^\W_]\.)[^\W\d_]")


#: One label of a domain, as ``[^\W_](?:[\w\-]{0,61}[^\W_])?`` where a dot follows it.
_LABEL_BEFORE_DOT: Final = r"[^\W_](?:[\w\-]{0,62}+(?<=[^\W_]))?"
#: Dots written apart or in brackets ("www . example", "example[.]com").
_DOT_MARKS: Final = (" . ", "[.", "(.", "{.", "<.", "[ .", "( .")


def _has_dot_mark(text: str) -> bool:
    """Whether one of :data:`_DOT_MARKS` is in ``text`` (written out: cheaper than a loop over them)."""
    return " . " in text or "[." in text or "(." in text or "{." in text or "<." in text or "[ ." in text or "( ." in text
#: Labels of a disguised domain before its top-level domain ("www", "mail", "example").
MAX_DISGUISED_LABELS: Final = 3


class UrlFinder:
    """Finds URLs (any domain when a scheme or ``www.`` is written) and bare domains (known TLDs)."""

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        data = config if config is not None else load_yaml("web.yaml")
        tlds = word_alternation(str(t).casefold() for t in data["tlds"])
        # A label is the whole run of word characters and hyphens before its dot (a dot is
        # never one of them), ending in a letter or digit: taken possessively and checked
        # once, instead of given back a character at a time in every word of the text.
        self._domain = re.compile(
            rf"(?<![\w@.\-/])(?:{_LABEL_BEFORE_DOT}\.){{1,4}}(?:{tlds})(?![\w\-@])(?:/[^\s<>\"']{{0,300}})?"
        )
        dot_words = word_alternation(str(w).casefold() for w in data["dot_words"])
        # A dot written so a filter misses it: spaced, bracketed or spelled in some language.
        dot = rf"(?:\s\.\s|\s?[(\[{{<]\s?(?:{dot_words}|\.)\s?[)\]}}>]\s?|\s(?:{dot_words})\s)"
        label = r"[^\W_](?:[\w\-]{0,61}[^\W_])?"
        self._disguised = re.compile(
            rf"(?<![\w@.\-/])({label}(?:(?:{dot}|\.){label}){{0,{MAX_DISGUISED_LABELS - 1}}}){dot}({tlds})(?![\w\-@])(/[^\s<>\"']{{1,300}})?"
        )
        self._split = re.compile(rf"{dot}|\.")
        self._dot_words = WordIndex((str(w).casefold(), True) for w in data["dot_words"])
        self.not_labels = frozenset(str(w).casefold() for w in data["not_domain_labels"])

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

    def find_disguised(
        self, text: str, taken: SpanSet | None = None, padded: str | None = None, words: WordHits | None = None
    ) -> list[tuple[int, int, str]]:
        """``(start, end, url)`` of domains written with disguised dots; ``url`` is written plainly.

        ``padded`` is ``pad`` of the text (or of a same-length view of it) when the caller has it,
        ``words`` a word scan of it that may hold the dot words.
        """
        if not _has_dot_mark(text) and not (
            words.of(self._dot_words) if words is not None else self._dot_words.find(padded or pad(text))
        ):
            return []
        taken = taken if taken is not None else SpanSet()
        found: list[tuple[int, int, str]] = []
        for m in self._disguised.finditer(text):
            labels = self._split.split(m.group(1))
            if labels[0] in self.not_labels or labels[-1] in self.not_labels:
                continue  # "the dot com era": prose
            start, end = m.start(), m.end() - len(m.group(3) or "") + len((m.group(3) or "").rstrip(_TRAILING))
            if taken.overlaps(start, end):
                continue
            found.append((start, end, ".".join([*labels, m.group(2)]) + (m.group(3) or "").rstrip(_TRAILING)))
        return found

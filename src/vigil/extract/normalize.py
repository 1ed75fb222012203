"""Normalization that keeps offsets.

Ad text is written to slip past filters: ``𝐍𝐄𝐖``, a Cyrillic ``е`` inside a Latin word,
``n3w``, emoji codes, zero-width characters between letters, runs of spaces. Matching runs
on a folded copy of the text, and every hit must still point at exact characters of the
original, so each normalized character carries the original span it came from.

Two views share one offset table (the second pass keeps lengths):

* ``light``: NFKC, casefold, emoji mapped to words, keycap emoji to digits, zero-width and
  decoration marks removed, whitespace runs collapsed to one space. Contacts (e-mails,
  URLs, handles, phones) are read here, where a digit inside a word is still a digit.
* ``text``: ``light`` plus look-alike folding inside words of mixed script and leetspeak
  inside words. Indicator lexicons match here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt

from vigil.extract.resources import load_yaml

#: Code points scanned for the "nothing to do" fast-path class: Latin, Greek, Cyrillic.
_SAFE_SCAN: Final = ((0x20, 0x250), (0x370, 0x530), (0x1E00, 0x1F00))
_WS: Final = r"\s\x00-\x1f\x7f-\x9f"
_DELETE: Final = "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff\U000e0000-\U000e007f"
_COMBINING: Final = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_EMOJI: Final = "\U0001f000-\U0001faff\u2600-\u27bf\u2300-\u23ff\u2b00-\u2bff\u2190-\u21ff"
_EMOJI_MOD: Final = "\ufe0e\ufe0f\U0001f3fb-\U0001f3ff"
_REGIONAL_A: Final = 0x1F1E6
#: Enclosed letters NFKC leaves alone (negative circled / negative squared capitals).
_ENCLOSED_LETTER_BLOCKS: Final = (0x1F150, 0x1F170)
_LETTER: Final = r"[^\W\d_]"
_LEET: Final = re.compile(rf"(?<={_LETTER})[0-9$]+(?={_LETTER})")
_LATIN_CLASS: Final = "a-z\u00df-\u00f6\u00f8-\u024f"
_CYRILLIC_CLASS: Final = "\u0400-\u04ff\u0500-\u052f"
_GREEK_CLASS: Final = "\u0370-\u03ff"
_MIXED: Final = re.compile(
    rf"[{_LATIN_CLASS}{_GREEK_CLASS}][{_CYRILLIC_CLASS}]|[{_CYRILLIC_CLASS}][{_LATIN_CLASS}{_GREEK_CLASS}]"
    rf"|[{_LATIN_CLASS}][{_GREEK_CLASS}]|[{_GREEK_CLASS}][{_LATIN_CLASS}]"
)
_CYRILLIC_RE: Final = re.compile(f"[{_CYRILLIC_CLASS}]")
#: Whether ``_LEET`` matches anywhere: a whole run of leet characters between two letters.
#: The scan skips ahead to a leet character (``_LEET``'s look-behind is tried at every place);
#: inside a run the look-behind fails at once, and the run is never backtracked into, so a
#: long run costs its length, not its square.
_LEET_ANY: Final = re.compile(rf"[0-9$](?<={_LETTER}[0-9$])[0-9$]*+(?={_LETTER})")
#: Every mixed-script pair holds a Greek or Cyrillic letter: text without one has none.
_GREEK_OR_CYRILLIC: Final = re.compile(f"[{_GREEK_CLASS}{_CYRILLIC_CLASS}]")
#: Whether ``_MIXED`` matches anywhere: every pair holds a Latin or Greek letter, so the scan
#: is anchored on one (skipping ahead over the Cyrillic letters of a Cyrillic text) and looks
#: at the letter before it and after it.
_MIXED_ANY: Final = re.compile(
    rf"[{_LATIN_CLASS}{_GREEK_CLASS}](?:(?<=[{_CYRILLIC_CLASS}][{_LATIN_CLASS}{_GREEK_CLASS}])|(?=[{_CYRILLIC_CLASS}])"
    rf"|(?<=[{_LATIN_CLASS}])(?=[{_GREEK_CLASS}])|(?<=[{_GREEK_CLASS}])(?=[{_LATIN_CLASS}]))"
)


Offsets = npt.NDArray[np.int64]
_ANY: Final = re.compile(".", re.DOTALL)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A folded view of ``original`` whose every character maps back to original offsets.

    ``starts[i]``/``ends[i]`` are the original span of normalized character ``i``; both are
    ``None`` when the mapping is the identity (the common case of already-clean text).
    """

    original: str
    text: str
    light: str = ""
    starts: Offsets | None = None
    ends: Offsets | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the normalized slice ``text[start:end]`` (exact)."""
        size = len(self.text)
        if not 0 <= start <= end <= size:
            raise ValueError(f"span {start}:{end} outside normalized text of length {size}")
        if self.starts is None or self.ends is None:
            return start, end
        if start == end:
            at = int(self.starts[start]) if start < size else len(self.original)
            return at, at
        return self.starts[start], self.ends[end - 1]

    def evidence(self, start: int, end: int) -> str:
        """The original characters behind the normalized slice ``text[start:end]``."""
        s, e = self.span(start, end)
        return self.original[s:e]

    def offset_arrays(self) -> tuple[Offsets, Offsets]:
        """Per-character original starts and ends, materialized for the identity case."""
        if self.starts is not None and self.ends is not None:
            return self.starts, self.ends
        starts = np.arange(len(self.text), dtype=np.int64)
        return starts, starts + 1


@dataclass(frozen=True, slots=True)
class FoldingTables:
    """The data a :class:`Normalizer` folds with (loaded from ``data/*.yaml``)."""

    emoji_words: Mapping[str, str]
    flag_names: Mapping[str, str]
    to_latin: Mapping[str, str]
    to_cyrillic: Mapping[str, str]
    leet_latin: Mapping[str, str]
    leet_cyrillic: Mapping[str, str]


def load_folding_tables() -> FoldingTables:
    """Read emoji, look-alike and leetspeak tables and the flag names (English)."""
    from babel import Locale  # deferred: babel's locale data is only needed here

    emoji = load_yaml("emoji.yaml")
    glyphs = load_yaml("homoglyphs.yaml")
    territories = Locale("en").territories
    flag_names = {
        code: name.casefold()
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha()
    }
    return FoldingTables(
        emoji_words={str(k): f" {str(v).casefold()} " for k, v in emoji["words"].items()},
        flag_names=flag_names,
        to_latin=dict(glyphs["to_latin"]),
        to_cyrillic=dict(glyphs["to_cyrillic"]),
        leet_latin=dict(glyphs["leet_latin"]),
        leet_cyrillic=dict(glyphs["leet_cyrillic"]),
    )


def _is_safe(char: str) -> bool:
    """A character that normalization leaves as one identical (casefolded) character."""
    if char == " ":
        return True
    if char.isspace() or unicodedata.category(char)[0] in "CMZ":
        return False
    return unicodedata.normalize("NFKC", char) == char and len(char.casefold()) == 1


@cache
def _safe_class() -> str:
    ranges: list[tuple[int, int]] = []
    for low, high in _SAFE_SCAN:
        for code in range(low, high):
            if not _is_safe(chr(code)):
                continue
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    parts = [re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges]
    return "".join(parts)


@cache
def _special_pattern() -> re.Pattern[str]:
    """Everything the fast path cannot copy through; one alternative per kind of work."""
    return re.compile(
        rf"(?P<flag>[\U0001f1e6-\U0001f1ff]{{2}})"
        rf"|(?P<keycap>[0-9#*][\ufe0e\ufe0f]?\u20e3)"
        rf"|(?P<emoji>[{_EMOJI}][{_EMOJI_MOD}]*(?:\u200d[{_EMOJI}][{_EMOJI_MOD}]*)*)"
        rf"|(?P<ws>[{_WS}]{{2,}}|(?! )[{_WS}])"
        rf"|(?P<delete>[{_DELETE}]+)"
        rf"|(?P<surrogate>[\ud800-\udfff])"
        rf"|(?P<other>.[{_COMBINING}]*)",
        re.DOTALL,
    )


@cache
def _scan_pattern() -> re.Pattern[str]:
    """Finds the next character the fast path cannot copy through (or a double space)."""
    return re.compile(f"[^{_safe_class()}]|  ")


_BACKUP: Final = re.compile(
    rf"(?P<keycap>[0-9#*][\ufe0e\ufe0f]?\u20e3)|(?P<other>.[{_COMBINING}]+)", re.DOTALL
)


class _Pieces:
    """Output pieces, each either copied 1:1 from the original or replacing one original span."""

    __slots__ = ("begins", "finishes", "last_space", "lengths", "linear", "parts")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.lengths: list[int] = []
        self.begins: list[int] = []
        self.finishes: list[int] = []
        self.linear: list[bool] = []
        self.last_space = False

    def _add(self, part: str, begin: int, finish: int, linear: bool) -> None:
        self.parts.append(part)
        self.lengths.append(len(part))
        self.begins.append(begin)
        self.finishes.append(finish)
        self.linear.append(linear)
        self.last_space = part.endswith(" ")

    def copy(self, text: str, begin: int, finish: int) -> None:
        if self.last_space and text[begin] == " ":
            begin += 1
        if begin >= finish:
            return
        chunk = text[begin:finish].casefold()
        if len(chunk) == finish - begin:
            self._add(chunk, begin, finish, True)
            return
        for offset, char in enumerate(text[begin:finish]):  # never for safe characters
            self._add(char.casefold(), begin + offset, begin + offset + 1, False)

    def block(self, replacement: str, begin: int, finish: int) -> None:
        if self.last_space and replacement.startswith(" "):
            replacement = replacement[1:]
        if replacement:
            self._add(replacement, begin, finish, False)

    def finish(self) -> tuple[str, Offsets, Offsets]:
        lengths = np.asarray(self.lengths, dtype=np.int64)
        piece = np.repeat(np.arange(len(lengths)), lengths)
        first_out = np.cumsum(lengths) - lengths
        within = np.arange(len(piece), dtype=np.int64) - first_out[piece]
        linear = np.asarray(self.linear, dtype=bool)[piece]
        starts = np.asarray(self.begins, dtype=np.int64)[piece] + within * linear
        ends = np.where(linear, starts + 1, np.asarray(self.finishes, dtype=np.int64)[piece])
        return "".join(self.parts), starts, ends


@lru_cache(maxsize=65536)
def _fold_cluster(cluster: str) -> str:
    """NFKC + casefold of one character and its combining marks, decorations dropped."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", cluster).casefold())
    kept = "".join(ch for ch in folded if unicodedata.category(ch) not in ("Mn", "Me", "Cf"))
    if any(ch.isspace() for ch in kept):
        return " "
    return kept


class Normalizer:
    """Builds :class:`NormalizedText` views; create once (tables load here), call per text."""

    def __init__(self, tables: FoldingTables | None = None) -> None:
        self.tables = tables if tables is not None else load_folding_tables()
        self._special = _special_pattern()
        self._scan = _scan_pattern()
        self._backup = _BACKUP

    def __reduce__(self) -> tuple[type[Normalizer], tuple[FoldingTables]]:
        return (Normalizer, (self.tables,))

    def __call__(self, text: str) -> NormalizedText:
        light, starts, ends = self._light(text)
        folded = self._fold_words(light)
        return NormalizedText(original=text, text=folded, light=light, starts=starts, ends=ends)

    # -- stage 1: character-level folding (changes lengths, builds the offset table) ------

    def _light(self, text: str) -> tuple[str, Offsets | None, Offsets | None]:
        hit = self._scan.search(text)
        if hit is None:
            folded = text.casefold()
            if len(folded) == len(text):
                return folded, None, None
        pieces = _Pieces()
        pos = 0
        while hit is not None:
            begin = hit.start()
            match = None
            if begin > pos:
                # keycaps and base+combining clusters start one safe character earlier
                match = self._backup.match(text, begin - 1)
                if match is not None:
                    begin -= 1
            if match is None:
                match = self._special.match(text, begin)
            if match is None:  # unreachable: every scan hit is a special character
                match = _ANY.match(text, begin)
                assert match is not None
            if begin > pos:
                pieces.copy(text, pos, begin)
            pieces.block(self._replace(match), begin, match.end())
            pos = match.end()
            hit = self._scan.search(text, pos)
        if pos < len(text):
            pieces.copy(text, pos, len(text))
        return pieces.finish()

    def _replace(self, match: re.Match[str]) -> str:
        kind = match.lastgroup
        value = match.group()
        if kind == "flag":
            code = "".join(chr(ord(ch) - _REGIONAL_A + ord("A")) for ch in value)
            name = self.tables.flag_names.get(code)
            return f" {name} " if name else code.casefold()
        if kind == "keycap":
            return value[0]
        if kind == "emoji":
            return self._emoji_word(value)
        if kind == "ws" or kind == "surrogate":
            return " "
        if kind == "delete":
            return ""
        return _fold_cluster(value)

    def _emoji_word(self, sequence: str) -> str:
        bare = "".join(ch for ch in sequence if ch not in "\ufe0e\ufe0f" and not 0x1F3FB <= ord(ch) <= 0x1F3FF)
        word = self.tables.emoji_words.get(bare)
        if word is None and "\u200d" in bare:
            word = self.tables.emoji_words.get(bare.split("\u200d", 1)[0])
        if word is not None:
            return word
        if len(bare) == 1:
            code = ord(bare)
            for block in _ENCLOSED_LETTER_BLOCKS:
                if block <= code < block + 26:
                    return chr(ord("a") + code - block)
            if _REGIONAL_A <= code < _REGIONAL_A + 26:
                return chr(ord("a") + code - _REGIONAL_A)
            folded = unicodedata.normalize("NFKC", bare)
            if folded != bare:
                return _fold_cluster(bare)
        return bare

    # -- stage 2: word-level folding (keeps lengths, so the offset table is shared) -------

    def _fold_words(self, light: str) -> str:
        folded = light
        if _LEET_ANY.search(folded):
            folded = _LEET.sub(self._leet, folded)
        if _GREEK_OR_CYRILLIC.search(folded) and _MIXED_ANY.search(folded):
            folded = self._fold_mixed_words(folded)
        return folded

    def _leet(self, match: re.Match[str]) -> str:
        before = match.string[match.start() - 1]
        table = self.tables.leet_cyrillic if _CYRILLIC_RE.match(before) else self.tables.leet_latin
        return "".join(table.get(ch, ch) for ch in match.group())

    def _fold_mixed_words(self, text: str) -> str:
        chars = list(text)
        covered = 0  # words end here or earlier are done (keeps this linear on one huge word)
        for match in _MIXED.finditer(text):
            if match.start() < covered:
                continue
            start = match.start()
            while start > covered and text[start - 1].isalpha():
                start -= 1
            end = match.end()
            while end < len(text) and text[end].isalpha():
                end += 1
            table = self._target_table(text[start:end])
            for index in range(start, end):
                chars[index] = table.get(chars[index], chars[index])
            covered = end
        return "".join(chars)

    def _target_table(self, word: str) -> Mapping[str, str]:
        cyrillic = sum(1 for ch in word if "\u0400" <= ch <= "\u052f")
        other = len(word) - cyrillic
        cyrillic_sure = sum(1 for ch in word if "\u0400" <= ch <= "\u052f" and ch not in self.tables.to_latin)
        latin_sure = sum(
            1 for ch in word if not "\u0400" <= ch <= "\u052f" and ch not in self.tables.to_cyrillic
            and ch not in self.tables.to_latin
        )
        if cyrillic_sure and not latin_sure:
            return self.tables.to_cyrillic
        if latin_sure and not cyrillic_sure:
            return self.tables.to_latin
        return self.tables.to_cyrillic if cyrillic > other else self.tables.to_latin


@cache
def default_normalizer() -> Normalizer:
    """The process-wide normalizer behind :func:`normalize` (built on first use)."""
    return Normalizer()


def normalize(text: str) -> NormalizedText:
    """Normalize ``text`` keeping a map back to original offsets (see module doc)."""
    return default_normalizer()(text)

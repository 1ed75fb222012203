"""Whole-word lookup of many phrases at once, shared by the entity finders and the digits view."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final, Generic, TypeVar

import ahocorasick

V = TypeVar("V")

_NON_LETTERS: Final = re.compile(r"[\W\d_]")
_APOSTROPHES: Final = ("'", "\u2019", "\u02bc", "")
#: Characters whose letters-only form is remembered (a few scripts' worth; hostile text
#: with more distinct characters is still translated, the rest just not remembered).
LETTERS_TABLE_SIZE: Final = 65_536


class _LettersTable(dict[int, str]):
    """``str.translate`` table: a letter to itself, any other character to a space.

    Filled on demand from ``_NON_LETTERS`` (one character at a time, so the same decision as
    a substitution); translating is about a third faster than substituting every non-letter.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        value = " " if _NON_LETTERS.match(char) else char
        if len(self) < LETTERS_TABLE_SIZE:
            self[code] = value
        return value


_LETTERS_TABLE: Final = _LettersTable()


def letters_only(text: str) -> str:
    """``text`` with every non-letter replaced by a space (same length, same offsets)."""
    return text.translate(_LETTERS_TABLE)


class WordIndex(Generic[V]):
    """Whole-word lookup of many phrases in one linear pass (Aho-Corasick).

    Phrases and text are compared in their letters-only form with a space at each end, so
    a phrase is only found as whole words ("tel" in "tel: 501", never in "hotel").
    """

    def __init__(self, phrases: Iterable[tuple[str, V]]) -> None:
        automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        for phrase, value in phrases:
            words = " ".join(letters_only(phrase).split())
            key = f" {words} "
            if words and key not in automaton:
                automaton.add_word(key, (len(words), value))
        automaton.make_automaton()
        self._automaton = automaton

    def find(self, padded: str) -> list[tuple[int, int, V]]:
        """``(start, end, value)`` in the original text, given ``pad(text)``."""
        return [(last - length - 1, last - 1, value) for last, (length, value) in self._automaton.iter(padded)]

    def entries(self) -> Iterator[tuple[str, int, int, V]]:
        """Each automaton key with how far before its last character the phrase starts and
        ends in the original text, and its value (what :class:`WordScan` merges)."""
        for key, (length, value) in self._automaton.items():
            yield key, length + 1, 1, value


class WordStarts(Generic[V]):
    """Lookup of many word beginnings in one linear pass (Aho-Corasick): a key is found where
    a word starts, whatever letters follow it ("warszaw" in "warszawie").

    Keys are letters-only words, looked up with a space before them in the padded text
    (``pad(text)``); the first value given for a key stays.
    """

    def __init__(self, keys: Iterable[tuple[str, V]]) -> None:
        automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        for word, value in keys:
            key = f" {word}"
            if not automaton.exists(key):
                automaton.add_word(key, (len(word), value))
        automaton.make_automaton()
        self._automaton = automaton

    def find(self, padded: str) -> list[tuple[int, int, V]]:
        """``(start, end, value)`` of each key in the original text, given ``pad(text)``: in
        order of their ends, the longest first where several end together."""
        return [(last - length, last, value) for last, (length, value) in self._automaton.iter(padded)]

    def entries(self) -> Iterator[tuple[str, int, int, V]]:
        """As :meth:`WordIndex.entries`."""
        for key, (length, value) in self._automaton.items():
            yield key, length, 0, value


class WordScan:
    """Several :class:`WordIndex` (or :class:`WordStarts`) lookups in one pass over a text: one
    automaton holds every index's phrases, each phrase with the indexes it belongs to.

    The entity finders of one document field look up several word lists in the same
    padded text; one pass serves them all.
    """

    def __init__(self, indexes: Sequence[WordIndex[Any] | WordStarts[Any]]) -> None:
        merged: dict[str, list[tuple[int, int, int, Any]]] = {}
        for number, index in enumerate(indexes):
            for key, before, after, value in index.entries():
                merged.setdefault(key, []).append((number, before, after, value))
        automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        for key, entries in merged.items():
            automaton.add_word(key, tuple(entries))
        automaton.make_automaton()
        self._automaton = automaton
        # Keyed by the index itself (an index is equal only to itself).
        self._positions: dict[WordIndex[Any] | WordStarts[Any], int] = {
            index: number for number, index in enumerate(indexes)
        }

    def find(self, padded: str) -> WordHits:
        """Every index's hits in ``padded`` (``pad(text)``), as its own ``find`` gives them.

        Both passes report the phrases ending at one place longest first, so each index's
        hits come in the same order.
        """
        found: list[list[tuple[int, int, Any]]] = [[] for _ in self._positions]
        for last, entries in self._automaton.iter(padded):
            for number, before, after, value in entries:
                found[number].append((last - before, last - after, value))
        return WordHits(padded, found, self._positions)


class WordHits:
    """The hits of one :meth:`WordScan.find`; an index outside the scan is looked up on demand."""

    __slots__ = ("_found", "_positions", "padded")

    def __init__(
        self,
        padded: str,
        found: list[list[tuple[int, int, Any]]],
        positions: dict[WordIndex[Any] | WordStarts[Any], int],
    ) -> None:
        self.padded = padded
        self._found = found
        self._positions = positions

    def of(self, index: WordIndex[V] | WordStarts[V]) -> list[tuple[int, int, V]]:
        """``index.find(self.padded)`` (the same list for every call: do not change it)."""
        number = self._positions.get(index)
        if number is None:
            return index.find(self.padded)
        return self._found[number]


def pad(text: str) -> str:
    """The letters-only form of ``text`` with a space at each end, for :meth:`WordIndex.find`."""
    return f" {letters_only(text)} "


def _without_marks(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def written_forms(word: str) -> set[str]:
    """``word`` as people type it: with and without diacritics, with any apostrophe, "ş" for "ș"."""
    forms = {word, _without_marks(word), word.replace("ș", "ş").replace("ț", "ţ")}
    if "'" in word:
        forms |= {f.replace("'", a) for f in list(forms) for a in _APOSTROPHES}
    return forms

"""Stated ages ("19 yo", "19 Jahre", "19 лет", "19 років", "19 lat", "19 let", "19 ani", "age: 19").

A number is an age only beside an age word of some supported language, inside a plausible
range, and not as a requirement or a range ("from 18 years", "18-35 lat") or a duration
("5 years of experience").
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any, Final

from vigil.extract.entities.base import LETTER, word_alternation
from vigil.extract.resources import load_yaml

#: Characters looked at before an age for a requirement word or a range.
LOOK_BEFORE: Final = 24
_NUMBER: Final = re.compile(r"(?<![\d.,])\d{2}(?!\d)")
_RANGE_AFTER: Final = re.compile(r"\s?[-\u2013\u2014+]\s?\d")
#: Two-digit numbers looked at per text (bounds the work on hostile text).
MAX_NUMBERS: Final = 5000
_RANGE_BEFORE: Final = re.compile(r"\d\s?[-\u2013\u2014/]\s?$|\d\s?(?:[-\u2013\u2014]|to|до|do|bis|až|a|à|al|tot|ile)\s$")


def _words(table: dict[str, list[str]]) -> list[str]:
    return [str(w).casefold() for words in table.values() for w in words]


class AgeFinder:
    """Finds stated ages in the normalized text; values are ints."""

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        data = config if config is not None else load_yaml("ages.yaml")
        self.min_age = int(data["min_age"])
        self.max_age = int(data["max_age"])
        after = word_alternation(_words(data["after"]))
        before = word_alternation(_words(data["before"]))
        weak = word_alternation(_words(data["before_weak"]))
        # Anchored on the two-digit number (a fast scan); the age words are then looked for
        # only right before or right after it.
        self._after = re.compile(rf"\s?-?\s?(?:{after})(?!{LETTER})")
        self._before = re.compile(rf"(?<!{LETTER})(?:{before})\s?[:=\-]?\s?$")
        self._weak = re.compile(rf"(?<!{LETTER})(?:{weak})\s$")
        self._weak_end = re.compile(r"\s?(?:[,.!;)]|$)")
        self._negative_after = re.compile(rf"\s?(?:{word_alternation(str(w).casefold() for w in data['after_negative'])})(?!{LETTER})")
        self._negative_before = re.compile(
            rf"(?<!{LETTER})(?:{word_alternation(str(w).casefold() for w in data['before_negative'])})\s?$"
        )

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """``(start, end, age)`` of each stated age (span covers number and age word)."""
        found: list[tuple[int, int, int]] = []
        for m in islice(_NUMBER.finditer(text), MAX_NUMBERS):
            age = int(m.group())
            if not self.min_age <= age <= self.max_age:
                continue
            start, end = m.span()
            window = max(0, start - LOOK_BEFORE)
            before = text[window:start]
            if _RANGE_BEFORE.search(before) or self._negative_before.search(before):
                continue
            after = self._after.match(text, end)
            if after is not None:
                if not self._negative_after.match(text, after.end()):
                    found.append((start, after.end(), age))
                continue
            if text[end : end + 1] in (".", ",") and text[end + 1 : end + 2].isdigit():
                continue  # "19.5", "19,99": not an age
            if _RANGE_AFTER.match(text, end):
                continue
            prefix = self._before.search(text, window, start)
            if prefix is not None:
                found.append((prefix.start(), end, age))
                continue
            weak = self._weak.search(text, window, start)
            if weak is not None and self._weak_end.match(text, end):
                found.append((weak.start(), end, age))
        return found

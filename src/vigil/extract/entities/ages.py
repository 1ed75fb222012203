"""Stated ages ("19 yo", "19 Jahre", "19 лет", "Anna, 21", "Lena (21)", "19 and 21 years",
"dziewiętnaście lat", "einundzwanzig Jahre", "huszonkét éves").

A number (two digits, or spelled out in a supported language) is an age, inside a plausible
range, when:

- an age word follows it ("19 lat", "twenty-one yo") or names it ("age: 19"), or a weak
  phrase comes before it and it ends the clause ("I'm 19.", "мені 19,");
- or, written in digits, it stands beside a person: a first name or a person word right
  before it ("Anna 19", "girls 19 and 21"), or set off by a comma or a bracket after one in
  the same sentence ("Julia aus Odessa, 25,", "Alina (23)"), and no unit, month or further
  digits follow ("Anna 30 min", "girls 19 May", "Anna 19 22 33" are no ages).

Lists share their context: in "19, 20 und 22 Jahre" or "Sveta (20) und Ira (22)" every member
is an age. Never a requirement or a range ("from 18 years", "18-35 lat", "entre 18 et 25
ans", "18+", "18 and older") or a duration ("5 years of experience", "depuis 15 ans").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, Final

from vigil.extract.entities.base import LETTER, WordIndex, pad, word_alternation
from vigil.extract.resources import load_yaml
from vigil.extract.words import WordHits, written_forms

#: Characters looked at before an age for a requirement word or a range.
LOOK_BEFORE: Final = 24
#: Characters looked at before an age for the person it belongs to ("Julia aus Odessa, 25").
PERSON_BEFORE: Final = 48
#: Two digits, no digit, dot or comma before them (the look-behind follows the first digit
#: so the scan skips ahead to digits).
_NUMBER: Final = re.compile(r"\d(?<![\d.,]\d)\d(?!\d)")
_RANGE_AFTER: Final = re.compile(
    rf"\s?(?:[-\u2013\u2014+]\s?\d|(?:to|до|do|bis|až|a|à|al|tot|ile)\s\d|\+(?!\s?{LETTER}+\s\d))"
)
#: Two-digit numbers looked at per text (bounds the work on hostile text).
MAX_NUMBERS: Final = 5000
_RANGE_BEFORE: Final = re.compile(
    r"\d\s?[-\u2013\u2014/]\s?$|\d\s?(?:[-\u2013\u2014]|to|до|do|bis|až|a|à|al|tot|ile)\s$"
)
#: A decimal, a time, a date or a fraction goes on after the number ("19.5", "19:00", "24/7").
_CONTINUES: Final = re.compile(r"[.,]\d|\s?[:/]\s?\d|[^\W\d_]")
#: More digits after a bare number: a phone or a list of figures ("Anna 50 12 34").
_DIGITS_AFTER: Final = re.compile(r"\s\d")
#: Where a sentence or a run of digits ends, a person before it is no longer in view.
_LAST_BREAK: Final = re.compile(r"[.!?\n\d][^.!?\n\d]*$")
#: Digits right before a bare number: a phone or a list of figures ("067 412 88 19").
_DIGITS_BEFORE: Final = re.compile(r"\d[\s\-./]?$")
#: What may stand between a person and the age right after it ("Anna 19", "Lena (21)").
_BESIDE: Final = re.compile(r"\s?\(?\s?$")
#: What sets an age off after a person further before ("Julia aus Odessa, 25", "Ning, 26").
_SET_OFF: Final = re.compile(r"(?:,|\(|\s[-\u2013\u2014])\s?$")
#: A sentence that opens with a word or two and the age ("Alla, 40, Minsk", "Kinky Chantelle, 25.").
_OPENING: Final = re.compile(rf"[^\w]*{LETTER}+(?:['\u2019\u02bc\s-]{LETTER}+)?\s?,\s?")
#: How such an opening age ends: its clause ends ("Віолетта, 29.", "Jade, 24, Birmingham").
_OPENING_END: Final = re.compile(r"\s?(?:[,.!;)\u2013\u2014]|$)")
#: Money right after a bare number ("Incall, 50 €").
_MONEY_AFTER: Final = re.compile(r"\s?[$€£₴₽¥]")
#: The end of a bare age: its clause ends, a bracket closes, or a word follows.
_BARE_END: Final = re.compile(r"\s?\)?\s?(?P<next>[^\W\d_]+)?")
_WORD: Final = re.compile(rf"{LETTER}+(?:['\u2019\u02bc]{LETTER}+)?")


@dataclass(frozen=True, slots=True)
class _Number:
    start: int
    end: int
    value: int
    spelled: bool


def _words(table: dict[str, list[str]]) -> list[str]:
    return [str(w).casefold() for words in table.values() for w in words]


def spelled_numbers(data: dict[str, Any]) -> Iterator[tuple[str, int]]:
    """Every spelled-out number of ``age_numbers.yaml`` as ``(casefolded words, value)``."""
    for table in data.values():
        tens = {str(w).casefold(): int(v) for w, v in table["tens"].items()}
        units = {str(w).casefold(): int(v) for w, v in table["units"].items()}
        numbers = {str(w).casefold(): int(v) for w, v in table["words"].items()} | tens
        for pattern in table["compounds"]:
            for ten, ten_value in tens.items():
                for unit, unit_value in units.items():
                    numbers[str(pattern).format(tens=ten, units=unit)] = ten_value + unit_value
        for words, value in numbers.items():
            for form in written_forms(words):
                yield form, value


class AgeFinder:
    """Finds stated ages in the normalized text; values are ints."""

    def __init__(self, config: dict[str, Any] | None = None, numbers: dict[str, Any] | None = None) -> None:
        data = config if config is not None else load_yaml("ages.yaml")
        self.min_age = int(data["min_age"])
        self.max_age = int(data["max_age"])
        after = word_alternation(_words(data["after"]))
        before = word_alternation(_words(data["before"]))
        weak = word_alternation(_words(data["before_weak"]))
        # Anchored on the number (a fast scan); the age words are then looked for only right
        # before or right after it.
        self._after = re.compile(rf"\s?-?\s?(?:{after})(?!{LETTER})")
        self._before = re.compile(rf"(?<!{LETTER})(?:{before})\s?[:=\-]?\s?$")
        self._weak = re.compile(rf"(?<!{LETTER})(?:{weak})\s$")
        self._weak_end = re.compile(r"\s?(?:[,.!;)]|$)")
        self._negative_after = re.compile(
            rf"\s?(?:{word_alternation(str(w).casefold() for w in data['after_negative'])})(?!{LETTER})"
        )
        self._negative_before = re.compile(
            rf"(?<!{LETTER})(?:{word_alternation(str(w).casefold() for w in data['before_negative'])})\.?\s?$"
        )
        joins = word_alternation(_words(data["list_words"]))
        self._list_join = re.compile(
            rf"\s?(?:[,/&]|(?<!{LETTER})(?:{joins})(?!{LETTER}))\s?|\)\s?(?:,|(?:{joins}))\s\S*?\s?\("
        )
        self._range_joins = frozenset(str(w).casefold() for w in data["range_joins"])
        self._range_opener = re.compile(
            rf"(?<!{LETTER})(?:{word_alternation(str(w).casefold() for w in data['range_openers'])})\s$"
        )
        self._person_stems = tuple(_words(data["person_words"]))
        names = load_yaml("first_names.yaml")
        self._first_names = frozenset(f for name in _words(names) for f in written_forms(name))
        self._not_after = frozenset(_words(data["not_after"]))
        self._spelled = WordIndex(spelled_numbers(numbers if numbers is not None else load_yaml("age_numbers.yaml")))

    def is_person(self, word: str) -> bool:
        """Whether a casefolded word names a person: a first name or a person word ("girls")."""
        return word in self._first_names or word.startswith(self._person_stems)

    def find(self, text: str, padded: str | None = None, words: WordHits | None = None) -> list[tuple[int, int, int]]:
        """``(start, end, age)`` of each stated age; ``padded`` is ``pad(text)`` if known,
        ``words`` a word scan of it that may hold the spelled numbers."""
        found: list[tuple[int, int, int]] = []
        spelled = words.of(self._spelled) if words is not None else self._spelled.find(padded or pad(text))
        numbers = self._numbers(text, spelled)
        if not numbers:
            return found
        for group in self._lists(numbers, text):
            span = self._stated(text, group)
            if span is not None:
                start, end = span
                found.extend(
                    (start if i == 0 else n.start, end if i == len(group) - 1 else n.end, n.value)
                    for i, n in enumerate(group)
                )
        return found

    def _numbers(self, text: str, spelled: list[tuple[int, int, int]]) -> list[_Number]:
        numbers: list[_Number] = []
        for m in islice(_NUMBER.finditer(text), MAX_NUMBERS):
            value = int(m.group())
            if self.min_age <= value <= self.max_age:
                numbers.append(_Number(m.start(), m.end(), value, False))
        if not spelled:
            return numbers
        # Longest spelled number first at each place ("dwadzieścia dwa", not "dwadzieścia").
        taken = -1
        for start, end, value in sorted(spelled, key=lambda h: (h[0], -h[1])):
            if start >= taken and self.min_age <= value <= self.max_age:
                numbers.append(_Number(start, end, value, True))
                taken = end
        return sorted(numbers, key=lambda n: n.start) if taken >= 0 else numbers

    def _lists(self, numbers: Iterable[_Number], text: str) -> Iterator[list[_Number]]:
        """Runs of numbers joined as a list ("19, 20 und 22", "19/21", "Sveta (20) und Ira (22)")."""
        group: list[_Number] = []
        for number in numbers:
            if group and self._joined(text, group, number):
                group.append(number)
                continue
            if group:
                yield group
            group = [number]
        if group:
            yield group

    def _joined(self, text: str, group: list[_Number], number: _Number) -> bool:
        last = group[-1]
        between = text[last.end : number.start]
        if not between or len(between) > PERSON_BEFORE:
            return False
        if between in (",", ".") and not (last.spelled or number.spelled):
            return False  # "19,5" or "19.05": one number, not two
        if between.strip() in self._range_joins and self._range_opener.search(
            text, max(0, group[0].start - LOOK_BEFORE), group[0].start
        ):
            return False  # "de 18 a 25 años": a range
        return self._list_join.fullmatch(between) is not None

    def _stated(self, text: str, group: list[_Number]) -> tuple[int, int] | None:
        """The span of a list of numbers that states ages, or None."""
        first, last = group[0], group[-1]
        start, end = first.start, last.end
        window = max(0, start - LOOK_BEFORE)
        before = text[window:start]
        if _RANGE_BEFORE.search(before) or self._negative_before.search(before):
            return None
        after = self._after.match(text, end)
        if after is not None:
            return None if self._negative_after.match(text, after.end()) else (start, after.end())
        if _RANGE_AFTER.match(text, end) or self._negative_after.match(text, end):
            return None
        if not last.spelled and _CONTINUES.match(text, end):
            return None
        prefix = self._before.search(text, window, start)
        if prefix is not None:
            return prefix.start(), end
        weak = self._weak.search(text, window, start)
        if weak is not None and self._weak_end.match(text, end):
            return weak.start(), end
        if first.spelled or last.spelled or _DIGITS_AFTER.match(text, end) or _MONEY_AFTER.match(text, end):
            return None
        if not self._beside_person(text, start) and not (
            _OPENING.fullmatch(self._sentence(text, start)) and _OPENING_END.match(text, end)
        ):
            return None
        tail = _BARE_END.match(text, end)
        if tail is not None and tail.group("next") and tail.group("next") in self._not_after:
            return None
        return start, end

    @staticmethod
    def _sentence(text: str, start: int) -> str:
        """The sentence before ``start`` up to it, when it began at most ``PERSON_BEFORE`` before."""
        lead = text[max(0, start - PERSON_BEFORE) : start]
        last = _LAST_BREAK.search(lead)
        if last is None:
            return lead if start <= PERSON_BEFORE else ""
        return "" if last.group()[0].isdigit() else lead[last.start() + 1 :]

    def _beside_person(self, text: str, start: int) -> bool:
        """Whether a person is named right before ``start`` ("Anna 19") or further before in the
        same sentence with the number set off by a comma or a bracket ("Julia aus Odessa, 25")."""
        lead = text[max(0, start - PERSON_BEFORE) : start]
        if _DIGITS_BEFORE.search(lead):
            return False
        last_break = _LAST_BREAK.search(lead)
        words = list(_WORD.finditer(lead, last_break.start() + 1 if last_break else 0))
        if not words:
            return False
        last = words[-1]
        if self.is_person(last.group()) and _BESIDE.fullmatch(lead, last.end()):
            return True
        return _SET_OFF.search(lead) is not None and any(self.is_person(w.group()) for w in words)

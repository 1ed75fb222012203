"""A digits-oriented view of a normalized text, for reading hidden contact numbers.

Ads hide phone numbers from filters by spelling digits out ("five zero one", "пʼять нуль
один", "siedem"), writing the groups as numbers ("zéro sept, cinquante-huit",
"девятьсот шестнадцать", "06 harminc 482"), typing letters for digits ("5O1", "O5O1") or
writing keycap emoji (the normalizer already turns those into digits). This view rewrites
such tokens as digits and keeps the exact map back to the original text, so a phone found
here still points at the characters the ad really contains.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice, pairwise
from typing import Any, Final

import numpy as np

from vigil.errors import ConfigError
from vigil.extract.normalize import NormalizedText, Offsets
from vigil.extract.resources import load_yaml
from vigil.extract.words import WordHits, WordIndex, pad, written_forms

_LETTER: Final = r"[^\W\d_]"
#: Separators that may sit between the tokens of one spelled-out number.
_DIGITS: Final = re.compile(r"\d+")
_RUN_GAP: Final = re.compile(r"[\s\-.,/()+\u2013\u2014]{0,3}")
#: Number tokens looked at per text (bounds the work on hostile text).
MAX_TOKENS: Final = 20_000
#: Longest token of digits and digit-like letters rewritten at once (bounds the scan).
_MAX_MIXED_TOKEN: Final = 40
#: Vowels elided where two meet in a compound number ("venti" + "uno": "ventuno").
_VOWELS: Final = frozenset("aeiouàèéìíòóùú")
#: Characters that may stand between a hundred and the rest of its number, besides a joiner.
_HUNDRED_GAP: Final = r"[\s\-]+"
#: A spelled token: ``(start, end, digits or None for a digit run, number words in it)``.
_Token = tuple[int, int, str | None, int]


@dataclass(frozen=True, slots=True)
class DigitTables:
    words: Mapping[str, str]  # casefolded number word -> the digits it stands for ("7", "58", "900")
    letters: Mapping[str, str]  # letter typed for a digit -> digit
    min_run_tokens: int
    hundred_joiners: tuple[str, ...] = ()


def load_digit_tables() -> DigitTables:
    data: Any = load_yaml("number_words.yaml")
    words: dict[str, str] = {}
    for by_digit in data["digits"].values():
        for digit, spelled in by_digit.items():
            for word in spelled:
                words[str(word).casefold()] = str(digit)
    if any(len(digit) != 1 for digit in words.values()):
        raise ConfigError("number_words.yaml: every word must stand for exactly one digit")
    for word, value in spelled_numbers(data):
        if words.setdefault(word, value) != value:
            raise ConfigError(f"number_words.yaml: {word!r} stands for both {words[word]} and {value}")
    for word in data["plus"]:
        words[str(word).casefold()] = "+"
    letters = {str(ch): str(digit) for digit, chars in data["letter_digits"].items() for ch in chars}
    joiners = tuple(str(w).casefold() for w in data.get("hundred_joiners", ()))
    return DigitTables(words=words, letters=letters, min_run_tokens=int(data["min_run_tokens"]), hundred_joiners=joiners)


def spelled_numbers(data: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Every number above nine of ``number_words.yaml`` as ``(casefolded words, digits)``:
    teens, tens, hundreds, their listed words, the compounds of a ten and a unit, and of a
    hundred and what follows it where a language writes them as one word."""
    for lang, table in data["numbers"].items():
        units = {str(w).casefold(): int(d) for d, spelled in data["digits"][lang].items() if d != "0" for w in spelled}
        units |= _values(table.get("units"))
        tens = _values(table.get("tens"))
        below = {**_values(table.get("teens")), **tens, **_values(table.get("words"))}
        for pattern in table.get("compounds", ()):
            for ten, ten_value in (_values(table.get("compound_tens")) or tens).items():
                for unit, unit_value in units.items():
                    for form in _joined(str(pattern), ten, unit):
                        below.setdefault(form, ten_value + unit_value)
        hundreds = _values(table.get("hundreds"))
        numbers = {**below, **hundreds}
        for pattern in table.get("hundred_compounds", ()):
            for hundred, hundred_value in hundreds.items():
                for rest, rest_value in {**units, **below}.items():
                    for form in _joined(str(pattern), hundred, rest, ("hundreds", "rest")):
                        numbers.setdefault(form, hundred_value + rest_value)
        for words, value in numbers.items():
            for form in written_forms(words):
                yield form, str(value)


def _values(table: Mapping[str, Any] | None) -> dict[str, int]:
    return {str(w).casefold(): int(v) for w, v in (table or {}).items()}


def _joined(pattern: str, first: str, second: str, names: tuple[str, str] = ("tens", "units")) -> Iterator[str]:
    """``pattern`` filled in, and elided where it glues a vowel to a vowel ("ventuno")."""
    yield pattern.format(**{names[0]: first, names[1]: second})
    if f"{{{names[0]}}}{{{names[1]}}}" in pattern and first[-1:] in _VOWELS and second[:1] in _VOWELS:
        yield pattern.format(**{names[0]: first[:-1], names[1]: second})


class DigitReader:
    """Builds the digits view; create once, call per normalized text."""

    def __init__(self, tables: DigitTables | None = None) -> None:
        self.tables = tables if tables is not None else load_digit_tables()
        self._words = WordIndex((word, digit) for word, digit in self.tables.words.items())
        letter_class = "".join(re.escape(ch) for ch in self.tables.letters)
        self._mixed = re.compile(rf"(?<!{_LETTER})[\d{letter_class}]{{2,{_MAX_MIXED_TOKEN}}}(?!{_LETTER})")
        zero = "".join(re.escape(ch) for ch, d in self.tables.letters.items() if d == "0")
        # A digit beside a digit-like letter ("5O1", "O5"), or an O one separator away
        # ("501 O"). Anchored on the digit, so the scan skips ahead to digits.
        self._letters = re.compile(
            rf"\d(?:(?=[{letter_class}])|(?=[ \-.][{zero}])|(?<=[{letter_class}]\d)|(?<=[{zero}][ \-.]\d))"
        )
        # A group of only O's between digit groups: "501 234 OOO". A lone "o" is a word
        # ("chiamare il 389 512 0064 o venire", "o" = "or"), never a group of its own.
        self._zero_group = re.compile(
            rf"(?<=\d[ \-.])[{zero}]{{2,4}}(?!{_LETTER})|(?<!{_LETTER})[{zero}]{{2,4}}(?=[ \-.]\d)"
        )
        joiners = "|".join(re.escape(j) for j in sorted(self.tables.hundred_joiners, key=len, reverse=True))
        # Between a hundred and the rest of its number: "девятьсот шестнадцать", "nine hundred and six".
        self._hundred_gap = re.compile(rf"{_HUNDRED_GAP}(?:(?:{joiners}){_HUNDRED_GAP})?" if joiners else _HUNDRED_GAP)

    def __reduce__(self) -> tuple[type[DigitReader], tuple[DigitTables]]:
        return (DigitReader, (self.tables,))

    def __call__(self, nt: NormalizedText, padded: str | None = None, words_found: WordHits | None = None) -> NormalizedText:
        """The digits view of ``nt``; ``padded`` is ``pad(nt.text)`` when the caller has it,
        ``words_found`` a word scan of it that may hold this reader's number words."""
        base = nt.light
        if words_found is not None:
            words = words_found.of(self._words)
        else:
            words = self._words.find(padded if padded is not None else pad(nt.text))
        has_words = bool(words)
        has_mixed = self._letters.search(base) is not None
        if not has_words and not has_mixed:
            return _unchanged(nt, base)
        if has_mixed:
            base = self._mixed.sub(self._letters_to_digits, base)
            base = self._zero_group.sub(lambda m: "0" * len(m.group()), base)
        replacements = self._word_replacements(base, words) if has_words else []
        if not replacements:
            return _unchanged(nt, base)
        starts, ends = nt.offset_arrays()
        text, new_starts, new_ends = _rewrite(base, starts, ends, replacements)
        return NormalizedText(original=nt.original, text=text, light=text, starts=new_starts, ends=new_ends)

    def _letters_to_digits(self, match: re.Match[str]) -> str:
        token = match.group()
        if token.isdigit() or not any(ch.isdigit() for ch in token):
            return token
        return "".join(self.tables.letters.get(ch, ch) for ch in token)

    def _word_replacements(self, text: str, words: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        tokens: list[_Token] = [(m.start(), m.end(), None, 0) for m in islice(_DIGITS.finditer(text), MAX_TOKENS)]
        tokens.extend(self._numbers(text, _leftmost_longest(words[:MAX_TOKENS])))
        # A spelled word can cover the same span as a digit run ("O77O" read both ways):
        # order by position only, digits first, never comparing None with a digit string.
        tokens.sort(key=lambda token: (token[0], token[1], token[2] is not None))
        runs: list[list[_Token]] = []
        for token in tokens:
            if runs and token[0] >= runs[-1][-1][1] and _RUN_GAP.fullmatch(text, runs[-1][-1][1], token[0]):
                runs[-1].append(token)
            else:
                runs.append([token])
        replacements: list[tuple[int, int, str]] = []
        for run in runs:
            if len(run) < self.tables.min_run_tokens:
                continue
            words_in_run = sum(token[3] for token in run)
            found = len(replacements)
            for i, (start, end, digits, _) in enumerate(run):
                if digits is None:
                    continue
                interior = 0 < i < len(run) - 1
                # "plus 48 ...", and a trunk zero spelled before digits ("zero 7 6 5 - 2 0 8").
                leading = i == 0 and digits in ("+", "0")
                if words_in_run >= 2 or interior or leading:
                    replacements.append((start, end, digits))
            if len(replacements) > found:
                # Commas between the groups of a spelled number only set the groups off
                # ("zéro six, 33, 81, 20, 57"), as spaces do.
                replacements.extend(
                    (at, at + 1, " ") for a, b in pairwise(run) for at in range(a[1], b[0]) if text[at] == ","
                )
        replacements.sort()
        return replacements

    def _numbers(self, text: str, words: list[tuple[int, int, str]]) -> list[_Token]:
        """Spelled tokens, a hundred joined to the number below a hundred after it
        ("девятьсот шестнадцать": 916, "sześćset dziewięćdziesiąt cztery": 694)."""
        tokens: list[_Token] = []
        for start, end, digits in words:
            if tokens:
                before = tokens[-1]
                value = before[2]
                if (
                    value is not None
                    and len(value) == 3
                    and value.endswith("00")
                    and len(digits) <= 2
                    and digits.isdigit()
                    and self._hundred_gap.fullmatch(text[before[1] : start].casefold())
                ):
                    tokens[-1] = (before[0], end, str(int(value) + int(digits)), before[3] + 1)
                    continue
            tokens.append((start, end, digits, 1))
        return tokens


def _leftmost_longest(words: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Number words that do not overlap, the longest first where several start together
    ("quatre-vingt-quatorze" rather than "quatre", "vingt" and "quatorze")."""
    kept: list[tuple[int, int, str]] = []
    for word in sorted(words, key=lambda w: (w[0], -w[1])):
        if not kept or word[0] >= kept[-1][1]:
            kept.append(word)
    return kept


def _unchanged(nt: NormalizedText, base: str) -> NormalizedText:
    """The digits view whose text is ``base``, the light view with nothing rewritten: ``nt``
    itself when its two views are already that text (the common case), as nothing differs."""
    if base is nt.text and base is nt.light:
        return nt
    return NormalizedText(original=nt.original, text=base, light=base, starts=nt.starts, ends=nt.ends)


def _rewrite(
    text: str, starts: Offsets, ends: Offsets, replacements: Sequence[tuple[int, int, str]]
) -> tuple[str, Offsets, Offsets]:
    """Replace each ``(start, end)`` by its new characters, each mapping to the whole old span.

    Vectorized: hostile text can hold a hundred thousand spelled digits.
    """
    begins = np.fromiter((b for b, _, _ in replacements), dtype=np.int64, count=len(replacements))
    finishes = np.fromiter((f for _, f, _ in replacements), dtype=np.int64, count=len(replacements))
    widths = np.fromiter((len(new) for _, _, new in replacements), dtype=np.int64, count=len(replacements))
    delta = np.zeros(len(text) + 1, dtype=np.int64)
    np.add.at(delta, begins, 1)
    np.add.at(delta, finishes, -1)
    # How many characters each old one becomes: 1 outside replacements, 0 inside them,
    # and the width of the new text at a replacement's first character.
    counts = (np.cumsum(delta[:-1]) == 0).astype(np.int64)
    counts[begins] = widths
    new_ends = ends.copy()
    new_ends[begins] = ends[finishes - 1]
    parts: list[str] = []
    pos = 0
    for begin, finish, new in replacements:
        parts.append(text[pos:begin])
        parts.append(new)
        pos = finish
    parts.append(text[pos:])
    return "".join(parts), np.repeat(starts, counts), np.repeat(new_ends, counts)

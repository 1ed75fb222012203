"""A digits-oriented view of a normalized text, for reading hidden contact numbers.

Ads hide phone numbers from filters by spelling digits out ("five zero one", "пʼять нуль
один", "siedem"), typing letters for digits ("5O1", "O5O1") or writing keycap emoji (the
normalizer already turns those into digits). This view rewrites such tokens as digits
and keeps the exact map back to the original text, so a phone found here still points at
the characters the ad really contains.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, Final

import numpy as np

from vigil.errors import ConfigError
from vigil.extract.normalize import NormalizedText, Offsets
from vigil.extract.resources import load_yaml
from vigil.extract.words import WordHits, WordIndex, pad

_LETTER: Final = r"[^\W\d_]"
#: Separators that may sit between the tokens of one spelled-out number.
_DIGITS: Final = re.compile(r"\d+")
_RUN_GAP: Final = re.compile(r"[\s\-.,/()+\u2013\u2014]{0,3}")
#: Number tokens looked at per text (bounds the work on hostile text).
MAX_TOKENS: Final = 20_000
#: Longest token of digits and digit-like letters rewritten at once (bounds the scan).
_MAX_MIXED_TOKEN: Final = 40


@dataclass(frozen=True, slots=True)
class DigitTables:
    words: Mapping[str, str]  # casefolded number word -> digit
    letters: Mapping[str, str]  # letter typed for a digit -> digit
    min_run_tokens: int


def load_digit_tables() -> DigitTables:
    data: Any = load_yaml("number_words.yaml")
    words: dict[str, str] = {}
    for by_digit in data["digits"].values():
        for digit, spelled in by_digit.items():
            for word in spelled:
                words[str(word).casefold()] = str(digit)
    if any(len(digit) != 1 for digit in words.values()):
        raise ConfigError("number_words.yaml: every word must stand for exactly one digit")
    for word in data["plus"]:
        words[str(word).casefold()] = "+"
    letters = {str(ch): str(digit) for digit, chars in data["letter_digits"].items() for ch in chars}
    return DigitTables(words=words, letters=letters, min_run_tokens=int(data["min_run_tokens"]))


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
        # A group of only O's between digit groups: "501 234 OOO".
        self._zero_group = re.compile(
            rf"(?<=\d[ \-.])[{zero}]{{1,4}}(?!{_LETTER})|(?<!{_LETTER})[{zero}]{{1,4}}(?=[ \-.]\d)"
        )

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
            return NormalizedText(original=nt.original, text=base, light=base, starts=nt.starts, ends=nt.ends)
        if has_mixed:
            base = self._mixed.sub(self._letters_to_digits, base)
            base = self._zero_group.sub(lambda m: "0" * len(m.group()), base)
        replacements = self._word_replacements(base, words) if has_words else []
        if not replacements:
            return NormalizedText(original=nt.original, text=base, light=base, starts=nt.starts, ends=nt.ends)
        starts, ends = nt.offset_arrays()
        text, new_starts, new_ends = _rewrite(base, starts, ends, replacements)
        return NormalizedText(original=nt.original, text=text, light=text, starts=new_starts, ends=new_ends)

    def _letters_to_digits(self, match: re.Match[str]) -> str:
        token = match.group()
        if token.isdigit() or not any(ch.isdigit() for ch in token):
            return token
        return "".join(self.tables.letters.get(ch, ch) for ch in token)

    def _word_replacements(self, text: str, words: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        tokens: list[tuple[int, int, str | None]] = [(m.start(), m.end(), None) for m in islice(_DIGITS.finditer(text), MAX_TOKENS)]
        tokens.extend(words[:MAX_TOKENS])
        # A spelled word can cover the same span as a digit run ("O77O" read both ways):
        # order by position only, digits first, never comparing None with a digit string.
        tokens.sort(key=lambda token: (token[0], token[1], token[2] is not None))
        runs: list[list[tuple[int, int, str | None]]] = []
        for token in tokens:
            if runs and token[0] >= runs[-1][-1][1] and _RUN_GAP.fullmatch(text, runs[-1][-1][1], token[0]):
                runs[-1].append(token)
            else:
                runs.append([token])
        replacements: list[tuple[int, int, str]] = []
        for run in runs:
            if len(run) < self.tables.min_run_tokens:
                continue
            spelled = [i for i, token in enumerate(run) if token[2] is not None]
            for i in spelled:
                start, end, digit = run[i]
                assert digit is not None
                interior = 0 < i < len(run) - 1
                leading_plus = i == 0 and digit == "+"
                if len(spelled) >= 2 or interior or leading_plus:
                    replacements.append((start, end, digit))
        return replacements


def _rewrite(
    text: str, starts: Offsets, ends: Offsets, replacements: Sequence[tuple[int, int, str]]
) -> tuple[str, Offsets, Offsets]:
    """Replace each ``(start, end)`` by one character that maps to the whole old span.

    Vectorized: hostile text can hold a hundred thousand spelled digits.
    """
    begins = np.fromiter((b for b, _, _ in replacements), dtype=np.int64, count=len(replacements))
    finishes = np.fromiter((f for _, f, _ in replacements), dtype=np.int64, count=len(replacements))
    delta = np.zeros(len(text) + 1, dtype=np.int64)
    np.add.at(delta, begins + 1, 1)
    np.add.at(delta, finishes, -1)
    kept = np.flatnonzero(np.cumsum(delta[:-1]) == 0)
    new_ends = ends.copy()
    new_ends[begins] = ends[finishes - 1]
    parts: list[str] = []
    pos = 0
    for begin, finish, new in replacements:
        parts.append(text[pos:begin])
        parts.append(new)
        pos = finish
    parts.append(text[pos:])
    return "".join(parts), starts[kept], new_ends[kept]

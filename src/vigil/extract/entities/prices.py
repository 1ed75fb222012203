"""Prices: an amount next to a currency sign or word ("150 €", "€150", "200 zł", "1 500 грн",
"3 tys. zł", "2k EUR"), as ``{"amount": 150, "currency": "EUR"}``."""

from __future__ import annotations

import re
from itertools import islice
from typing import Any, Final

from vigil.extract.entities.base import LETTER, Price, WordIndex, pad, word_alternation
from vigil.extract.resources import load_yaml
from vigil.extract.words import WordHits

#: No digit, and no digit and a separator, before the amount ("1 500" is one amount, not
#: "500"). The look-behinds follow the first digit so the scan skips ahead to digits.
_AMOUNT: Final = (
    r"\d(?<!\d\d)(?<!\d[ .,]\d)"
    r"(?:\d{0,2}(?:[ .,'\u2019]\d{3}){1,2}(?:[.,]\d{1,2})?(?!\d)|\d{0,6}(?:[.,]\d{1,2})?(?!\d))"
)
_AMOUNT_RE: Final = re.compile(_AMOUNT)
#: Amounts looked at per text (bounds the work on hostile text).
MAX_AMOUNTS: Final = 5000
#: Characters before an amount searched for a currency sign or word ("€ 150", "EUR 150").
CURRENCY_BEFORE: Final = 12
#: Characters next to an amount that may hold the nearest character of a currency or
#: multiplier written after it (one space between) or of a currency before it (a space, or a
#: line end, or both).
_NEAR_AFTER: Final = 2
_NEAR_BEFORE: Final = 3
_THOUSANDS: Final = re.compile(r"(\d{1,3})((?:[ .,'\u2019]\d{3}){1,2})(?:[.,](\d{1,2}))?")


def parse_amount(text: str) -> float:
    """``"1 500"`` -> 1500, ``"1.500,50"`` -> 1500.5, ``"150,00"`` -> 150, ``"12.5"`` -> 12.5."""
    m = _THOUSANDS.fullmatch(text)
    if m is not None:
        whole = m.group(1) + re.sub(r"\D", "", m.group(2))
        return float(f"{whole}.{m.group(3)}") if m.group(3) else float(whole)
    return float(text.replace(",", "."))


class PriceFinder:
    """Finds prices in the normalized text."""

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        data = config if config is not None else load_yaml("currencies.yaml")
        self.currency_of = {str(w).casefold(): str(code) for code, words in data["currencies"].items() for w in words}
        self.multiplier_of = {str(w).casefold(): int(n) for n, words in data["multipliers"].items() for w in words}
        self.min_amount = float(data["min_amount"])
        self.max_amount = float(data["max_amount"])
        signs = [w for w in self.currency_of if not any(ch.isalpha() for ch in w)]
        words = [w for w in self.currency_of if w not in signs]
        currency = rf"(?:{word_alternation(signs)}|(?<!{LETTER})(?:{word_alternation(words)})(?!{LETTER}))"
        multiplier = rf"(?:{word_alternation(self.multiplier_of)})(?!{LETTER})"
        # Anchored on the amount (a fast digit scan); the currency is then looked for right
        # after it (with an optional multiplier) or right before it.
        self._after = re.compile(rf"\s?(?:(?P<multiplier>{multiplier})\s?)?(?P<currency>{currency})")
        self._before = re.compile(rf"(?P<currency>{currency})\s?$")
        self._multiplier_after = re.compile(rf"\s?(?P<multiplier>{multiplier})")
        # Most amounts are no price (phone digits, times, counts): a currency or multiplier
        # can only be next to one whose neighbours hold its first or last character, which a
        # set lookup rules out before the currency patterns are tried.
        self._first_chars = frozenset(w[0] for w in (*self.currency_of, *self.multiplier_of) if w)
        self._last_chars = frozenset(w[-1] for w in self.currency_of if w)
        # Every price holds a currency: a sign, or a word standing as a whole word (its
        # letters a whole word of the letters-only copy). Most ads name none, and then the
        # amounts are not looked at.
        self._signs = re.compile("|".join(re.escape(sign) for sign in sorted(signs, key=len, reverse=True)) or "(?!)")
        self._words = WordIndex((w, True) for w in words)

    def find(self, text: str, padded: str | None = None, words: WordHits | None = None) -> list[tuple[int, int, Price]]:
        """``(start, end, price)`` of each price; ``padded`` is ``pad(text)`` if known, ``words``
        a word scan of it that may hold the currency words."""
        found: list[tuple[int, int, Price]] = []
        if not (
            words.of(self._words) if words is not None else self._words.find(padded if padded is not None else pad(text))
        ) and self._signs.search(text) is None:
            return found
        for m in islice(_AMOUNT_RE.finditer(text), MAX_AMOUNTS):
            start, end = m.span()
            multiplier_text = None
            after = self._after.match(text, end) if self._first_chars.intersection(text[end : end + _NEAR_AFTER]) else None
            if after is not None:
                currency_text, multiplier_text, end = after.group("currency"), after.group("multiplier"), after.end()
            else:
                if not self._last_chars.intersection(text[max(0, start - _NEAR_BEFORE) : start]):
                    continue
                before = self._before.search(text, max(0, start - CURRENCY_BEFORE), start)
                if before is None:
                    continue
                currency_text, start = before.group("currency"), before.start()
                multiplier = self._multiplier_after.match(text, end)
                if multiplier is not None:
                    multiplier_text, end = multiplier.group("multiplier"), multiplier.end()
            amount = parse_amount(m.group().strip())
            if multiplier_text:
                amount *= self.multiplier_of[multiplier_text.casefold()]
            if not self.min_amount <= amount <= self.max_amount:
                continue
            value: int | float = int(amount) if amount.is_integer() else round(amount, 2)
            found.append((start, end, Price(value, self.currency_of[currency_text.casefold()])))
        return found

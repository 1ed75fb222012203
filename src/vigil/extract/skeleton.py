"""A canonical Latin "skeleton" of a word, shared by every language.

A word and every lexicon entry or model feature go through the same function, so a term
written in Cyrillic matches its Latin transliteration and the other way round
("проститутки", "prostitutki"), and spelling variants of the same sound collapse
("ukrajinka", "ukrayinka", "українка" -> "ukrainka"). The skeleton is lossy on purpose: it
is a matching key, never shown to anyone. The query check and the clause recognizer both
read words through it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Cyrillic letters of Ukrainian, Russian and Belarusian to the skeleton alphabet.
# Digraph sounds go straight to the single letter the Latin digraph rules below produce
# (ж/zh -> z, ш/sh -> s, ч/ch -> c, х/kh -> h), so both scripts land on one key.
_CYRILLIC = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "є": "ie",
    "ж": "z",
    "з": "z",
    "и": "i",
    "і": "i",
    "ї": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ў": "u",
    "ф": "f",
    "х": "h",
    "ц": "c",
    "ч": "c",
    "ш": "s",
    "щ": "s",
    "ъ": "",
    "ы": "i",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}

# Latin letters that NFKD does not decompose.
_LATIN_SPECIAL = {
    "ł": "l",
    "ß": "ss",
    "ø": "o",
    "æ": "ae",
    "œ": "oe",
    "ı": "i",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ŀ": "l",
}


# Longest first: the regex engine takes the first alternative that matches.
_DIGRAPHS = {
    "shch": "s",
    "sch": "s",
    "sh": "s",
    "zh": "z",
    "kh": "h",
    "ch": "c",
    "cz": "c",
    "sz": "s",
    "ph": "f",
    "ck": "k",
    "x": "ks",
    "w": "v",
    "y": "i",
    "j": "i",
    "q": "k",
}
_DIGRAPH_RE = re.compile("|".join(sorted(_DIGRAPHS, key=len, reverse=True)))
# "ts" before a vowel is the transliteration of "ц" ("granitsey", "ukraintsev"); at the end
# of a word it is an English plural ("escorts") and stays.
_TS_RE = re.compile(r"ts(?=[aeiouy])")
_DOUBLE_RE = re.compile(r"(.)\1+")


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x00C0, 0x0250):
        char = chr(code).lower()
        if len(char) != 1:
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if base.isascii() and base.isalpha():
            table[ord(char)] = base
    for src, dst in {**_LATIN_SPECIAL, **_CYRILLIC}.items():
        table[ord(src)] = dst
    # Romanian comma-below letters sit outside the block above.
    table[ord("ș")] = "s"
    table[ord("ț")] = "t"
    return table


_TABLE = _build_table()


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """The canonical matching key of one lower-cased token (no spaces)."""
    text = token.translate(_TABLE)
    if "ts" in text:
        text = _TS_RE.sub("c", text)
    text = _DIGRAPH_RE.sub(lambda m: _DIGRAPHS[m.group(0)], text)
    return _DOUBLE_RE.sub(r"\1", text)

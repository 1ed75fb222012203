"""Query normalisation beyond the shared skeleton: leetspeak and ages glued to units.

The skeleton itself (Cyrillic and Latin spellings of a word on one key) lives in
:mod:`vigil.extract.skeleton`, shared with the clause recognizer; it is re-exported here
for the query check's modules.
"""

from __future__ import annotations

import re

from vigil.extract.skeleton import skeleton

__all__ = ["LEET", "deleet", "skeleton", "split_age"]

# Leetspeak substitutions, applied only inside tokens that also contain letters.
LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s", "!": "i", "|": "l"}

_LEET_TABLE = str.maketrans(LEET)
_HAS_LETTER_RE = re.compile(r"[^\W\d_]")
_AGE_SPLIT_RE = re.compile(r"^(\d{1,2})([^\W\d_]+)$")


def deleet(token: str) -> str:
    """Undo leetspeak in a token that mixes letters with digits or symbols ("s3x" -> "sex")."""
    if token.isdigit() or not _HAS_LETTER_RE.search(token):
        return token
    return token.translate(_LEET_TABLE)


def split_age(token: str) -> tuple[str, str] | None:
    """``"16yo"`` -> ``("16", "yo")``: a number glued to a unit word, kept apart from leetspeak."""
    match = _AGE_SPLIT_RE.match(token)
    if match is None:
        return None
    return match.group(1), match.group(2)

"""Keep training queries apart from a test set: the fresh-queries protocol's overlap check.

A training query is too close to a test query when both are in the same language and
share at least ``NEAR_DUPLICATE_JACCARD`` of their words (token Jaccard: shared words over
all words of the two), after folding case, diacritics and punctuation. Such training rows
are dropped, never the test rows, so figures on the test set stay figures on queries the
model has not seen in other words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

#: Share of words in common from which two queries count as the same query reworded.
NEAR_DUPLICATE_JACCARD: Final = 0.7

_WORD_RE = re.compile(r"\w+")


def folded_words(text: str) -> frozenset[str]:
    """The words of a query, case-folded, without diacritics or punctuation."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return frozenset(_WORD_RE.findall(bare))


def jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    union = len(first | second)
    return len(first & second) / union if union else 0.0


def too_close(
    rows: Sequence[Mapping[str, Any]],
    held_out: Iterable[Mapping[str, Any]],
    threshold: float = NEAR_DUPLICATE_JACCARD,
) -> list[int]:
    """Indexes of ``rows`` sharing ``threshold`` or more of their words with a held-out
    query of the same language (rows without a language are compared with every one)."""
    by_lang: dict[str, list[frozenset[str]]] = {}
    for row in held_out:
        by_lang.setdefault(str(row.get("lang") or ""), []).append(folded_words(str(row["query"])))
    everyone = [words for group in by_lang.values() for words in group]
    close = []
    for index, row in enumerate(rows):
        words = folded_words(str(row["query"]))
        lang = str(row.get("lang") or "")
        candidates = by_lang.get(lang, []) if lang else everyone
        if words and any(jaccard(words, other) >= threshold for other in candidates):
            close.append(index)
    return close

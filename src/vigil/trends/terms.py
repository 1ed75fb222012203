"""Concept lexicons (origin terms, job sectors) matched on normalized text.

A lexicon file maps ``concept -> language -> [pattern, ...]`` (syntax in
``data/origin_terms.yaml``). One Aho-Corasick automaton over the literal head of every
pattern finds candidates in a single linear pass; only there does a small anchored regular
expression check the rest of the pattern and the word boundaries. Ad text is hostile input,
so the work per text is bounded by :data:`MAX_CANDIDATES`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final

import ahocorasick
import yaml

from vigil.errors import ConfigError

Fold = Callable[[str], str]

#: Candidate checks per text; a hostile text repeating a stem stops being examined here.
MAX_CANDIDATES: Final = 500
_COMBINING: Final = re.compile(r"[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_APOSTROPHES: Final = "'’ʼ`´"
_SPECIAL: Final = re.compile(r"[*\s'’ʼ`´-]")


def fold_text(text: str) -> str:
    """Compatibility-normalized, casefolded text without accents (``"Українська"`` → ``"украінська"``).

    Offsets are not kept: trend segments need only whether a concept occurs.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return unicodedata.normalize("NFC", _COMBINING.sub("", decomposed))


@dataclass(frozen=True, slots=True)
class Pattern:
    """One lexicon entry, compiled: its concept, its language, and whether it is language-bound."""

    concept: str
    lang: str
    source: str
    own_language: bool
    regex: re.Pattern[str]


def _pattern_regex(folded: str) -> re.Pattern[str]:
    parts: list[str] = []
    for char in folded:
        if char == "*":
            parts.append(r"\w*")
        elif char.isspace() or char == "-":
            parts.append(r"[\s\-]+")
        elif char in _APOSTROPHES:
            parts.append("[" + re.escape(_APOSTROPHES) + "]?")
        else:
            parts.append(re.escape(char))
    # Collapse runs of separators produced by "a - b".
    body = re.sub(r"(\[\\s\\-\]\+)+", r"[\\s\\-]+", "".join(parts))
    return re.compile(body + r"(?!\w)")


def _head(folded: str) -> str:
    match = _SPECIAL.search(folded)
    return folded if match is None else folded[: match.start()]


def _entries(raw: object, where: str) -> list[tuple[str, bool]]:
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: expected a list of patterns")
    out: list[tuple[str, bool]] = []
    for item in raw:
        if isinstance(item, str):
            out.append((item, False))
        elif isinstance(item, Mapping) and isinstance(item.get("pattern"), str):
            out.append((item["pattern"], bool(item.get("own_language", False))))
        else:
            raise ConfigError(f"{where}: pattern must be a string or {{pattern: ..., own_language: ...}}")
    return out


class ConceptMatcher:
    """Finds which concepts of a lexicon a text mentions. Picklable; build once, use everywhere."""

    def __init__(self, patterns: Iterable[Pattern]) -> None:
        self.patterns: tuple[Pattern, ...] = tuple(patterns)
        self._automaton = self._build()

    def _build(self) -> Any:
        automaton = ahocorasick.Automaton()
        heads: dict[str, list[int]] = {}
        for index, pattern in enumerate(self.patterns):
            head = _head(pattern.source)
            if not head:
                raise ConfigError(f"pattern {pattern.source!r} ({pattern.concept}/{pattern.lang}) has no literal start")
            heads.setdefault(head, []).append(index)
        for head, indexes in heads.items():
            automaton.add_word(head, (len(head), tuple(indexes)))
        automaton.make_automaton()
        return automaton

    def __reduce__(self) -> tuple[type[ConceptMatcher], tuple[tuple[Pattern, ...]]]:
        return (ConceptMatcher, (self.patterns,))

    @property
    def concepts(self) -> tuple[str, ...]:
        return tuple(sorted({p.concept for p in self.patterns}))

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted({p.lang for p in self.patterns}))

    def find(self, folded: str, lang: str | None) -> set[str]:
        """Concepts mentioned in already folded text; ``lang`` enables that language's own-language patterns."""
        found: set[str] = set()
        if not folded or not self.patterns:
            return found
        budget = MAX_CANDIDATES
        for end, (length, indexes) in self._automaton.iter(folded):
            start = end - length + 1
            if start > 0 and (folded[start - 1].isalnum() or folded[start - 1] == "_"):
                continue
            for index in indexes:
                pattern = self.patterns[index]
                if pattern.concept in found or (pattern.own_language and pattern.lang != lang):
                    continue
                budget -= 1
                if pattern.regex.match(folded, start):
                    found.add(pattern.concept)
            if budget <= 0:
                break
        return found


def parse_lexicon(data: object, where: str, fold: Fold = fold_text) -> ConceptMatcher:
    """Build a matcher from a parsed lexicon document ``{"concepts": {concept: {lang: [...]}}}``."""
    if not isinstance(data, Mapping) or not isinstance(data.get("concepts"), Mapping):
        raise ConfigError(f"{where}: expected a mapping with 'concepts'")
    patterns: list[Pattern] = []
    for concept, by_lang in data["concepts"].items():
        if not isinstance(by_lang, Mapping):
            raise ConfigError(f"{where}: concept {concept!r} must map languages to patterns")
        for lang, raw in by_lang.items():
            for text, own in _entries(raw, f"{where}: {concept}/{lang}"):
                folded = fold(text).strip()
                patterns.append(Pattern(str(concept), str(lang), folded, own, _pattern_regex(folded)))
    return ConceptMatcher(patterns)


@cache
def load_lexicon(name: str) -> ConceptMatcher:
    """A matcher for a lexicon shipped in ``vigil/trends/data`` (parsed once per process)."""
    try:
        text = resources.files("vigil.trends").joinpath("data", name).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"missing trends data file {name!r}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"trends data file {name!r} is not valid YAML: {exc}") from exc
    return parse_lexicon(data, name)


def origin_terms() -> ConceptMatcher:
    return load_lexicon("origin_terms.yaml")

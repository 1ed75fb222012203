"""A cheap first test before the lexicons' regular expressions: words they cannot match without.

Most lexicon patterns need literal words somewhere in their match (a currency and "night",
"girls", "up to"). Looking those words up in the case-folded text with one Aho-Corasick
pass is far cheaper than the joined search of every pattern; a pattern missing one of
its words cannot match, so the search joins only the others, and when no pattern has
all its words, none is run.

The words are read from the pattern's syntax tree (the standard library's parser, which
reads the plain syntax the lexicons use). Only what every match must contain counts:

- a run of consecutive literal characters (``eur`` in ``\\d\\s?eur(?!\\w)``), or a set
  of plain characters (``[€$]``);
- in a sequence, the requirements of each of its parts (all of them hold);
- in an alternation, one word set per branch (a branch without one voids it);
- in a repeat of at least one, its body's requirements.

Why a word found by the pattern is found by the test: the patterns match with full case
folding, so a literal run matches text whose case folding equals the run's; the test looks
for the run's case folding in the text's case folding (``str.casefold``). Where the
``regex`` module matches a character that ``str.casefold`` folds otherwise (``İ`` matches
``i`` but folds to ``i̇``; a newer Unicode letter folds to ``ss`` in one and not in the
other), the text has a *special* character and every pattern stays a candidate. The
special characters are worked out from the ``regex`` module's own case tables when the
gate is built, and a test walks every code point to hold them complete. A pattern the
parser reads differently or cannot read (sets inside sets, fuzzy counts, ``\\p{...}``)
has no requirement, and its plan keeps the joined search alone.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Sequence
from typing import Any, Final

import ahocorasick
import regex

#: The standard library's regular-expression parser (no public name, no type stubs).
sre_parse: Final[Any] = importlib.import_module("re._parser")
sre_constants: Final[Any] = importlib.import_module("re._constants")
#: Syntax the standard parser would read differently from the ``regex`` module (version 1):
#: fuzzy-match counts, ``\p``/``\N``/``\L`` and other escapes of its own, inline version
#: or reverse flags. A pattern with any of these (or a set inside a set) has no requirement.
_FOREIGN_SYNTAX: Final = regex.compile(r"\{[^}]*[a-z<>=][^}]*\}|\\[pPNLXmMGK]|\(\?[^:)]*[Vr]", regex.IGNORECASE)
#: Words one branch-spanning requirement may list; a longer list says too little to be worth it.
MAX_ALTERNATIVES: Final = 64

#: What every match contains: one word of each set (an empty tuple: nothing known).
Requirement = tuple[frozenset[str], ...]


def required_literals(pattern: str) -> Requirement:
    """Sets of literal strings; every match of ``pattern`` contains a word of each set."""
    if _FOREIGN_SYNTAX.search(pattern) or _has_nested_set(pattern):
        return ()
    try:
        tree = sre_parse.parse(pattern)
    except (sre_constants.error, RecursionError):
        return ()
    return _sequence(list(tree))


def _has_nested_set(pattern: str) -> bool:
    """True when a ``[`` stands inside a character set (a nested set in ``regex`` version 1)."""
    in_set = False
    pos = 0
    while pos < len(pattern):
        char = pattern[pos]
        if char == "\\":
            pos += 2
            continue
        if in_set and char == "[":
            return True
        if not in_set and char == "[":
            in_set = True
            pos += 1
            if pattern.startswith("^", pos):
                pos += 1
            if pattern.startswith("]", pos):
                pos += 1  # a "]" first in a set is a member, not its end
            continue
        if in_set and char == "]":
            in_set = False
        pos += 1
    return False


def _sequence(items: list[tuple[Any, Any]]) -> Requirement:
    found: list[frozenset[str]] = []
    run: list[str] = []
    for op, arg in [*items, (None, None)]:
        if op is sre_constants.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            found.append(frozenset({"".join(run)}))
            run = []
        if op is not None:
            found.extend(_node(op, arg))
    return tuple(found)


def _node(op: Any, arg: Any) -> Requirement:
    if op is sre_constants.SUBPATTERN:
        return _sequence(list(arg[-1]))
    if op is sre_constants.ATOMIC_GROUP:
        return _sequence(list(arg))
    if op is sre_constants.BRANCH:
        return _branches([_sequence(list(branch)) for branch in arg[1]])
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT):
        low, _, body = arg
        return _sequence(list(body)) if low >= 1 else ()
    if op is sre_constants.IN and arg and all(item_op is sre_constants.LITERAL for item_op, _ in arg):
        return (frozenset(chr(code) for _, code in arg),)  # a set of plain characters: [€$]
    # Lookarounds, anchors, other sets, categories, backreferences: nothing required of the text.
    return ()


def _selective(words: frozenset[str]) -> tuple[int, int]:
    return min(len(word) for word in words), -len(words)


def _branches(branches: Sequence[Requirement]) -> Requirement:
    """One word set for an alternation: each branch's most selective set, joined."""
    words: set[str] = set()
    for requirement in branches:
        if not requirement:
            return ()
        best: frozenset[str] = max(requirement, key=_selective)
        words |= best
    if len(words) > MAX_ALTERNATIVES:
        return ()
    return (frozenset(words),)


#: The ``regex`` module's case tables (no public name): full case folding, and the
#: characters matched alike when ignoring case.
_CASES: Final[Any] = importlib.import_module("regex._regex")
_FULL_CASE: Final[int] = importlib.import_module("regex._regex_core").FULLCASE | regex.IGNORECASE | regex.UNICODE


def regex_fold(text: str) -> str:
    """``text`` folded the way the patterns' full case folding folds it."""
    return str(_CASES.fold_case(_FULL_CASE, text))


def special_characters(alphabet: Iterable[str]) -> frozenset[str]:
    """Characters the patterns may match to a letter of ``alphabet`` (case-folded) where
    ``str.casefold`` would not show that letter in its place."""
    special = {
        chr(code)
        for letter in alphabet
        for code in _CASES.get_all_cases(_FULL_CASE, ord(letter))
        if chr(code).casefold() != letter
    }
    special.update(char for char in _CASES.get_expand_on_folding() if regex_fold(char).casefold() != char.casefold())
    return frozenset(special)


class LiteralGate:
    """False for a text in which no pattern's required words all occur (see the module doc)."""

    def __init__(self, requirements: Sequence[Requirement]) -> None:
        words = sorted({word.casefold() for requirement in requirements for words in requirement for word in words})
        #: Characters that make every pattern a candidate (see :func:`special_characters`).
        self.special = special_characters({char for word in words for char in word})
        # A plain character class (no flags): the standard library reads it exactly.
        members = "".join(sorted(map(re.escape, self.special)))
        self._special_re = re.compile(f"[{members}]" if members else "(?!)")
        number = {word: n for n, word in enumerate(words)}
        self._needs = tuple(
            tuple(frozenset(number[word.casefold()] for word in words) for words in requirement)
            for requirement in requirements
        )
        self._every = tuple(range(len(requirements)))
        self._automaton = ahocorasick.Automaton()
        for word, n in number.items():
            self._automaton.add_word(word, n)
        self._automaton.make_automaton()

    @staticmethod
    def of(patterns: Iterable[str]) -> LiteralGate | None:
        """The gate of these patterns; None when one of them has no known requirement."""
        requirements = [required_literals(text) for text in patterns]
        if not requirements or not all(requirements):
            return None
        words = {word for requirement in requirements for words in requirement for word in words}
        if any(regex_fold(word).casefold() != word.casefold() for word in words):
            return None  # a word the two foldings read apart: no look-up for it
        return LiteralGate(requirements)

    def candidates(self, text: str) -> tuple[int, ...]:
        """Positions (in the order given) of the patterns whose required words all occur in ``text``."""
        if self._special_re.search(text) is not None:
            return self._every
        found = {n for _, n in self._automaton.iter(text.casefold())}
        if not found:
            return ()
        return tuple(
            number for number, needs in enumerate(self._needs) if all(not found.isdisjoint(words) for words in needs)
        )

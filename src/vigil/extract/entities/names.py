"""Person names and aliases: after introducing phrases ("my name is X", "меня зовут X",
"jestem X", "ich heiße X", "sono X"), known first names anywhere ("Sweet Anna 19", "Katya ❤️
new in town", "ANNA 21", "Lena and Masha", "ask for Viktoria", "Anna here"), and an unknown
capitalised word that opens a sentence with its age ("Zara, 27, Liverpool", "Jade 24").

Precision over recall: a name is one capitalised word (or a hyphenated pair). After a weak
phrase ("I'm", "я", "jestem") the word must also not be a known non-name; a known first name
is no name where a word beside it makes it a street, a hotel, a saint or a company ("Santa
Maria", "ul. Anny", "Hotel Victoria", "Anna Trans GmbH"), or a place ("in Sofia").
"""

from __future__ import annotations

import re
from typing import Any, Final

from vigil.extract.entities.base import LETTER, WordIndex, pad
from vigil.extract.normalize import NormalizedText
from vigil.extract.resources import load_yaml, read_data_text
from vigil.extract.words import WordHits, written_forms

_NAME: Final = rf"(?P<name>{LETTER}{{2,20}}(?:-{LETTER}{{2,20}})?)"
#: What may follow an introducing phrase before the name itself.
_AFTER_PHRASE: Final = re.compile(rf"\s?(?P<colon>[:\-,])?\s?{_NAME}(?!{LETTER})")
#: An age set off by a comma after a word ("Zara, 27, Liverpool", "Ning, 26."): looked for
#: first (a comma is rare), then the word before it must open a sentence or a title.
_COMMA_AGE: Final = re.compile(r",\s?\(?\d{2}\)?(?=\s?[,.!;)\u2013\u2014\n]|\s?$)")
_OPENING_NAME: Final = re.compile(rf"(?:^|[.!?\n|]\s?|[^\w\s,.\-\u2013\u2014]\s)\s*{_NAME}\s?$", re.MULTILINE)
#: Characters looked at before such an age for the word and what opens its sentence.
OPENING_BEFORE: Final = 48
#: Letters of a case ending taken off a word to find it among places, and the shortest place.
PLACE_ENDING: Final = 4
MIN_PLACE: Final = 4
#: The word before or after a known first name, to look up in the blocker lists.
_WORD_BEFORE: Final = re.compile(rf"({LETTER}+)\.?\s$")
_WORD_AFTER: Final = re.compile(rf"\s({LETTER}+)")


def _phrases(table: dict[str, list[str]]) -> list[str]:
    return [str(p).casefold() for phrases in table.values() for p in phrases]


class NameFinder:
    """Finds names in a normalized text, checking capitals in its original."""

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        data = config if config is not None else load_yaml("names.yaml")
        self.not_names = frozenset(str(w).casefold() for w in data["not_names"])
        self.weak_not_endings = tuple(str(e).casefold() for e in data["weak_not_endings"])
        # (strong, needs a colon): "name:" introduces a name, "name" alone does not.
        phrases = [(p, (True, p.endswith(":"))) for p in _phrases(data["strong"])]
        phrases += [(p, (False, p.endswith(":"))) for p in _phrases(data["weak"])]
        self._phrases = WordIndex(phrases)
        first = load_yaml("first_names.yaml")
        self._known = WordIndex(
            (form, True) for names in first.values() for name in names for form in written_forms(str(name).casefold())
        )
        self.before_blockers = frozenset(str(w).casefold() for w in data["before_blockers"])
        self.after_blockers = frozenset(str(w).casefold() for w in data["after_blockers"])
        self.person_words = tuple(
            str(w).casefold() for words in load_yaml("ages.yaml")["person_words"].values() for w in words
        )
        self.places = frozenset(
            line.split("\t", 1)[0]
            for line in read_data_text("gazetteer.tsv").splitlines()
            if line and not line.startswith("#")
        )

    def find(self, nt: NormalizedText, padded: str | None = None, words: WordHits | None = None) -> list[tuple[int, int, str]]:
        """``(start, end, name)`` with original offsets; ``padded`` is ``pad(nt.text)`` if known,
        ``words`` a word scan of it that may hold the phrases and first names."""
        found: dict[int, tuple[int, int, str]] = {}
        if words is None:
            words = WordHits(padded or pad(nt.text), [], {})
        hits = sorted(words.of(self._phrases), key=lambda h: (not h[2][0], h[0]))
        for _start, end, (strong, needs_colon) in hits:
            m = _AFTER_PHRASE.match(nt.text, end)
            if m is None or (needs_colon and not m.group("colon")):
                continue
            if m.group("name") in self.not_names:
                continue
            start, end = nt.span(m.start("name"), m.end("name"))
            written = nt.original[start:end]
            if not written or not written[0].isupper() or start in found:
                continue
            if not strong and written.isupper() and len(written) > 1:
                continue  # "I'm NEW": shouting, not a name
            if not strong and m.group("name").endswith(self.weak_not_endings):
                continue
            if not written.replace("-", "").isalpha():
                continue
            found[start] = (start, end, _folded_name(m.group("name")))
        for start, end, _ in words.of(self._known):
            self._add_known(nt, start, end, found)
        for comma in _COMMA_AGE.finditer(nt.text):
            m = _OPENING_NAME.search(nt.text, max(0, comma.start() - OPENING_BEFORE), comma.start())
            if m is not None:
                self._add_opening(nt, m, found)
        return sorted(found.values())

    def _add_known(self, nt: NormalizedText, start: int, end: int, found: dict[int, tuple[int, int, str]]) -> None:
        """A known first name, written capitalised, with no blocker word beside it."""
        text = nt.text
        if text[end : end + 1] in ("@", "_", ".") and text[end + 1 : end + 2].isalnum():
            return  # part of an e-mail address, a handle or a domain
        before = _WORD_BEFORE.search(text, max(0, start - 24), start)
        if before is not None and before.group(1) in self.before_blockers:
            return
        after = _WORD_AFTER.match(text, end)
        if after is not None and after.group(1) in self.after_blockers:
            return
        s, e = nt.span(start, end)
        written = nt.original[s:e]
        if s in found or not _capitalised(written):
            return
        found[s] = (s, e, _folded_name(text[start:end]))

    def _add_opening(self, nt: NormalizedText, m: re.Match[str], found: dict[int, tuple[int, int, str]]) -> None:
        """An unknown capitalised word that opens a sentence with an age ("Zara, 27, ...")."""
        word = m.group("name")
        if word in self.not_names or word.endswith(self.weak_not_endings) or word.startswith(self.person_words):
            return
        if self._is_place(word):
            return
        s, e = nt.span(m.start("name"), m.end("name"))
        written = nt.original[s:e]
        if s in found or not _capitalised(written) or (written.isupper() and len(written) > 1):
            return
        found[s] = (s, e, _folded_name(word))

    def _is_place(self, word: str) -> bool:
        """Whether a word is a place, also with a case ending ("Győrben", "Budapesten", "Києві")."""
        return any(
            word[: len(word) - cut] in self.places for cut in range(PLACE_ENDING + 1) if len(word) - cut >= MIN_PLACE
        )


def _capitalised(written: str) -> bool:
    """Written as a name: "Anna", "ANNA", "Anna-Maria" (not "anna", not "An1na")."""
    return bool(written) and written[0].isupper() and written.replace("-", "").isalpha()


def _folded_name(folded: str) -> str:
    """The folded form, so "𝐀𝐍𝐍𝐀" and "ANNA" both give "Anna"."""
    return "-".join(part.capitalize() for part in folded.split("-"))

"""Place names from the shipped gazetteer (countries and cities in the supported languages).

Matching is Aho-Corasick over the normalized text (linear in its length), on word
boundaries. Names may carry a case ending ("w Warszawie", "в Польщі", "Budapesten"):
a vowel-final name also matches without its vowel, followed by one of the endings in
``gazetteer_config.yaml``. The output is the canonical (English) name: "Poland", "Warsaw".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from vigil.extract.entities.base import letters_only, pad
from vigil.extract.resources import load_yaml, read_data_text
from vigil.extract.words import WordHits, WordStarts

#: Shortest name that may lose its final vowel before a case ending.
MIN_STEM_NAME: Final = 5
#: Longest case ending accepted after a name.
MAX_SUFFIX: Final = 5


@dataclass(frozen=True, slots=True)
class Place:
    canonical: str
    country: str  # ISO 3166-1 alpha-2
    kind: str  # "country" or "city"


def _load_gazetteer() -> dict[str, Place]:
    places: dict[str, Place] = {}
    for line in read_data_text("gazetteer.tsv").splitlines():
        if not line or line.startswith("#"):
            continue
        surface, canonical, country, kind = line.split("\t")
        places[surface] = Place(canonical, country, kind)
    return places


class LocationFinder:
    """Finds places; build once (the automaton is built here from ``data/gazetteer.tsv``)."""

    def __init__(self, places: dict[str, Place] | None = None, config: dict[str, Any] | None = None) -> None:
        data = config if config is not None else load_yaml("gazetteer_config.yaml")
        self.places = places if places is not None else _load_gazetteer()
        self.suffixes = frozenset(str(s).casefold() for s in data["inflection_suffixes"])
        self.stop = frozenset(str(s).casefold() for s in data["stop_surfaces"])
        stem_endings = sorted((str(e).casefold() for e in data["stem_endings"]), key=len, reverse=True)
        self.by_surface: dict[str, Place] = {}
        # Keys are looked up where a word starts, in a copy of the text whose non-letters are
        # spaces, so only matches at the start of a word are ever reported.
        self._starts: WordStarts[tuple[str, bool]] = WordStarts(self._keys(stem_endings))

    def _keys(self, stem_endings: list[str]) -> Iterator[tuple[str, tuple[str, bool]]]:
        """Each surface's word (and its stem, when it may lose its final vowel), with the
        surface and whether the vowel was dropped; where several share one key ("bristol",
        "bristol'"), the first one stays."""
        for surface in self.places:
            # Non-letters at either end of a surface ("bristol'", "lyon 3") are not part of
            # the word the key matches; the key's own length is what the match spans.
            core = letters_only(surface).strip()
            if not core:
                continue
            yield core, (surface, False)
            if len(surface) < MIN_STEM_NAME or " " in surface:
                continue
            ending = next((e for e in stem_endings if surface.endswith(e)), None)
            if ending is not None and surface[: -len(ending)] not in self.places and core.endswith(ending):
                yield core[: -len(ending)], (surface, True)

    def __reduce__(self) -> tuple[type[LocationFinder], tuple[()]]:
        # The automaton is rebuilt in the receiving process from the shipped data.
        return (LocationFinder, ())

    def place(self, surface: str) -> Place | None:
        return self.places.get(surface)

    def find(self, text: str, padded: str | None = None, words: WordHits | None = None) -> list[tuple[int, int, Place]]:
        """``(start, end, place)`` of each place name, longest first where they overlap.

        ``padded`` is ``pad(text)`` when the caller already has it, ``words`` a word scan of
        it that may hold the place names.
        """
        candidates: list[tuple[int, int, Place]] = []
        size = len(text)
        found = words.of(self._starts) if words is not None else self._starts.find(padded if padded is not None else pad(text))
        for start, end, (surface, dropped) in found:
            word_end = end
            while word_end < size and word_end - end <= MAX_SUFFIX and text[word_end].isalpha():
                word_end += 1
            suffix = text[end:word_end]
            if suffix and (suffix not in self.suffixes or len(surface) < MIN_STEM_NAME):
                continue
            if dropped and not suffix:
                continue
            if text[start:word_end] in self.stop:
                continue
            candidates.append((start, word_end, self.places[surface]))
        if len(candidates) < 2:
            return candidates  # nothing to order or to overlap
        candidates.sort(key=lambda c: (c[0], c[0] - c[1]))
        chosen: list[tuple[int, int, Place]] = []
        for candidate in candidates:
            if chosen and candidate[0] < chosen[-1][1]:
                continue
            chosen.append(candidate)
        return chosen

"""All entity finders together: one call per document field, spans kept for highlighting."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from operator import attrgetter
from typing import Any, Final, cast

import phonenumbers

from vigil.contract import Entities
from vigil.extract.digits import DigitReader
from vigil.extract.entities.ages import AgeFinder
from vigil.extract.entities.base import (
    ENTITY_KINDS,
    LETTER,
    EntitySpan,
    Price,
    SpanSet,
    WordIndex,
    pad,
    word_alternation,
)
from vigil.extract.entities.emails import EmailFinder
from vigil.extract.entities.handles import HandleFinder
from vigil.extract.entities.locations import LocationFinder, Place
from vigil.extract.entities.names import NameFinder
from vigil.extract.entities.phones import PhoneFinder
from vigil.extract.entities.prices import PriceFinder
from vigil.extract.entities.urls import UrlFinder
from vigil.extract.normalize import NormalizedText
from vigil.extract.resources import load_yaml
from vigil.extract.words import WordHits, WordScan

_PHONE_PUNCTUATION: Final = frozenset("0123456789+()-./ \u2013\u2014")
#: Confidence of a phone that is possible but held by no operator (a drama or test range).
UNALLOCATED_CONFIDENCE: Final = 0.5
#: Most characters between a country word and a number word ("UK number", "numer: polski").
STATED_GAP: Final = 3
#: Characters before a place searched for an origin word ("from", "з", "aus").
ORIGIN_BEFORE: Final = 24
_REGIONS: Final = frozenset(phonenumbers.SUPPORTED_REGIONS)
#: Distinct document locations whose regions are remembered.
LOCATION_CACHE: Final = 4096
#: Order of the spans of a field: by start, then end.
_BY_POSITION: Final = attrgetter("start", "end")


class EntityExtractor:
    """Loads every finder once; :meth:`extract` is pure and safe to call from many threads."""

    def __init__(self) -> None:
        contacts: dict[str, Any] = load_yaml("contacts.yaml")
        self.digits = DigitReader()
        self.phones = PhoneFinder(contacts)
        self.emails = EmailFinder()
        self.urls = UrlFinder()
        self.handles = HandleFinder(contacts)
        self.ages = AgeFinder()
        self.prices = PriceFinder()
        self.locations = LocationFinder()
        self.names = NameFinder()
        self.language_regions: dict[str, list[str]] = {k: list(v) for k, v in contacts["language_regions"].items()}
        self.language_home: dict[str, tuple[str]] = {str(k): (str(v),) for k, v in contacts["language_home"].items()}
        self.tld_regions: dict[str, str] = {str(k): str(v) for k, v in contacts["tld_regions"].items()}
        origin = word_alternation(str(w).casefold() for words in contacts["origin_words"].values() for w in words)
        self._origin = re.compile(rf"(?<!{LETTER})(?:{origin})\s?$")
        # "UK number", "numer polski": a country word and a number word side by side. The
        # number words are looked for first (two small indexes, the second only when needed).
        self._number_words = WordIndex((str(w).casefold(), True) for w in contacts["number_words"])
        self._country_words = WordIndex(
            (str(country).casefold(), str(region))
            for region, countries in contacts["number_countries"].items()
            for country in countries
        )
        # Documents of one source repeat a few location values; a lookup per value is enough.
        self._location_cache: dict[str, list[str]] = {}
        # ... and a few (location, platform, site) triples: their regions are remembered too.
        self._explicit_cache: dict[tuple[str | None, tuple[str | None, ...]], tuple[str, ...]] = {}
        # The word lists and place names every field is searched for, in one pass (the country
        # words are only looked for beside a number word, so they stay apart).
        self._word_scan = WordScan(
            [
                self.digits._words,
                self.ages._spelled,
                self._number_words,
                self.handles._messenger,
                self.names._phrases,
                self.names._known,
                self.urls._dot_words,
                self.phones._context,
                self.locations._starts,
                self.prices._words,
            ]
        )

    def _location_regions(self, location: str) -> list[str]:
        regions = self._location_cache.get(location)
        if regions is None:
            regions = [p.country for _, _, p in self.locations.find(location.casefold())]
            if len(self._location_cache) < LOCATION_CACHE:
                self._location_cache[location] = regions
        return regions

    def __reduce__(self) -> tuple[type[EntityExtractor], tuple[()]]:
        return (EntityExtractor, ())

    def region_hints(
        self,
        lang: str | None,
        location: str | None = None,
        hosts: Iterable[str | None] = (),
        places: Iterable[str] = (),
        stated: Iterable[str] = (),
    ) -> list[str]:
        """Regions to read national phone numbers in, most specific first."""
        return self._hints(lang, self.explicit_regions(location, hosts, stated), places)

    def _hints(self, lang: str | None, explicit: Iterable[str], places: Iterable[str]) -> list[str]:
        regions = [*explicit, *places, *self.language_regions.get(lang or "", ())]
        return [r for r in dict.fromkeys(regions) if r in _REGIONS]

    def explicit_regions(
        self, location: str | None = None, hosts: Iterable[str | None] = (), stated: Iterable[str] = ()
    ) -> list[str]:
        """Regions the document states: its location, its platform's or URL's country, "UK number"."""
        stated = list(stated)
        key = (location, tuple(hosts))
        if not stated:
            known = self._explicit_cache.get(key)
            if known is not None:
                return list(known)
        regions: list[str] = []
        if location:
            regions.extend(self._location_regions(location))
        for host in key[1]:
            if host:
                tld = host.casefold().rstrip("/").split("/")[0].rsplit(".", 1)[-1]
                regions.append(self.tld_regions.get(tld, tld.upper()))
        regions.extend(stated)
        explicit = [r for r in dict.fromkeys(regions) if r in _REGIONS]
        if not stated and len(self._explicit_cache) < LOCATION_CACHE:
            self._explicit_cache[key] = tuple(explicit)
        return explicit

    def _stated_regions(self, text: str, padded: str, words: WordHits | None = None) -> list[str]:
        """Countries stated for a phone number ("UK number", "Польський номер", "numer: polski").

        Only a space or a colon may stand between the words, so "I am Ukrainian, number ..."
        states no country (a nationality is never a hint).
        """
        numbers = words.of(self._number_words) if words is not None else self._number_words.find(padded)
        if not numbers:
            return []
        starts = {start for start, _, _ in numbers}
        ends = {end for _, end, _ in numbers}
        stated: list[str] = []
        for start, end, region in self._country_words.find(padded):
            after = any(at in starts and _stated_gap(text[end:at]) for at in range(end + 1, end + 1 + STATED_GAP))
            before = any(at in ends and _stated_gap(text[at:start]) for at in range(start - STATED_GAP, start))
            if after or before:
                stated.append(region)
        return stated

    def named_countries(self, nt: NormalizedText) -> list[str]:
        """Countries of the places a field names, not as where someone comes from."""
        places = self.locations.find(nt.text)
        return self._split_places(nt.text, places)[0] if places else []

    def _split_places(
        self, text: str, places: Iterable[tuple[int, int, Place]]
    ) -> tuple[list[str], list[str], list[str]]:
        """Countries of the places an ad names: ``(hints, origins, origin countries)``,
        origins being where someone is said to come from ("from Ukraine", "from Kharkiv"),
        which are never hints; origin countries those named as a country ("from Ukraine")."""
        hints: list[str] = []
        origins: list[str] = []
        countries: list[str] = []
        for start, _, place in places:
            origin = self._origin.search(text, max(0, start - ORIGIN_BEFORE), start) is not None
            (origins if origin else hints).append(place.country)
            if origin and place.kind == "country":
                countries.append(place.country)
        return hints, origins, countries

    def extract(
        self,
        nt: NormalizedText,
        lang: str | None,
        *,
        field: str = "text",
        location: str | None = None,
        hosts: Sequence[str | None] = (),
        named: Sequence[str] = (),
    ) -> list[EntitySpan]:
        """Every entity in one normalized field, in order of appearance.

        ``named`` are the countries of places another field of the document names (its
        title: "Just landed in Sydney"), hints for this field's phones after its own places.
        """
        spans: list[EntitySpan] = []
        light, text = nt.light, nt.text
        # One letters-only copy serves every word list (the views share offsets), and one
        # pass over it finds them all.
        padded = pad(text)
        words = self._word_scan.find(padded)

        def add(kind: str, value: Any, start: int, end: int, view: NormalizedText | None = None, note: str = "") -> None:
            s, e = (view or nt).span(start, end)
            spans.append(EntitySpan(kind, value, s, e, nt.original[s:e], field, note))

        emails = self.emails.find(light)
        if emails:
            for start, end, address in emails:
                add("emails", address, start, end)
            taken = [(s, e) for s, e, _ in emails]
            email_spans, contacts = SpanSet(taken), SpanSet(taken)
        else:
            email_spans, contacts = SpanSet(), SpanSet()
        no_contacts = not emails
        for start, end in self.urls.find(light, email_spans):
            s, e = nt.span(start, end)
            spans.append(EntitySpan("urls", nt.original[s:e], s, e, nt.original[s:e], field))
            contacts.add(start, end)
            no_contacts = False
        for start, end, url in self.urls.find_disguised(light, contacts, padded, words):
            add("urls", url, start, end, note="obfuscated")
            contacts.add(start, end)
            no_contacts = False
        for start, end, value in self.handles.find(light, email_spans, padded, words):
            add("handles", value, start, end)
            contacts.add(start, end)
            no_contacts = False

        places = self.locations.find(text, padded, words)
        if not no_contacts:
            places = [p for p in places if not contacts.overlaps(p[0], p[1])]
        for start, end, place in places:
            add("locations", place.canonical, start, end)
        stated = self._stated_regions(text, padded, words)
        explicit = self.explicit_regions(location, hosts, stated)
        hinted, origins, origin_countries = self._split_places(text, places) if places else ([], [], [])
        hinted = [*hinted, *named]
        regions = self._hints(lang, explicit, hinted)

        digits = self.digits(nt, padded, words)
        same_length = len(digits.text) == len(text)
        digits_padded = padded if same_length else pad(digits.text)
        # The language's country counts strongly unless the ad names that country as where
        # someone comes from ("Дівчата з України" with a Romanian 0721 number); a city of
        # origin there ("moved from Sievierodonetsk") leaves it strong.
        home = [r for r in self.language_home.get(lang or "", ()) if r not in origin_countries]
        strong = [*explicit, *hinted, *home]
        phone_hits = self.phones.find(
            digits, regions, digits_padded, explicit, origins, strong, words if same_length else None
        )
        phone_taken: list[tuple[int, int]] = []
        for hit in phone_hits:
            s, e = digits.span(hit.start, hit.end)
            written = nt.original[s:e]
            note = "" if set(written) <= _PHONE_PUNCTUATION else "obfuscated"
            confidence = 1.0
            if hit.unallocated:
                note, confidence = "unallocated", UNALLOCATED_CONFIDENCE
            spans.append(EntitySpan("phones", hit.e164, s, e, written, field, note, hit.alternates, confidence))
            phone_taken.append((s, e))
        for start, end, value in self.handles.phone_handles(
            digits.text, phone_hits, digits_padded, words if same_length else None
        ):
            add("handles", value, start, end, digits)
        for start, end, age in self.ages.find(text, padded, words):
            add("ages", age, start, end)
        prices = self.prices.find(text, padded, words)
        if prices:
            phone_spans = SpanSet(phone_taken)
            for start, end, price in prices:
                if not phone_spans.overlaps(*nt.span(start, end)):
                    add("prices", price, start, end)
        for start, end, name in self.names.find(nt, padded, words):
            spans.append(EntitySpan("names", name, start, end, nt.original[start:end], field))
        spans.sort(key=_BY_POSITION)
        return spans


def _stated_gap(gap: str) -> bool:
    return bool(gap) and not gap.strip(" :")


def entities_contract(spans: Iterable[EntitySpan]) -> Entities:
    """The ``entities`` object of the Analysis contract: values per kind, deduplicated, in order."""
    out: dict[str, list[Any]] = {kind: [] for kind in ENTITY_KINDS}
    seen: set[tuple[str, Any]] = set()
    for span in spans:
        kind, value = span.kind, span.value
        key = (kind, value)
        if key in seen:
            continue
        seen.add(key)
        out[kind].append(value.to_json() if isinstance(value, Price) else value)  # span.json_value()
    # Every kind of ENTITY_KINDS is a key of Entities, each list holding its kind's JSON values.
    return cast(Entities, out)

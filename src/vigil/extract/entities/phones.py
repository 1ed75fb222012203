"""Phone numbers, as E.164, including spelled-out, spaced and disguised forms.

Candidates are read from the digits view (spelled digits and letter-for-digit already
rewritten), then parsed with ``phonenumbers``. Dates, opening hours, prices and
identifiers ("IBAN", "Nr.", "PESEL") are not phones.

A number keeps its own country. One written without a country code is read in every
covered region whose numbering plan it is valid in (a region without a trunk prefix only
when it is hinted or a phone word stands near); the candidates are then ranked by the
explicit signals of the document (its ``location``, the platform's or URL's country, "UK
number"), then by whether the number is a mobile one there (ads give mobiles), then by the
remaining hints (places named in the ad, the ad's language). Words about where someone
comes from never reach the hints. The best candidate is the phone; the others are kept as
ranked ``alternates`` so linking and lookup can match on a shared candidate.

A number that is possible but unallocated (drama ranges such as UK 07700 900xxx) is kept
with ``unallocated`` set when it is written as a clear phone: with ``+``/``00`` and the
country code, or with a phone word next to it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, islice
from typing import Any, Final

import phonenumbers

from vigil.extract.entities.base import LETTER, WordIndex, pad, word_alternation
from vigil.extract.normalize import NormalizedText
from vigil.extract.resources import load_yaml

#: A run of 7 to 20 digits with at most three separator characters between digits
#: ("501 234 567", "739*037*980", "739_037_980", "(73) 903-79-80", "501/234/567").
#: A comma separates groups only after a lone digit, as in digits spelled out one by one
#: ("seis tres uno, siete siete ocho": "6 3 1, 7 7 8"), never in "150, 200, 300".
_CANDIDATE: Final = re.compile(
    r"(?<!\d)(?:(?:\+|00)[ ]?)?\(?\d(?:(?:[ \-./()*_\u2013\u2014]{0,3}|(?<=(?<!\d)\d),[ ]?)\d){6,19}(?!\d)"
)
#: Separators that end one number and start another when a run is no number as a whole:
#: "24/7 – 777 903 164", "Mila, 26. 8-988-417-60-32".
_STRONG_BREAK: Final = re.compile(r"[.,/]\s|\s[\-\u2013\u2014/]\s")
_DIGIT_GROUP: Final = re.compile(r"\d+")
_DATE: Final = re.compile(
    r"(?<![\d./\-])(?:\d{1,2}([./\-])\d{1,2}\1(?:19|20)?\d{2}|(?:19|20)\d{2}([./\-])\d{1,2}\2\d{1,2})(?!\d|[./\-]\d)"
)
_DATE_PARTS: Final = re.compile(r"\d+")


def _is_date(raw: str) -> bool:
    """Whether ``raw`` holds a date: the shape, and a day and month that exist in one of
    the two orders ("12.03.2026", "03/12/26"); "55-18-04" has the shape of a date but is the
    end of a phone number."""
    for match in _DATE.finditer(raw):
        parts = [int(p) for p in _DATE_PARTS.findall(match.group())]
        first, second = (parts[1], parts[2]) if parts[0] >= 1900 else (parts[0], parts[1])
        if (1 <= first <= 31 and 1 <= second <= 12) or (1 <= first <= 12 and 1 <= second <= 31):
            return True
    return False


_HOURS: Final = re.compile(r"(?<!\d)\d{1,2}[.:]\d{2}\s?[-\u2013\u2014]\s?\d{1,2}[.:]\d{2}(?!\d)")
#: Characters looked at before and after a number for phone words and identifier words.
CONTEXT_BEFORE: Final = 40
CONTEXT_AFTER: Final = 20
IDENTIFIER_GAP: Final = 4
#: Characters before a number searched for an identifier word ("IBAN", "Nr.", "PESEL").
IDENTIFIER_WINDOW: Final = 24
MIN_DIGITS: Final = 7
MAX_DIGITS: Final = 15
#: Digit groups of one candidate tried for a split into several numbers.
MAX_GROUPS: Final = 20
#: Bounds on hostile text: candidates looked at, and number parses tried, per text.
MAX_CANDIDATES: Final = 512
MAX_PARSES: Final = 2048


#: Rank of a possible but unallocated reading among the readings of a national number.
_UNALLOCATED_TIER: Final = 5
#: Number types people give in ads, ranked before the others when a number is ambiguous.
_PERSONAL_TYPES: Final = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)


@dataclass(frozen=True, slots=True)
class PhoneHit:
    """A phone number found in a view: ``start``/``end`` index the view's ``text``.

    ``alternates`` are the other E.164 readings of a number written without a country
    code, best first; ``unallocated`` marks a possible number no operator holds.
    """

    start: int
    end: int
    e164: str
    alternates: tuple[str, ...] = ()
    unallocated: bool = False


@dataclass(frozen=True, slots=True)
class _Reading:
    e164: str
    alternates: tuple[str, ...] = ()
    unallocated: bool = False


@lru_cache(maxsize=16384)
def _valid_e164(number: str, region: str | None) -> str | None:
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    # Checking against the one expected region is much cheaper than is_valid_number's
    # search over every region sharing a country code; shared codes (+1, +7, +44) fall back.
    code = parsed.country_code or 0
    if len(phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code, ())) > 1:
        valid = phonenumbers.is_valid_number(parsed)
    else:
        valid = phonenumbers.is_valid_number_for_region(parsed, phonenumbers.region_code_for_country_code(code))
    if not valid:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=512)
def _trunk_prefix(region: str) -> re.Pattern[str] | None:
    """How the trunk prefix people write before a national number looks ("0" in most of
    Europe, "0" or "8" in Lithuania), or None where numbers are written without one."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    prefix = metadata.national_prefix if metadata is not None else None
    if not prefix or not prefix.startswith("0"):
        return None
    return re.compile(metadata.national_prefix_for_parsing or re.escape(prefix)) if metadata else None


@lru_cache(maxsize=16384)
def _possible_e164(number: str, region: str | None) -> str | None:
    """E.164 of a number of the right length and shape for its country, allocated or not."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_possible_number_with_reason(parsed) != phonenumbers.ValidationResult.IS_POSSIBLE:
        return None
    code = parsed.country_code or 0
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(code, phonenumbers.region_code_for_country_code(code))
    pattern = metadata.general_desc.national_number_pattern if metadata is not None and metadata.general_desc else None
    if not pattern or re.fullmatch(pattern, phonenumbers.national_significant_number(parsed)) is None:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=16384)
def _national_groups(e164: str) -> tuple[int, ...]:
    """Digit group lengths of a number in its country's national format ("06 12345678": 2, 8)."""
    national = phonenumbers.format_number(phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.NATIONAL)
    return tuple(len(g) for g in _DIGIT_GROUP.findall(national))


@lru_cache(maxsize=16384)
def _is_personal(e164: str) -> bool:
    """Whether a valid number is a mobile one (the kind ads give)."""
    return phonenumbers.number_type(phonenumbers.parse(e164, None)) in _PERSONAL_TYPES


def _has_trunk(digits: str, region: str) -> bool | None:
    """Whether ``digits`` starts with ``region``'s trunk prefix (None: the region has none)."""
    prefix = _trunk_prefix(region)
    return None if prefix is None else prefix.match(digits) is not None


@lru_cache(maxsize=512)
def _plan_shape(region: str) -> tuple[frozenset[int], re.Pattern[str], re.Pattern[str] | None] | None:
    """Lengths and pattern every valid national significant number of ``region`` has, and
    the national prefix ``phonenumbers`` strips before reading one."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    desc = metadata.general_desc if metadata is not None else None
    if metadata is None or desc is None or not desc.national_number_pattern:
        return None
    strip = metadata.national_prefix_for_parsing or metadata.national_prefix
    if metadata.national_prefix_transform_rule or (strip and "(" in strip):
        return None  # carrier codes and rewritten prefixes (Brazil): no cheap shortcut
    return (
        frozenset(desc.possible_length or ()),
        re.compile(desc.national_number_pattern),
        re.compile(strip) if strip else None,
    )


def _fits_plan(digits: str, region: str) -> bool:
    """A cheap necessary condition for ``_valid_e164(digits, region)``: the number, with or
    without its trunk prefix, has a length and shape the region's plan allows. Reading a
    national number in every covered region would otherwise parse it some twenty times."""
    shape = _plan_shape(region)
    if shape is None:
        return True
    lengths, pattern, prefix = shape
    found = prefix.match(digits) if prefix is not None else None
    code = str(phonenumbers.country_code_for_region(region))
    written_code = digits[len(code) :] if digits.startswith(code) else None  # "48 501 234 567"
    for nsn in (digits[found.end() :] if found is not None else None, digits, written_code):
        if nsn and (not lengths or len(nsn) in lengths) and pattern.fullmatch(nsn) is not None:
            return True
    return False


def _national(digits: str, region: str) -> str | None:
    # A national number is written with its trunk prefix ("050 ..." in Ukraine), so
    # "501 234 567" is not read as Ukrainian just because the ad is in Ukrainian.
    if _has_trunk(digits, region) is False or not _fits_plan(digits, region):
        return None
    return _valid_e164(digits, region)


class PhoneFinder:
    """Finds phones in a digits view; build once (word lists load here)."""

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        data = config if config is not None else load_yaml("contacts.yaml")
        words = [w for by_lang in data["phone_context"].values() for w in by_lang]
        words += [w for names in data["messengers"].values() for w in names]
        self._context = WordIndex((str(w).casefold(), True) for w in words)
        self._identifier = re.compile(
            rf"(?<!{LETTER})(?:{word_alternation(str(w).casefold() for w in data['identifier_context'])})[\W_]{{0,{IDENTIFIER_GAP}}}$"
        )
        self.fallback_regions: tuple[str, ...] = tuple(data["fallback_regions"])
        regions = {*self.fallback_regions, *(r for rs in data["language_regions"].values() for r in rs)}
        # Regions with a trunk prefix: a number written with it is tried in all of them.
        self.trunk_regions = tuple(r for r in dict.fromkeys((*self.fallback_regions, *sorted(regions))) if _trunk_prefix(r))
        codes = {str(phonenumbers.country_code_for_region(r)) for r in regions} - {"0", "1", "7"}
        # Country codes read from a long number written without "+" or "00" ("48501234567").
        self.bare_country_codes = tuple(sorted(codes, key=len, reverse=True))

    def find(
        self,
        view: NormalizedText,
        regions: Sequence[str],
        padded: str | None = None,
        explicit: Collection[str] = (),
        origins: Collection[str] = (),
        strong: Collection[str] | None = None,
    ) -> list[PhoneHit]:
        """Phones in ``view`` (``padded`` is ``pad(view.text)`` when the caller has it).

        ``regions`` are the document's region hints, best first; ``explicit`` those of them
        the document states (location, platform, "UK number"), ranked above a number's type;
        ``strong`` the hints that outrank a number's grouping (explicit ones, places named in
        the ad, the country of the ad's language; all of ``regions`` when None); ``origins``
        the countries someone is said to come from, ranked last among equals.
        """
        text = view.text
        hits: list[PhoneHit] = []
        candidates = list(islice(_CANDIDATE.finditer(text), MAX_CANDIDATES))
        if not candidates:
            return hits
        context = self._context.find(padded or pad(text))
        context_ends = [end for _, end, _ in context]
        context_starts = sorted(start for start, _, _ in context)
        budget = [MAX_PARSES]
        for match in candidates:
            start, end = match.span()
            if self._identifier.search(text, max(0, start - IDENTIFIER_WINDOW), start):
                continue
            near_context = _near(context_ends, start - CONTEXT_BEFORE, start) or _near(
                context_starts, end, end + CONTEXT_AFTER
            )
            hits.extend(self._resolve(text, start, end, _Hints(regions, explicit, origins, frozenset(regions if strong is None else strong)), near_context, budget))
            if budget[0] <= 0:
                break  # hostile text: stop rather than parse without end
        return hits

    def _resolve(
        self, text: str, start: int, end: int, regions: _Hints, context: bool, budget: list[int]
    ) -> Iterable[PhoneHit]:
        raw = text[start:end]
        if _is_date(raw) or _HOURS.search(raw):
            return []
        budget[0] -= 1
        whole = self._parse(raw, regions, context)
        if whole is not None:
            return [PhoneHit(start, end, whole.e164, whole.alternates, whole.unallocated)]
        pieces = self._pieces(raw, start)
        if len(pieces) > 1:
            found = [hit for begin, finish in pieces for hit in self._split(text, begin, finish, regions, context, budget)]
            if found:
                return found
        return self._split(text, start, end, regions, context, budget)

    @staticmethod
    def _pieces(raw: str, start: int) -> list[tuple[int, int]]:
        """``raw`` cut at its strong breaks, as ``(start, end)`` in the text."""
        pieces: list[tuple[int, int]] = []
        begin = 0
        for brk in _STRONG_BREAK.finditer(raw):
            if brk.start() > begin:
                pieces.append((start + begin, start + brk.start()))
            begin = brk.end()
        pieces.append((start + begin, start + len(raw)))
        return pieces

    def _split(
        self, text: str, start: int, end: int, regions: _Hints, context: bool, budget: list[int]
    ) -> list[PhoneHit]:
        """The numbers of a run that is none as a whole: the longest valid prefix, then on."""
        raw = text[start:end]
        groups = [(start + g.start(), start + g.end()) for g in _DIGIT_GROUP.finditer(raw)]
        if not 2 <= len(groups) <= MAX_GROUPS:
            if len(groups) != 1:
                return []
            budget[0] -= 1
            whole = self._parse(raw, regions, context)
            return [PhoneHit(start, end, whole.e164, whole.alternates)] if whole and not whole.unallocated else []
        # Several numbers written in one run: take the longest valid prefix, then go on.
        counts = list(accumulate((b - a for a, b in groups), initial=0))
        found: list[PhoneHit] = []
        i = 0
        while i < len(groups) and budget[0] > 0:
            hit = None
            for j in range(len(groups), i, -1):
                if not MIN_DIGITS <= counts[j] - counts[i] <= MAX_DIGITS:
                    continue
                begin = start if i == 0 else groups[i][0]
                budget[0] -= 1
                reading = self._parse(text[begin : groups[j - 1][1]], regions, context)
                if reading is not None and not reading.unallocated:
                    hit = PhoneHit(begin, groups[j - 1][1], reading.e164, reading.alternates)
                    break
            if hit is None:
                i += 1
            else:
                found.append(hit)
                i = j
        return found

    def _parse(self, raw: str, hints: _Hints, context: bool) -> _Reading | None:
        digits = "".join(ch for ch in raw if ch.isdigit())
        international = raw.lstrip("( ").startswith("+")
        if not international and digits.startswith("00"):
            international, digits = True, digits[2:]
        if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
            return None
        if international:
            e164 = _valid_e164("+" + digits, None)
            if e164 is not None:
                return _Reading(e164)
            possible = _possible_e164("+" + digits, None)
            return _Reading(possible, unallocated=True) if possible is not None else None
        groups = tuple(len(g) for g in _DIGIT_GROUP.findall(raw))
        readings = self._national_readings(digits, hints, context, groups)
        if readings:
            best_tier, best = readings[0]
            alternates = tuple(e164 for tier, e164 in readings[1:] if tier < _UNALLOCATED_TIER)
            return _Reading(best, alternates, unallocated=best_tier == _UNALLOCATED_TIER)
        if len(digits) >= 11 and digits.startswith(self.bare_country_codes):
            e164 = _valid_e164("+" + digits, None)
            if e164 is not None:
                return _Reading(e164)
        return None

    def _national_readings(
        self, digits: str, hints: _Hints, context: bool, groups: tuple[int, ...] = ()
    ) -> list[tuple[int, str]]:
        """``(tier, e164)`` of each reading of a national number, best first (see the module doc).

        A reading in a region nothing hints at counts only for a mobile number or beside a
        phone word; a possible but unallocated one only beside a phone word, in a hinted
        region whose trunk prefix is written.
        """
        hinted = set(hints.regions)
        tried = [*hints.regions, *self.trunk_regions]
        if context:
            tried.extend(self.fallback_regions)
        readings: dict[str, tuple[int, int, int]] = {}
        for order, region in enumerate(dict.fromkeys(tried)):
            e164 = _national(digits, region)
            if e164 is None:
                if context and region in hinted and _has_trunk(digits, region):
                    e164 = _possible_e164(digits, region)
                    if e164 is not None and e164 not in readings:
                        readings[e164] = (_UNALLOCATED_TIER, 0, order)
                continue
            # Explicit signals first; then mobiles (ads give mobiles: "07911 123456" in an
            # ad naming Berlin is a UK mobile, not a German landline), those of a place the
            # ad names or of its language's country first ("068 229 51 74" in a Ukrainian
            # ad is a Ukrainian mobile, though Swiss-shaped); then landlines there.
            personal = _is_personal(e164)
            if region in hints.explicit:
                tier = 0
            elif personal:
                tier = 1 if region in hints.strong else 2
            elif region in hints.strong:
                tier = 3
            elif region in hinted:
                tier = 4
            elif context:
                tier = _UNALLOCATED_TIER + 1
            else:
                continue
            # Within a tier: written in the country's own grouping ("06 12345678" is Dutch,
            # "06 12 34 56 78" French), then not the country someone is said to come from.
            shape = 0 if len(groups) > 1 and _national_groups(e164) == groups else 1
            rank = (tier, shape * 2 + (region in hints.origins), order)
            if e164 not in readings or readings[e164] > rank:
                readings[e164] = rank
        ranked = sorted(readings.items(), key=lambda item: item[1])
        return [(rank[0], e164) for e164, rank in ranked]


@dataclass(frozen=True, slots=True)
class _Hints:
    regions: Sequence[str]
    explicit: Collection[str]
    origins: Collection[str] = ()
    strong: Collection[str] = ()


def _near(positions: list[int], low: int, high: int) -> bool:
    """Whether a sorted position list has one in ``[low, high]``."""
    i = bisect_left(positions, low)
    return i < len(positions) and positions[i] <= high

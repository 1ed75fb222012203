"""Phone numbers, as E.164, including spelled-out, spaced and disguised forms.

Candidates are read from the digits view (spelled digits and letter-for-digit already
rewritten), then parsed with ``phonenumbers``. Dates, opening hours, prices and
identifiers ("IBAN", "Nr.", "PESEL") are not phones.

A number keeps its own country. One written without a country code is read in every
covered region whose numbering plan it is valid in (a region without a trunk prefix only
when it is hinted or a phone word stands near); the candidates are then ranked by the
explicit signals of the document (its ``location``, the platform's or URL's country, "UK
number"), then by the strong hints (places named in the ad, the country of its language)
together with how the number is grouped: people write a number in their own country's
grouping ("04 67 52 18 93" is French, "0412 337 905" Australian, "0761 41 32 08" a German
area code), so a reading in a strong region whose area code is written as one group comes
first, then a mobile in a strong region, then a mobile whose area code is written as one
group ("093 517 28 46" is a Ukrainian mobile before a German landline 0935), then the other
readings in strong regions, then mobiles elsewhere (ads give
mobiles), then the rest. A number given for messages ("Viber", "SMS") is read as a mobile
first. Words about where someone comes from never reach the hints. The best candidate is the phone; the others are kept as
ranked ``alternates`` so linking and lookup can match on a shared candidate.

A number that is possible but unallocated (drama ranges such as UK 07700 900xxx) is kept
with ``unallocated`` set when it is written as a clear phone: with ``+``/``00`` and the
country code, or with a phone word next to it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, islice
from typing import Any, Final

import phonenumbers

from vigil.extract.entities.base import LETTER, WordIndex, pad, word_alternation
from vigil.extract.entities.numbering import UNDECIDED, international_e164, international_number
from vigil.extract.normalize import NormalizedText
from vigil.extract.resources import load_yaml
from vigil.extract.words import WordHits

#: A run of 7 to 20 digits with at most three separator characters between digits
#: ("501 234 567", "739*037*980", "739_037_980", "(73) 903-79-80", "501/234/567").
#: A comma separates groups only after a lone digit, as in digits spelled out one by one
#: ("seis tres uno, siete siete ocho": "6 3 1, 7 7 8"), never in "150, 200, 300".
_CANDIDATE: Final = re.compile(
    r"(?<!\d)(?:(?:\+|00)[ ]?)?\(?\d(?:(?:[ \-./()*_\u2013\u2014]{0,3}|(?<=(?<!\d)\d),[ ]?)\d){6,19}(?!\d)"
)
#: Seven digits, each at most three other characters after the one before: every candidate
#: holds such a chain from its first digit, which stands at most three characters into it
#: ("+ (", "00 " then a digit). Found by a fast scan for digits, it tells where the first
#: candidate can begin (and that a text without one has none).
_CHAIN: Final = re.compile(r"\d(?:\D{0,3}\d){6}")
#: Characters a candidate may begin before the first digit of its chain.
_CHAIN_LEAD: Final = 3
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
#: Readings remembered per finder: networks repost the same numbers in ad after ad, and a
#: number read once under the same hints reads the same again.
READING_CACHE: Final = 16384


#: Ranks of the readings of a national number (see the module doc); a possible but
#: unallocated reading ranks after the valid ones of its rank.
_EXPLICIT, _STRONG_SHAPED, _STRONG_MOBILE, _SHAPED_MOBILE, _STRONG, _MOBILE, _HINTED, _NEAR_PHONE_WORD = range(8)
#: How a written number's groups agree with its national format: all of them, the first
#: (the trunk prefix and area or mobile code), or none.
_SAME_GROUPS, _SAME_AREA_CODE, _OTHER_GROUPS = range(3)
#: An area code set off by brackets or a slash at the start of a number ("(96) 412-388", "96/412-388").
_AREA_CODE: Final = re.compile(r"\(\d{1,4}\)|\d{1,4}\s?/")
#: Where a number written digit by digit is set off into groups: punctuation, or two spaces
#: ("0 6 7 – 2 2 0 – 5 1 – 9 8", "0 7  58  21" once spelled groups are read as digits).
_GROUP_BREAK: Final = re.compile(r"\s*[^\d\s]+\s*|\s{2,}")
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


#: A reading not remembered yet (None is remembered: no phone).
_UNREAD: Final = _Reading("")


@lru_cache(maxsize=16384)
def _valid_e164(number: str, region: str | None) -> str | None:
    if region is None:
        # "+" and digits: the numbering plans decide without a full parse, as phonenumbers would
        e164 = international_e164(number)
        if e164 != UNDECIDED:
            return e164
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
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if region is None and e164 == number:
        _remember_parsed(e164, parsed)  # the very call _parsed_e164 would make
    return e164


#: Valid numbers parsed from their E.164 form: a number's type and national format are
#: asked for per reading, and parsing is most of what they cost.
PARSED_CACHE: Final = 16384
_PARSED: dict[str, phonenumbers.PhoneNumber] = {}


def _remember_parsed(e164: str, parsed: phonenumbers.PhoneNumber) -> None:
    if len(_PARSED) >= PARSED_CACHE:
        _PARSED.clear()
    _PARSED[e164] = parsed


def _parsed_e164(e164: str) -> phonenumbers.PhoneNumber:
    """``phonenumbers.parse(e164, None)``, once per number."""
    parsed = _PARSED.get(e164)
    if parsed is None:
        parsed = phonenumbers.parse(e164, None)
        _remember_parsed(e164, parsed)
    return parsed


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
    # "+" and digits: read as phonenumbers would, without its full parse
    parsed = international_number(number) if region is None else UNDECIDED
    if parsed is None:
        return None
    if isinstance(parsed, str):
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
def _national_format(e164: str) -> tuple[tuple[int, ...], str]:
    """Digit group lengths of a number in its country's national format ("06 12345678": 2, 8),
    and its digits there ("0612345678")."""
    national = phonenumbers.format_number(_parsed_e164(e164), phonenumbers.PhoneNumberFormat.NATIONAL)
    return tuple(len(g) for g in _DIGIT_GROUP.findall(national)), "".join(ch for ch in national if ch.isdigit())


@lru_cache(maxsize=16384)
def _is_personal(e164: str) -> bool:
    """Whether a valid number is a mobile one (the kind ads give)."""
    return phonenumbers.number_type(_parsed_e164(e164)) in _PERSONAL_TYPES


@lru_cache(maxsize=512)
def _trunk_written(region: str) -> str:
    """The trunk prefix of ``region`` as written before a national number ("0", "06")."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return (metadata.national_prefix or "") if metadata is not None else ""


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
        # Words saying the number takes messages ("Viber", "SMS", "appen") say it is a
        # mobile; they are phone words too. Each phrase keeps the first value it is given.
        mobile = [w for by_lang in data["mobile_context"].values() for w in by_lang]
        mobile += [w for app in data["mobile_messengers"] for w in data["messengers"][app]]
        words = [w for by_lang in data["phone_context"].values() for w in by_lang]
        words += [w for names in data["messengers"].values() for w in names]
        self._context = WordIndex([(str(w).casefold(), True) for w in mobile] + [(str(w).casefold(), False) for w in words])
        # An identifier word right before the number ("IBAN", "Nr. 123"); a full stop after
        # a whole word ends its sentence ("na náš účet. 725 310 469"), after an abbreviation not.
        abbreviations = word_alternation(str(w).casefold() for w in data["identifier_abbreviations"])
        words_ = word_alternation(str(w).casefold() for w in data["identifier_context"])
        self._identifier = re.compile(
            rf"(?<!{LETTER})(?:(?:{abbreviations})[\W_]{{0,{IDENTIFIER_GAP}}}|(?:{words_})[^\w.]{{0,{IDENTIFIER_GAP}}})$"
        )
        self.fallback_regions: tuple[str, ...] = tuple(data["fallback_regions"])
        regions = {*self.fallback_regions, *(r for rs in data["language_regions"].values() for r in rs)}
        # Regions with a trunk prefix: a number written with it is tried in all of them.
        self.trunk_regions = tuple(r for r in dict.fromkeys((*self.fallback_regions, *sorted(regions))) if _trunk_prefix(r))
        codes = {str(phonenumbers.country_code_for_region(r)) for r in regions} - {"0", "1", "7"}
        # Country codes read from a long number written without "+" or "00" ("48501234567").
        self.bare_country_codes = tuple(sorted(codes, key=len, reverse=True))
        # (written number, hints, phone word near) -> its reading (None: no phone)
        self._readings: dict[tuple[Any, ...], _Reading | None] = {}

    def find(
        self,
        view: NormalizedText,
        regions: Sequence[str],
        padded: str | None = None,
        explicit: Collection[str] = (),
        origins: Collection[str] = (),
        strong: Collection[str] | None = None,
        words: WordHits | None = None,
    ) -> list[PhoneHit]:
        """Phones in ``view`` (``padded`` is ``pad(view.text)`` when the caller has it, ``words``
        a word scan of it that may hold the phone words).

        ``regions`` are the document's region hints, best first; ``explicit`` those of them
        the document states (location, platform, "UK number"), ranked above a number's type;
        ``strong`` the hints that outrank a number's grouping (explicit ones, places named in
        the ad, the country of the ad's language; all of ``regions`` when None); ``origins``
        the countries someone is said to come from, ranked last among equals.
        """
        text = view.text
        hits: list[PhoneHit] = []
        chain = _CHAIN.search(text)
        if chain is None:
            return hits
        # (the candidate's look-behind still sees the characters before where the scan starts)
        candidates = list(islice(_CANDIDATE.finditer(text, max(0, chain.start() - _CHAIN_LEAD)), MAX_CANDIDATES))
        if not candidates:
            return hits
        context = words.of(self._context) if words is not None else self._context.find(padded or pad(text))
        if context:
            context_ends = [end for _, end, _ in context]
            context_starts = sorted(start for start, _, _ in context)
            mobile_ends = [end for _, end, mobile in context if mobile]
            mobile_starts = sorted(start for start, _, mobile in context if mobile)
        else:  # no phone word: nothing to look up (the empty lists are only read)
            context_ends = context_starts = mobile_ends = mobile_starts = []
        budget = [MAX_PARSES]
        strong_regions = frozenset(regions if strong is None else strong)
        key = (tuple(regions), tuple(explicit), tuple(origins), strong_regions)
        for match in candidates:
            start, end = match.span()
            identifier = self._identifier.search(text, max(0, start - IDENTIFIER_WINDOW), start)
            if identifier and not _covered(context, context_ends, identifier.start(), start):
                continue
            near_context = _near(context_ends, start - CONTEXT_BEFORE, start) or _near(
                context_starts, end, end + CONTEXT_AFTER
            )
            mobile = _near(mobile_ends, start - CONTEXT_BEFORE, start) or _near(mobile_starts, end, end + CONTEXT_AFTER)
            hints = _Hints(regions, explicit, origins, strong_regions, mobile, (*key, mobile))
            hits.extend(self._resolve(text, start, end, hints, near_context, budget))
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
        key = (raw, context, hints.key)
        reading = self._readings.get(key, _UNREAD)
        if reading is not _UNREAD:
            return reading
        reading = self._read(raw, hints, context)
        if len(self._readings) >= READING_CACHE:
            self._readings.clear()
        self._readings[key] = reading
        return reading

    def _read(self, raw: str, hints: _Hints, context: bool) -> _Reading | None:
        digits = "".join(filter(str.isdigit, raw))
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
        readings = self._national_readings(digits, hints, context, _written_groups(raw), _AREA_CODE.match(raw) is not None)
        if readings:
            (_, best_unallocated), best = readings[0]
            alternates = tuple(
                e164 for (rank, unallocated), e164 in readings[1:] if rank < _NEAR_PHONE_WORD and not unallocated
            )
            return _Reading(best, alternates, unallocated=best_unallocated)
        if len(digits) >= 11 and digits.startswith(self.bare_country_codes):
            e164 = _valid_e164("+" + digits, None)
            if e164 is not None:
                return _Reading(e164)
        return None

    def _national_readings(
        self, digits: str, hints: _Hints, context: bool, groups: tuple[int, ...] = (), area_code: bool = False
    ) -> list[tuple[tuple[int, bool], str]]:
        """``((rank, unallocated), e164)`` of each reading of a national number, best first
        (see the module doc).

        A reading in a region nothing hints at counts only for a mobile number or beside a
        phone word; a possible but unallocated one only beside a phone word, in a hinted
        region whose trunk prefix is written. An area code set off by a slash or brackets
        without its trunk prefix ("96/ 412-388", "(96) 412-388") is read in the strong regions.
        """
        hinted = set(hints.regions)
        tried = [*hints.regions, *self.trunk_regions]
        if context:
            tried.extend(self.fallback_regions)
        readings: dict[str, tuple[bool, int, bool, int, bool, int]] = {}
        for order, region in enumerate(dict.fromkeys(tried)):
            e164 = _national(digits, region)
            if e164 is None and area_code and region in hints.strong and _has_trunk(digits, region) is False:
                e164 = _national(_trunk_written(region) + digits, region)
            unallocated = False
            if e164 is None:
                if not (context and region in hinted and _has_trunk(digits, region)):
                    continue
                e164, unallocated = _possible_e164(digits, region), True
                if e164 is None:
                    continue
            personal = not unallocated and _is_personal(e164)
            if not (personal or region in hinted or context):
                continue
            shape = _shape(groups, e164, digits)
            if region in hints.explicit:
                rank = _EXPLICIT
            elif region in hints.strong and shape != _OTHER_GROUPS:
                rank = _STRONG_SHAPED
            elif region in hints.strong and personal:
                rank = _STRONG_MOBILE
            elif shape != _OTHER_GROUPS and personal:
                rank = _SHAPED_MOBILE
            elif region in hints.strong:
                rank = _STRONG
            elif personal:
                rank = _MOBILE
            elif region in hinted:
                rank = _HINTED
            else:
                rank = _NEAR_PHONE_WORD
            if unallocated and rank != _STRONG_SHAPED:
                # Written in its country's grouping, an unallocated number is still that
                # country's ("06 93 21 47 80" in a French ad); otherwise it comes after
                # every allocated reading in a hinted region.
                rank = _HINTED
            # A number that takes messages is a mobile, wherever it is valid (but an explicit
            # country). Within a rank: allocated, then mobiles (ads give mobiles), then the
            # closer grouping, then not the country someone is said to come from.
            landline = hints.mobile and not personal and rank != _EXPLICIT
            key = (landline, rank, unallocated, (not personal) * 3 + shape, region in hints.origins, order)
            if e164 not in readings or readings[e164] > key:
                readings[e164] = key
        ranked = sorted(readings.items(), key=lambda item: item[1])
        return [((key[1], key[2]), e164) for e164, key in ranked]


def _written_groups(raw: str) -> tuple[int, ...]:
    """Digit counts of the groups a number is written in; digits written one by one count as
    one group up to the next break ("0 6 7 – 2 2 0": 3, 3)."""
    groups: list[int] = []
    for piece in _GROUP_BREAK.split(raw):
        lengths = [len(g) for g in _DIGIT_GROUP.findall(piece)]
        if len(lengths) > 1 and max(lengths) == 1:
            groups.append(len(lengths))
        else:
            groups.extend(lengths)
    return tuple(groups)


def _shape(groups: tuple[int, ...], e164: str, digits: str) -> int:
    """How ``groups`` of ``digits`` agree with the national format of ``e164`` (a trunk prefix
    added to the digits, as in "(702) 418-3307" read as "0702...", agrees with nothing)."""
    if len(groups) < 2:
        return _OTHER_GROUPS
    national, number = _national_format(e164)
    if national[:1] != groups[:1] or not number.startswith(digits[: groups[0]]):
        return _OTHER_GROUPS
    return _SAME_GROUPS if national == groups else _SAME_AREA_CODE


@dataclass(frozen=True, slots=True)
class _Hints:
    regions: Sequence[str]
    explicit: Collection[str]
    origins: Collection[str] = ()
    strong: Collection[str] = ()
    #: A word near the number says it takes messages: only a mobile can.
    mobile: bool = False
    #: Everything above, hashable: what a reading is remembered under.
    key: tuple[Any, ...] = ()


def _covered(context: list[tuple[int, int, bool]], ends: list[int], at: int, limit: int) -> bool:
    """Whether a phone phrase ending by ``limit`` covers position ``at``: the identifier word
    there is part of it ("Tel. Nr. 0151 ...", "pod nr 887 ...")."""
    i = bisect_right(ends, at)
    while i < len(ends) and ends[i] <= limit:
        if context[i][0] <= at:
            return True
        i += 1
    return False


def _near(positions: list[int], low: int, high: int) -> bool:
    """Whether a sorted position list has one in ``[low, high]``."""
    i = bisect_left(positions, low)
    return i < len(positions) and positions[i] <= high

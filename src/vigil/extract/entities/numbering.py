"""Whether a number written with its country code is valid, from the numbering plans alone.

Nearly every phone in an ad is written as ``+`` and digits, and ``phonenumbers.parse`` on
such a string spends most of its time on what it cannot hold (extensions, RFC 3966 forms,
letters, a second number), before the few steps that decide: the country code, the
national prefix, and the plan's patterns. :func:`international_e164` takes those steps
only, with the plans' patterns compiled once, and gives ``phonenumbers``' own answer
(``tests/extract/test_numbering.py`` holds the two side by side over every country code);
a number where the national prefix would be stripped is left to ``phonenumbers`` (None).
Measured on 10,000 demo ads: the phone step on cold caches from 54 to 37 µs an ad
(docs/benchmarks.md, Analysis). :func:`international_number` builds the parsed number
``phonenumbers.parse`` would return from the same steps, for the possibility check of a
number no operator holds (the test holds it beside the parse too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import phonenumbers

#: What :func:`international_e164` returns when ``phonenumbers`` must decide.
UNDECIDED: Final = "undecided"
#: Longest country calling code, and longest national significant number ``phonenumbers`` parses.
MAX_CODE_DIGITS: Final = 3
MAX_NSN_DIGITS: Final = 17
MIN_NSN_DIGITS: Final = 2
#: The number types whose descriptions make a number valid. ``phonenumbers`` tries the
#: special ones first to name the type; validity asks whether any matches, so mobile and
#: fixed line (what ads give) are tried first.
_SPECIAL_TYPES: Final = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)


@dataclass(frozen=True, slots=True)
class _Desc:
    """One number description of a plan: its lengths (empty: any) and its pattern."""

    lengths: frozenset[int]
    pattern: re.Pattern[str]

    def matches(self, nsn: str) -> bool:
        return (not self.lengths or len(nsn) in self.lengths) and self.pattern.fullmatch(nsn) is not None


@dataclass(frozen=True, slots=True)
class _Plan:
    """A region's numbering plan, as validity needs it."""

    leading: re.Pattern[str] | None
    general: _Desc | None
    types: tuple[_Desc, ...]

    def valid(self, nsn: str) -> bool:
        """``_number_type_helper(nsn, metadata) != UNKNOWN`` in ``phonenumbers``."""
        return self.general is not None and self.general.matches(nsn) and any(t.matches(nsn) for t in self.types)


def _desc(desc: Any) -> _Desc | None:
    if desc is None or not desc.national_number_pattern:
        return None  # a description without a pattern matches nothing
    return _Desc(frozenset(desc.possible_length or ()), re.compile(desc.national_number_pattern))


@lru_cache(maxsize=512)
def _plan(region: str, code: int) -> _Plan | None:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(code, region)
    if metadata is None:
        return None
    # With the same pattern for both, phonenumbers never tries mobile on its own.
    names = ["fixed_line"] if metadata.same_mobile_and_fixed_line_pattern else ["mobile", "fixed_line"]
    names += _SPECIAL_TYPES
    types = tuple(d for d in (_desc(getattr(metadata, name)) for name in names) if d is not None)
    leading = re.compile(metadata.leading_digits) if metadata.leading_digits is not None else None
    return _Plan(leading, _desc(metadata.general_desc), types)


@lru_cache(maxsize=512)
def _national_prefix(code: int) -> re.Pattern[str] | None:
    """The national prefix ``phonenumbers`` strips after the country code of ``code``'s main region."""
    region = phonenumbers.region_code_for_country_code(code)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(code, region)
    prefix = metadata.national_prefix_for_parsing if metadata is not None else None
    return re.compile(prefix) if prefix else None


def _country_code(digits: str) -> tuple[int, str] | None:
    """The country calling code digits start with, and the rest (None: no known code)."""
    if digits[:1] == "0":
        return None
    for size in range(1, MAX_CODE_DIGITS + 1):
        code = int(digits[:size])
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return code, digits[size:]
    return None


def _code_and_nsn(number: str) -> tuple[int, str] | str | None:
    """Country code and national number of ``number`` ("+" and ASCII digits); None for an
    invalid country code (``phonenumbers`` raises), :data:`UNDECIDED` for other input."""
    digits = number[1:]
    if not (number[:1] == "+" and digits.isascii() and digits.isdigit()) or len(digits) <= MIN_NSN_DIGITS:
        return UNDECIDED
    return _country_code(digits)


def international_number(number: str) -> phonenumbers.PhoneNumber | str | None:
    """``phonenumbers.parse(number, None)`` of ``number`` ("+" and ASCII digits), built from its
    country code and national number without the full parse (which costs five times what
    the rest of a possibility check does); None where the parse raises, :data:`UNDECIDED`
    where the national prefix would be stripped (``phonenumbers`` decides)."""
    found = _code_and_nsn(number)
    if found is None or isinstance(found, str):
        return found
    code, nsn = found
    prefix = _national_prefix(code)
    if prefix is not None and prefix.match(nsn):
        return UNDECIDED
    if len(nsn) < MIN_NSN_DIGITS or len(nsn) > MAX_NSN_DIGITS:
        return None  # phonenumbers: too short or too long (checked after the prefix is stripped)
    parsed = phonenumbers.PhoneNumber(country_code=code, national_number=int(nsn))
    if len(nsn) > 1 and nsn[0] == "0":
        # phonenumbers' leading zeros: all of them but a last digit, counted when more than one
        parsed.italian_leading_zero = True
        zeros = min(len(nsn) - len(nsn.lstrip("0")), len(nsn) - 1)
        if zeros != 1:
            parsed.number_of_leading_zeros = zeros
    return parsed


def international_e164(number: str) -> str | None:
    """E.164 of ``number`` ("+" and ASCII digits) if ``phonenumbers`` finds it valid, else None;
    :data:`UNDECIDED` where the national prefix would be stripped (``phonenumbers`` decides)."""
    found = _code_and_nsn(number)
    if found is None or isinstance(found, str):
        return found
    code, nsn = found
    if len(nsn) < MIN_NSN_DIGITS or len(nsn) > MAX_NSN_DIGITS:
        return None  # phonenumbers: too short or too long
    prefix = _national_prefix(code)
    if prefix is not None and prefix.match(nsn):
        return UNDECIDED
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[code]
    if len(regions) == 1:
        plan = _plan(regions[0], code)
        valid = plan is not None and plan.valid(nsn)
    else:
        # is_valid_number: the first region whose leading digits match, or else whose plan
        # holds the number, and valid there
        region_plan = None
        for region in regions:
            plan = _plan(region, code)
            if plan is None:
                continue
            if plan.leading is not None:
                if plan.leading.match(nsn):
                    region_plan = plan
                    break
            elif plan.valid(nsn):
                region_plan = plan
                break
        valid = region_plan is not None and region_plan.valid(nsn)
    # The national significant number keeps its leading zeros, so E.164 is the input itself.
    return number if valid else None

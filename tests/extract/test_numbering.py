"""A number written with its country code is valid from the numbering plans alone exactly
when ``phonenumbers`` parses it as valid: every country code, every length, valid and
invalid numbers of every type. All numbers are synthetic."""

from __future__ import annotations

import random
import re

import phonenumbers
import pytest

from vigil.extract.entities.numbering import UNDECIDED, international_e164, international_number
from vigil.extract.entities.phones import _possible_e164, _valid_e164

CODES = sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)
#: Random national numbers tried per country code and length.
PER_LENGTH = 2
SEED = 20261206


def _phonenumbers_e164(number: str) -> str | None:
    """What Vigil read a number written with "+" as before the plans were read directly."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    code = parsed.country_code or 0
    if len(phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code, ())) > 1:
        valid = phonenumbers.is_valid_number(parsed)
    else:
        valid = phonenumbers.is_valid_number_for_region(parsed, phonenumbers.region_code_for_country_code(code))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) if valid else None


def _examples(code: int) -> list[str]:
    """Valid numbers of every type in every region of ``code``, and each one digit changed."""
    numbers: list[str] = []
    for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[code]:
        for kind in phonenumbers.PhoneNumberType.values():
            example = (
                phonenumbers.example_number_for_non_geo_entity(code)
                if region == "001"
                else phonenumbers.example_number_for_type(region, kind)
            )
            if example is None:
                continue
            e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
            numbers += [e164, e164[:-1] + str((int(e164[-1]) + 1) % 10), e164 + "1", e164[:-1]]
    return numbers


def _numbers(code: int) -> list[str]:
    rng = random.Random(SEED + code)
    numbers = _examples(code)
    for length in range(0, 19):
        for _ in range(PER_LENGTH):
            numbers.append(f"+{code}" + "".join(rng.choice("0123456789") for _ in range(length)))
        numbers.append(f"+{code}0" + "".join(rng.choice("0123456789") for _ in range(length)))
    return numbers


@pytest.mark.parametrize("code", CODES)
def test_the_plans_decide_as_phonenumbers_does(code: int) -> None:
    decided = valid = 0
    for number in _numbers(code):
        e164 = international_e164(number)
        if e164 == UNDECIDED:
            continue
        decided += 1
        valid += e164 is not None
        assert e164 == _phonenumbers_e164(number), number
        assert _valid_e164(number, None) == e164
    assert decided > 0


def test_the_plans_decide_most_numbers() -> None:
    numbers = [number for code in CODES for number in _numbers(code)]
    answers = [international_e164(number) for number in numbers]
    assert sum(a == UNDECIDED for a in answers) < len(numbers) / 5
    assert sum(a not in (None, UNDECIDED) for a in answers) > len(CODES)


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("+380671234567", "+380671234567"),
        ("+48501234567", "+48501234567"),
        ("+447911123456", "+447911123456"),
        ("+15417543010", "+15417543010"),
        ("+79161234567", "+79161234567"),
        ("+390612345678", "+390612345678"),
        # unallocated, an unknown country code, none at all, too short, too long
        ("+447700900123", None),
        ("+99912345678", None),
        ("+0671234567", None),
        ("+3801", None),
        ("+380" + "1" * 18, None),
        # left to phonenumbers: a national prefix after the country code, other digits, no "+"
        ("+330612345678", UNDECIDED),
        ("+12", UNDECIDED),
        ("+٣٨٠٦٧١٢٣٤٥٦٧", UNDECIDED),
        ("380671234567", UNDECIDED),
    ],
)
def test_international_e164(number: str, expected: str | None) -> None:
    assert international_e164(number) == expected
    if expected != UNDECIDED:
        assert _phonenumbers_e164(number) == expected


def _leading_zeros(code: int) -> list[str]:
    """National numbers opening with one to five zeros, of every length up to the longest."""
    rng = random.Random(SEED - code)
    return [
        f"+{code}" + "0" * zeros + "".join(rng.choice("0123456789") for _ in range(length))
        for zeros in range(1, 6)
        for length in range(0, 19)
    ]


@pytest.mark.parametrize("code", CODES)
def test_the_number_is_built_as_phonenumbers_parses_it(code: int) -> None:
    """Every field of the parsed number (leading zeros included), and the same failures; where
    the national prefix of the code would be stripped (every number of some codes), nothing."""
    for number in [*_numbers(code), *_leading_zeros(code)]:
        parsed = international_number(number)
        if parsed == UNDECIDED:
            continue
        try:
            expected = phonenumbers.parse(number, None)
        except phonenumbers.NumberParseException:
            expected = None
        assert parsed == expected, number
        _possible_e164.cache_clear()  # read afresh, not remembered from another test
        assert _possible_e164(number, None) == _phonenumbers_possible(number), number


def test_most_numbers_are_built() -> None:
    numbers = [number for code in CODES for number in _numbers(code)]
    built = [international_number(number) for number in numbers]
    assert sum(b == UNDECIDED for b in built) < len(numbers) / 5
    assert sum(isinstance(b, phonenumbers.PhoneNumber) for b in built) > len(CODES)


def _phonenumbers_possible(number: str) -> str | None:
    """What Vigil read a possible number written with "+" as before the parse was skipped."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_possible_number_with_reason(parsed) != phonenumbers.ValidationResult.IS_POSSIBLE:
        return None
    code = parsed.country_code or 0
    region = phonenumbers.region_code_for_country_code(code)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(code, region)
    pattern = metadata.general_desc.national_number_pattern if metadata is not None and metadata.general_desc else None
    if not pattern or re.fullmatch(pattern, phonenumbers.national_significant_number(parsed)) is None:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

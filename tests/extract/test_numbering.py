"""A number written with its country code is valid from the numbering plans alone exactly
when ``phonenumbers`` parses it as valid: every country code, every length, valid and
invalid numbers of every type. All numbers are synthetic."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from vigil.extract.entities.numbering import UNDECIDED, international_e164
from vigil.extract.entities.phones import _valid_e164

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

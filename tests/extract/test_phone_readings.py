"""Phones read once: a number written again under the same hints is not parsed again, a
number under other hints is read anew, and a valid number is parsed at most once from its
E.164 form for its type and national format. All numbers are synthetic."""

from __future__ import annotations

from collections.abc import Iterator

import phonenumbers
import pytest

from vigil.extract.entities import phones
from vigil.extract.entities.phones import PhoneFinder
from vigil.extract.normalize import Normalizer


class _ParseCount:
    """Counts calls to ``phonenumbers.parse`` and passes each on unchanged."""

    def __init__(self) -> None:
        self.calls = 0
        self._parse = phonenumbers.parse

    def __call__(self, number: str, region: str | None = None) -> phonenumbers.PhoneNumber:
        self.calls += 1
        return self._parse(number, region)


def _clear_caches() -> None:
    for cached in (phones._valid_e164, phones._possible_e164, phones._national_format, phones._is_personal):
        cached.cache_clear()
    phones._PARSED.clear()


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[_ParseCount]:
    _clear_caches()
    count = _ParseCount()
    monkeypatch.setattr(phonenumbers, "parse", count)
    yield count
    _clear_caches()


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer()


def _e164(finder: PhoneFinder, normalizer: Normalizer, text: str, regions: list[str]) -> list[str]:
    return [hit.e164 for hit in finder.find(normalizer(text), regions)]


@pytest.mark.parametrize(
    ("text", "regions", "expected"),
    [
        ("bel 06 12345678", ["NL"], ["+31612345678"]),
        ("appelle 06 12 34 56 78", ["FR"], ["+33612345678"]),
        ("Звоните 050 123 45 67", ["UA"], ["+380501234567"]),
        ("Ruf an: 0151 2345 6789", ["DE"], ["+4915123456789"]),
    ],
)
def test_a_number_read_again_is_not_parsed_again(
    parses: _ParseCount, normalizer: Normalizer, text: str, regions: list[str], expected: list[str]
) -> None:
    finder = PhoneFinder()
    assert _e164(finder, normalizer, text, regions) == expected
    assert parses.calls > 0
    before = parses.calls
    _clear_caches()  # the number-level caches forgotten: only the finder's readings remain
    assert _e164(finder, normalizer, text, regions) == expected
    assert parses.calls == before


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        # the same digits, another country's reading under other hints
        ("0612345678", (["FR"], "+33612345678"), (["NL"], "+31612345678")),
        ("0612345678", (["NL"], "+31612345678"), (["FR"], "+33612345678")),
        # a number no hint makes national stays no phone; hinted it is one
        ("501 234 567", ([], None), (["PL"], "+48501234567")),
    ],
)
def test_a_reading_is_remembered_under_its_hints_only(
    normalizer: Normalizer, text: str, first: tuple[list[str], str | None], second: tuple[list[str], str | None]
) -> None:
    finder = PhoneFinder()
    for regions, expected in (first, second, first):
        found = _e164(finder, normalizer, text, regions)
        assert found == ([expected] if expected else [])
        assert found == _e164(PhoneFinder(), normalizer, text, regions)


def test_remembered_readings_are_bounded(monkeypatch: pytest.MonkeyPatch, normalizer: Normalizer) -> None:
    monkeypatch.setattr(phones, "READING_CACHE", 4)
    finder = PhoneFinder()
    numbers = [f"+48 501 234 {n:03d}" for n in range(10)]
    for number in numbers:
        assert _e164(finder, normalizer, number, []) == [number.replace(" ", "")]
        assert len(finder._readings) <= 4
    assert _e164(finder, normalizer, numbers[0], []) == ["+48501234000"]


@pytest.mark.parametrize(
    ("number", "personal", "groups", "national"),
    [
        ("+380671234567", True, (3, 3, 4), "0671234567"),
        ("+48501234567", True, (3, 3, 3), "501234567"),
        ("+4930123456", False, (3, 6), "030123456"),
    ],
)
def test_a_valid_number_is_parsed_once(
    parses: _ParseCount, number: str, personal: bool, groups: tuple[int, ...], national: str
) -> None:
    assert phones._valid_e164(number, None) == number
    assert parses.calls == 0  # the numbering plans decide a number written with "+"
    assert phones._is_personal(number) is personal
    assert phones._national_format(number) == (groups, national)
    assert parses.calls == 1
    # ... and each answer is phonenumbers' own on a fresh parse
    fresh = phonenumbers.PhoneNumberFormat.NATIONAL
    assert phones._national_format(number)[1] == "".join(
        ch for ch in phonenumbers.format_number(phonenumbers.parse(number, None), fresh) if ch.isdigit()
    )


@pytest.mark.parametrize("number", ["+380671234567", "+15417543010", "+79161234567"])
def test_parsed_numbers_are_bounded(monkeypatch: pytest.MonkeyPatch, number: str) -> None:
    _clear_caches()
    monkeypatch.setattr(phones, "PARSED_CACHE", 2)
    for n in range(5):
        phones._parsed_e164(f"+4850123456{n}")
        assert len(phones._PARSED) <= 2
    assert phones._parsed_e164(number) == phonenumbers.parse(number, None)
    _clear_caches()

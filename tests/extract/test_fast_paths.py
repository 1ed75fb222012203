"""Fast paths of normalization and the entity finders answer exactly like the plain patterns
they stand for (a speed-up must not change a single analysis)."""

from __future__ import annotations

import re
import time

import pytest

from vigil.extract import normalize as normalize_module
from vigil.extract.digits import DigitReader
from vigil.extract.entities import EntityExtractor
from vigil.extract.entities import emails as emails_module
from vigil.extract.entities import urls as urls_module
from vigil.extract.entities.ages import _NUMBER
from vigil.extract.entities.emails import EmailFinder
from vigil.extract.entities.prices import _AMOUNT_RE, PriceFinder
from vigil.extract.entities.urls import UrlFinder
from vigil.extract.normalize import normalize
from vigil.extract.words import LETTERS_TABLE_SIZE, WordIndex, WordScan, letters_only, pad

# CPU-time budgets: no cycle collection of other tests' garbage inside the timed calls.
pytestmark = pytest.mark.usefixtures("cycle_collector_paused")

#: The plain patterns: what each fast path must agree with.
PLAIN_NON_LETTERS = re.compile(r"[\W\d_]")
PLAIN_AMOUNT = re.compile(
    r"(?<!\d)(?<!\d[ .,])(?:\d{1,3}(?:[ .,'\u2019]\d{3}){1,2}(?:[.,]\d{1,2})?(?!\d)|\d{1,7}(?:[.,]\d{1,2})?(?!\d))"
)
PLAIN_TWO_DIGITS = re.compile(r"(?<![\d.,])\d{2}(?!\d)")
#: CPU seconds for a 300,000-character run (linear work takes milliseconds).
LONG_RUN_BUDGET = 1.0

TEXTS = [
    "",
    "a",
    "Anna 19, new in town! Call +48 501 234 567",
    "Оплата 1 500 грн, 19 років; ok_ok 5O1 O77O",
    "h3ll0 w0rld $5 a$b 12ab ab12 a1b2c",
    "e\u0301\u0336 n\u200bn ²³ ½ ٣٤ x٣y 𝐀𝐍𝐍𝐀 🔥",
    "19.5 19,5 1.19 ,19 .19 119 19 2019 1 500,50 12’000 €",
    "aаa ρa аρ αβγ мамa",
    "\ud800x\udfff _ __ 5_5",
    "501 o 5 o o 5 5-о ο.5 5з l5 5i і5",
]


@pytest.mark.parametrize("text", TEXTS)
def test_letters_only_is_the_substitution(text: str) -> None:
    assert letters_only(text) == PLAIN_NON_LETTERS.sub(" ", text)


def test_letters_only_beyond_the_remembered_characters() -> None:
    codes = [*range(0x20, 0xD800), *range(0xE000, 0x30000)]
    assert len(codes) > LETTERS_TABLE_SIZE
    text = "".join(map(chr, codes))
    assert letters_only(text) == PLAIN_NON_LETTERS.sub(" ", text)
    assert letters_only(text) == PLAIN_NON_LETTERS.sub(" ", text)  # remembered or not, the same


@pytest.mark.parametrize(
    ("text", "leet"),
    [
        ("h3ll0 w0rld", True),
        ("a$b", True),
        ("ab12", False),
        ("12ab", False),
        ("a 1 b", False),
        ("a_1b", False),
        ("a1_b", False),
        ("x٣y", False),
        ("я3я", True),
        ("", False),
    ],
)
def test_leet_check_is_the_leet_pattern(text: str, leet: bool) -> None:
    assert bool(normalize_module._LEET_ANY.search(text)) is leet
    assert bool(normalize_module._LEET.search(text)) is leet


@pytest.mark.parametrize("text", TEXTS)
def test_mixed_script_gate_never_hides_a_mixed_word(text: str) -> None:
    if normalize_module._MIXED.search(text):
        assert normalize_module._GREEK_OR_CYRILLIC.search(text)
    assert bool(normalize_module._MIXED_ANY.search(text)) is bool(normalize_module._MIXED.search(text))


def test_mixed_script_check_is_the_mixed_pattern() -> None:
    import random

    rng = random.Random(3)
    alphabet = ["a", "z", "ß", "é", "ą", "α", "ω", "а", "я", "ї", "ԁ", " ", "1", "-", "ʼ", "€"]
    for _ in range(30_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        assert bool(normalize_module._MIXED_ANY.search(text)) is bool(normalize_module._MIXED.search(text)), text


@pytest.mark.parametrize("text", ["5" * 300_000, "a" + "5" * 300_000, "5" * 300_000 + "a", "a1" * 150_000])
def test_leet_check_is_linear_on_long_runs(text: str) -> None:
    started = time.process_time()
    normalize_module._LEET_ANY.search(text)
    assert time.process_time() - started < LONG_RUN_BUDGET


@pytest.mark.parametrize("text", TEXTS)
def test_amounts_and_two_digit_numbers_are_the_plain_ones(text: str) -> None:
    assert [m.span() for m in _AMOUNT_RE.finditer(text)] == [m.span() for m in PLAIN_AMOUNT.finditer(text)]
    assert [m.span() for m in _NUMBER.finditer(text)] == [m.span() for m in PLAIN_TWO_DIGITS.finditer(text)]


@pytest.mark.parametrize(
    ("text", "prices"),
    [
        ("150 €", [(0, 5, 150, "EUR")]),
        ("€ \n150", [(0, 6, 150, "EUR")]),
        ("€\n150", [(0, 5, 150, "EUR")]),
        ("eur 150", [(0, 7, 150, "EUR")]),
        ("150 tys. zł", [(0, 11, 150_000, "PLN")]),
        ("zł 3 tys.", [(0, 9, 3000, "PLN")]),
        ("150\n€", [(0, 5, 150, "EUR")]),
        ("150  €", []),
        ("€   150", []),
        ("call 150 now", []),
        ("+48 5 9 6 2 1", []),
    ],
)
def test_prices_around_the_amount(text: str, prices: list[tuple[int, int, int, str]]) -> None:
    found = PriceFinder().find(text)
    assert [(s, e, p.amount, p.currency) for s, e, p in found] == prices


@pytest.mark.parametrize(
    ("text", "mixed"),
    [
        ("5O1", False),  # capital O: the normalized views are casefolded
        ("5o1", True),
        ("o5", True),
        ("501 o", True),
        ("о 5", True),
        ("5з", True),
        ("5 l", False),
        ("l 5", False),
        ("5-ο", True),
        ("55 55", False),
        ("", False),
    ],
)
def test_digit_like_letter_check(text: str, mixed: bool) -> None:
    reader = DigitReader()
    letters = "".join(re.escape(ch) for ch in reader.tables.letters)
    zero = "".join(re.escape(ch) for ch, digit in reader.tables.letters.items() if digit == "0")
    plain = re.compile(rf"\d[{letters}]|[{letters}]\d|\d[ \-.][{zero}]|[{zero}][ \-.]\d")
    assert bool(reader._letters.search(text)) is mixed
    assert bool(plain.search(text)) is mixed


@pytest.mark.parametrize(
    ("text", "addresses"),
    [
        ("anna@mail.pl", ["anna@mail.pl"]),
        ("anna (at) mail dot pl", ["anna@mail.pl"]),
        ("anna at gmail dot com", ["anna@gmail.com"]),
        ("anna [małpa] wp.pl", ["anna@wp.pl"]),
        ("anna собака ukr крапка net", ["anna@ukr.net"]),
        ("anna mail dot pl", []),
        ("at the station", []),
        ("that cat", []),
        ("", []),
    ],
)
def test_email_pre_check_lets_every_address_through(text: str, addresses: list[str]) -> None:
    assert [address for _, _, address in EmailFinder().find(text)] == addresses


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Telegram anna, my name is Anna, 19 lat, five zero one, UK number",
        "Мене звати Оксана, двадцять два роки, пʼять нуль один, вайбер",
        "seven seven seventeen dwadzieścia dwa jestem Ola, WhatsApp/Viber: +48 501",
        "anna anna anna annabel an na",
    ],
)
def test_one_word_scan_finds_what_each_word_list_finds(text: str) -> None:
    first = WordIndex([("anna", 1), ("anna anna", 2), ("na", 3), ("five", 4)])
    second = WordIndex([("anna", "a"), ("annabel", "b"), ("zero", "z")])
    apart = WordIndex([("an", True)])
    padded = pad(normalize(text).text)
    found = WordScan([first, second]).find(padded)
    assert found.of(first) == first.find(padded)
    assert found.of(second) == second.find(padded)
    assert found.of(apart) == apart.find(padded)  # outside the scan: looked up on demand


def test_the_extractor_word_scan_is_its_word_lists(extractor: EntityExtractor) -> None:
    indexes = [
        extractor.digits._words,
        extractor.ages._spelled,
        extractor._number_words,
        extractor.handles._messenger,
        extractor.names._phrases,
        extractor.names._known,
        extractor.urls._dot_words,
    ]
    for text in (*TEXTS, "Telegram anna, jestem Ola, dwadzieścia dwa lata, seven zero one, UK number, anna kropka pl"):
        padded = pad(normalize(text).text)
        found = extractor._word_scan.find(padded)
        assert [found.of(index) for index in indexes] == [index.find(padded) for index in indexes]


@pytest.mark.parametrize(
    ("location", "hosts", "stated", "regions"),
    [
        ("Warszawa", ("citynights.example", "jobs.pl"), (), ["PL"]),
        ("Warszawa", ("citynights.example", "jobs.pl"), ("GB",), ["PL", "GB"]),
        (None, ("praca.cz",), (), ["CZ"]),
        ("Kharkiv", (None, "t.ua"), ("UA", "PL"), ["UA", "PL"]),
        (None, (), (), []),
    ],
)
def test_explicit_regions_remembered_or_not(
    extractor: EntityExtractor, location: str | None, hosts: tuple[str | None, ...], stated: tuple[str, ...], regions: list[str]
) -> None:
    for _ in range(2):  # the second call may come from the remembered regions
        found = extractor.explicit_regions(location, iter(hosts), iter(stated))
        assert found == regions
        found.append("XX")  # the caller's copy: changing it changes nothing remembered


@pytest.mark.parametrize(
    "text",
    [
        "write anna.v+ads@mail.pl or anna (at) mail dot pl",
        "anna at gmail dot com, ola@ wp.pl, ira @ ukr.net",
        "a" * 64 + "@mail.pl " + "b" * 65 + "@mail.pl",
        "x-y.z [@] host [.] com; jobs at work-abroad.eu",
        "anna собака ukr крапка net",
        "no address here, at all",
    ],
)
def test_email_patterns_are_the_backtracking_ones(text: str) -> None:
    """The possessive local part finds what the plain one finds, group for group."""
    finder = EmailFinder()
    plain_local = r"[\w.+\-]{1,64}"
    for fast in (emails_module._PLAIN, finder._disguised):
        plain = re.compile(fast.pattern.replace(emails_module._LOCAL, plain_local))
        assert plain.pattern != fast.pattern
        assert [(m.span(), m.groups()) for m in fast.finditer(text)] == [(m.span(), m.groups()) for m in plain.finditer(text)]


@pytest.mark.parametrize(
    "text",
    [
        "see anna-vip.cz/gallery and www.example.pl, not ab-.pl or a..pl",
        "x.co.uk/a mail.example.com a-b-c.de -a.pl a-.eu 1.ua",
        "a" * 62 + ".pl " + "b" * 63 + ".pl " + "c" * 61 + "-.pl",
        "anna@mail.pl, t.me/anna_vip, no domain here.",
    ],
)
def test_domain_pattern_is_the_backtracking_one(text: str) -> None:
    fast = UrlFinder()._domain
    plain = re.compile(fast.pattern.replace(urls_module._LABEL_BEFORE_DOT, r"[^\W_](?:[\w\-]{0,61}[^\W_])?"))
    assert plain.pattern != fast.pattern
    assert [(m.span(), m.groups()) for m in fast.finditer(text)] == [(m.span(), m.groups()) for m in plain.finditer(text)]


@pytest.mark.parametrize(
    "text",
    [
        *TEXTS,
        "150 €",
        "€150",
        "200 zł za godzinę",
        "2k eur",
        "1 500 грн.",
        "3 tys. zł",
        "150 euro",
        "150 euros, 20 eur.",
        "150eur",
        "neurology 150",
        "pounds150 $ 20",
        "zł",
        "150 liters, 20 tys.",
        "call 150 now",
    ],
)
def test_prices_pre_check_lets_every_price_through(text: str) -> None:
    """A text without a currency sign or word has no price: the pre-check skips only those."""
    finder = PriceFinder()
    every_amount = PriceFinder()
    every_amount._signs = re.compile("")  # a pre-check that always lets the text through
    assert finder.find(text) == every_amount.find(text)
    words = WordScan([finder._words]).find(pad(text))
    assert finder.find(text, pad(text), words) == every_amount.find(text)


def test_digits_view_of_a_text_without_digit_words_is_the_text_itself() -> None:
    reader = DigitReader()
    plain = normalize("Anna, new in town, call me")
    assert reader(plain) is plain
    leet = normalize("sw33t n3w m3et")  # the views differ: the digits view is the light one
    view = reader(leet)
    assert view is not leet and view.text == leet.light == view.light
    assert (view.starts, view.ends) == (leet.starts, leet.ends)

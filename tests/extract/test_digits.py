"""The digits view: spelled-out digits, letters for digits, exact offsets."""

from __future__ import annotations

import pytest

from vigil.extract.digits import DigitReader
from vigil.extract.normalize import normalize
from vigil.pipeline import Pipeline


@pytest.fixture(scope="module")
def reader() -> DigitReader:
    return DigitReader()


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("call five zero one two three", "50123"),  # en
        ("пʼять нуль один два три", "50123"),  # uk
        ("пять ноль один два три", "50123"),  # ru
        ("pięć zero jeden dwa trzy", "50123"),  # pl
        ("fünf null eins zwei drei", "50123"),  # de
        ("pět nula jedna dva tři", "50123"),  # cs
        ("päť nula jeden dva tri", "50123"),  # sk
        ("cinci zero unu doi trei", "50123"),  # ro
        ("öt nulla egy kettő három", "50123"),  # hu
        ("cinq zéro un deux trois", "50123"),  # fr
        ("cinque zero uno due tre", "50123"),  # it
        ("cinco cero uno dos tres", "50123"),  # es
        ("vijf nul een twee drie", "50123"),  # nl
        ("cinco zero um dois três", "50123"),  # pt
        ("beş sıfır bir iki üç", "50123"),  # tr
        ("penki nulis vienas dvi trys", "50123"),  # lt
        ("сім сім нуль", "770"),
        ("siedem siedem zero", "770"),
        ("5O1 234 OOO", "501234000"),  # letter O for zero
        ("0l2 345", "012345"),  # letter l for one
        ("plus four eight five", "+485"),
    ],
)
def test_spelled_digits_become_digits(reader: DigitReader, text: str, digits: str) -> None:
    view = reader(normalize(text))
    assert digits in view.text.replace(" ", "")
    for i in range(len(view.text)):
        s, e = view.span(i, i + 1)
        assert 0 <= s < e <= len(text)


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        # phone groups written as numbers: teens, tens, hundreds and their compounds
        ("zero seven seven nine, twenty-one, nine hundred and six", "077921906"),  # en
        ("нуль дев'яносто п'ять шістсот два тридцять один", "09560231"),  # uk
        ("плюс семь девятьсот шестнадцать сорок пять", "+791645"),  # ru
        ("sześćset dziewięćdziesiąt cztery, dwadzieścia trzy, zero", "694230"),  # pl
        ("sedm set třicet, dvacet jedna, čtyřiadvacet", "7302124"),  # cs
        ("deväťstošestnásť, dvadsaťjeden, tridsať päť", "9162135"),  # sk
        ("null eins fünf, achtundfünfzig, neunhundertsechzehn", "01558916"),  # de
        ("nul zes, achtenvijftig, tweeëntwintig, negenhonderd zestien", "065822916"),  # nl
        ("zéro sept, cinquante-huit, vingt et un, quatre-vingt-quatorze, soixante-dix-sept", "0758219477"),  # fr
        ("zero șapte, douăzeci și trei, o sută doisprezece", "0723112"),  # ro
        ("nulla hat, harminc, kétszázharmincegy, tizenkilenc", "063023119"),  # hu
        ("tre tre nove, ventuno, novecentosedici, cinquantotto", "3392191658"),  # it
        ("seis uno, veintitrés, novecientos dieciséis, cincuenta y ocho", "612391658"),  # es
        ("dwadziescia trzy, piecset, dziewiec", "235009"),  # pl typed without diacritics
        # Ukrainian and Russian digits typed in Latin letters
        ("nul dev'iat sim, 311", "097311"),
        ("nol devyat sem 311", "097311"),
        # a spelled trunk zero before digits
        ("zero 7 6 5 - 2 0 8", "0765208"),
    ],
)
def test_spelled_numbers_become_their_digits(reader: DigitReader, text: str, digits: str) -> None:
    view = reader(normalize(text))
    assert digits in "".join(ch for ch in view.text if ch.isdigit() or ch == "+")
    for i in range(len(view.text)):
        s, e = view.span(i, i + 1)
        assert 0 <= s < e <= len(text)


def test_spelled_number_maps_back_to_all_its_words(reader: DigitReader) -> None:
    text = "tel: nul zes, achtenvijftig, negenhonderd zestien"
    view = reader(normalize(text))
    start = view.text.index("916")
    assert view.evidence(start, start + 3) == "negenhonderd zestien"
    start = view.text.index("58")
    assert view.evidence(start, start + 2) == "achtenvijftig"


@pytest.mark.parametrize(
    "text",
    [
        "one day I met two friends",  # number words in prose stay words
        "sei bella",
        "ich habe ein Auto",
        "un homme et deux femmes",
        "good food",  # no digit beside the o's
        "vingt-deux ans, trente euros",  # numbers in prose, fewer than three in a run
        "мені двадцять один рік",
        "ho ventuno anni",
    ],
)
def test_prose_is_left_alone(reader: DigitReader, text: str) -> None:
    view = reader(normalize(text))
    assert not any(ch.isdigit() for ch in view.text)


def test_spelled_number_maps_back_to_words(reader: DigitReader) -> None:
    text = "Tel: seven seven zero 123"
    view = reader(normalize(text))
    start = view.text.index("7 7 0")
    assert view.evidence(start, start + 5) == "seven seven zero"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Tel.: O77O.O9O.O166", id="letter-o-runs-read-both-ways"),
        pytest.param("tel O5O1 OO2 OO3", id="letter-o-groups"),
    ],
)
def test_a_span_read_as_digits_and_as_a_word_does_not_crash(pipeline: Pipeline, text: str) -> None:
    # Once a TypeError: a spelled token and a digit run on the same span were compared whole.
    analysis = pipeline({"id": "o", "text": f"Wyjazd z miasta Łódź. {text}"})
    assert analysis["entities"]["phones"], analysis["entities"]

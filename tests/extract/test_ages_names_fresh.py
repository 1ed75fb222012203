"""Every stated age and aliases beyond "my name is" (issue 15 items 5 and 6): lists, ages in
words, bare ages beside a person, names in titles and with their age; one row per language,
and negatives (ranges, requirements, prices, times, dates, phone digits, places, months)."""

from __future__ import annotations

import pytest
from extract_support import values_of

from vigil.extract.entities import EntityExtractor
from vigil.extract.entities.ages import AgeFinder


@pytest.mark.parametrize(
    ("lang", "text", "ages"),
    [
        # Lists share their context.
        ("en", "two girls 19 and 21, new in town", [19, 21]),
        ("en", "College girls 19/21 yo", [19, 21]),
        ("pl", "Dziewczyny 19, 21 i 23 lata", [19, 21, 23]),
        ("uk", "Дві подружки, Оля та Віка (21 і 23), щойно приїхали", [21, 23]),
        ("de", "drei neue Mädels aus der Ukraine, 19, 20 und 22, nur kurz da", [19, 20, 22]),
        ("fr", "Katia (22) et sa copine Sveta (19), nouvelles en Suisse", [22, 19]),
        ("cs", "Mladé, 18 a 20 let, poprvé v Brně", [18, 20]),
        ("hu", "Két barátnő, 19 és 21 évesek", [19, 21]),
        # Ages in words, every supported language.
        ("pl", "mam dziewiętnaście lat", [19]),
        ("pl", "Kasia, dwadzieścia dwa lata", [22]),
        ("fr", "Julie, vingt ans", [20]),
        ("fr", "j'ai vingt-deux ans", [22]),
        ("ru", "мне девятнадцать лет", [19]),
        ("ru", "мне двадцать один год", [21]),
        ("uk", "мені дев'ятнадцять років", [19]),
        ("uk", "мені двадцять один рік", [21]),
        ("de", "Lena, neunzehn Jahre", [19]),
        ("de", "ich bin einundzwanzig Jahre alt", [21]),
        ("en", "I am twenty-one years old", [21]),
        ("it", "Giulia, ventidue anni", [22]),
        ("it", "ho ventuno anni", [21]),
        ("es", "tengo veintidós años", [22]),
        ("ro", "am douăzeci și doi de ani", [22]),
        ("hu", "huszonkét éves vagyok", [22]),
        ("nl", "Sanne, eenentwintig jaar", [21]),
        ("cs", "je mi dvacet jedna let", [21]),
        ("sk", "mám dvadsaťjeden rokov", [21]),
        ("pl", "mam dwadziescia lat", [20]),  # typed without diacritics
        # Bare ages beside a person, and short forms.
        ("en", "Sweet Anna 19", [19]),
        ("de", "Neu! Masseurin Alina (23) in Düsseldorf", [23]),
        ("en", "I am Anna, 23", [23]),
        ("en", "girl 19, new here", [19]),
        ("de", "Julia aus Odessa, 25, erst seit paar Tagen hier", [25]),
        ("uk", "Віолетта, 29. Ескорт-супровід у Харкові", [29]),
        ("en", "Hi, 19yo here", [19]),
        ("en", "Anna, 18 y.o. new", [18]),
        ("it", "Roxy, 20enne dalla Romania", [20]),
        ("ru", "Novaya devochka, tolko 18 ispolnilos", [18]),
    ],
)
def test_finds_every_stated_age(extractor: EntityExtractor, lang: str, text: str, ages: list[int]) -> None:
    assert values_of(extractor, text, lang, "ages") == ages


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "We hire girls 18-25"),
        ("en", "girls 18 to 25, good pay"),
        ("en", "age 20-45"),
        ("en", "girls from 18"),
        ("en", "girls 18+ welcome"),
        ("en", "girls 18 and older"),
        ("fr", "vous avez entre 18 et 25 ans ?"),
        ("fr", "moins de 27 ans"),
        ("fr", "installée à Paris depuis 15 ans"),
        ("es", "chicas de 18 a 25 años"),
        ("it", "ragazze da 18 a 25 anni"),
        ("ro", "fete cu varsta intre 18 si 24 ani"),
        ("cs", "Jen mladé a sexy, max. 25 let"),
        ("hu", "keresünk csinos, 18 év feletti lányokat"),
        ("en", "Anna 30 min 100 EUR"),  # a duration
        ("en", "Incall, 50 € per hour"),  # a price
        ("de", "Anna ab 22 Uhr"),  # a time
        ("en", "Anna 19:30 tonight"),
        ("en", "girls 19 May only"),  # a date
        ("ru", "девушки 19 мая"),
        ("pl", "ul. Marszałkowska 21, Warszawa"),  # a house number
        ("uk", "дівчата, дзвоніть 067 412 88 19"),  # phone digits
        ("en", "Anna 50 12 34 567"),
        ("en", "girl 24/7"),
        ("de", "10 Jahre Erfahrung"),
        ("en", "the twenty-one club"),  # a spelled number with no age word
        ("pl", "Pracujemy 24 godziny"),
    ],
)
def test_not_ages(extractor: EntityExtractor, lang: str, text: str) -> None:
    assert values_of(extractor, text, lang, "ages") == []


@pytest.mark.parametrize(
    ("lang", "text", "names"),
    [
        ("en", "Anna here, new in town", ["Anna"]),
        ("en", "Im Anna, 21", ["Anna"]),
        ("en", "Sweet Anna 19", ["Anna"]),
        ("en", "ANNA 21", ["Anna"]),
        ("en", "Katya ❤️ new in town", ["Katya"]),
        ("en", "Two new girls: Lena and Masha", ["Lena", "Masha"]),
        ("en", "ask for Viktoria", ["Viktoria"]),
        ("en", "call Kate after 6", ["Kate"]),
        ("en", "Zara, 27, independent, Liverpool", ["Zara"]),
        ("ru", "это Катя, звони", ["Катя"]),
        ("uk", "Аліна, 20 років, тільки приїхала", ["Аліна"]),
        ("pl", "tu Ania, zapraszam", ["Ania"]),
        ("cs", "Tereza, 25 let, Praha", ["Tereza"]),
        ("sk", "Volajte, tu Zuzka", ["Zuzka"]),
        ("de", "hier ist Lena aus Köln", ["Lena"]),
        ("nl", "Dasha 21 en Lera 22, nu samen in Amersfoort", ["Dasha", "Lera"]),
        ("fr", "c'est Julie, nouvelle à Lyon", ["Julie"]),
        ("ro", "Ioana, 21 ani, Cluj", ["Ioana"]),
        ("hu", "Szia, Réka vagyok", ["Réka"]),
        ("it", "sono Giulia, ragazza italiana", ["Giulia"]),
        ("es", "soy María, nueva en Madrid", ["María"]),
        ("de", "Thai-Lady Ning, 26, nur 5 Tage hier", ["Ning"]),
    ],
)
def test_finds_aliases(extractor: EntityExtractor, lang: str, text: str, names: list[str]) -> None:
    assert values_of(extractor, text, lang, "names") == names


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Berlin, 24, new girls"),  # a city
        ("hu", "Budapesten, 24 órában"),  # a city with its case ending
        ("en", "Santa Maria Hotel, rooms free"),  # a saint
        ("pl", "ul. Anny 19"),  # a street (and a declined form)
        ("en", "Maria Street 12"),
        ("en", "available in Sofia now"),  # a place after a preposition
        ("en", "I'm British, English is my first language"),  # a nationality
        ("cs", "Češka, 31, Praha"),
        ("de", "Mädchen, 19, neu"),  # a person word
        ("en", "January, 19th"),  # a month
        ("en", "anna is lowercase here"),  # not written as a name
        ("en", "write to anna.k@example.com"),  # part of an e-mail address
        ("en", "Click here, 24 hours a day"),
    ],
)
def test_not_aliases(extractor: EntityExtractor, lang: str, text: str) -> None:
    assert values_of(extractor, text, lang, "names") == []


def test_spelled_numbers_cover_sixteen_to_sixty_in_every_language() -> None:
    finder = AgeFinder()
    for lang, words in {
        "en": ["sixteen", "sixty"],
        "uk": ["шістнадцять", "шістдесят"],
        "ru": ["шестнадцать", "шестьдесят"],
        "pl": ["szesnaście", "sześćdziesiąt"],
        "cs": ["šestnáct", "šedesát"],
        "sk": ["šestnásť", "šesťdesiat"],
        "de": ["sechzehn", "sechzig"],
        "nl": ["zestien", "zestig"],
        "fr": ["seize", "soixante"],
        "ro": ["șaisprezece", "șaizeci"],
        "hu": ["tizenhat", "hatvan"],
        "it": ["sedici", "sessanta"],
        "es": ["dieciséis", "sesenta"],
    }.items():
        sixteen, sixty = words
        assert [a for _, _, a in finder.find(f"age: {sixteen}")] == [16], lang
        assert [a for _, _, a in finder.find(f"age: {sixty}")] == [60], lang

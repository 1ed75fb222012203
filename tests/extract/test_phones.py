"""Phones: E.164 from plain, spaced, spelled and disguised forms; prices, dates, ages and
identifiers are not phones. All numbers are synthetic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from extract_support import spans_of, values_of

from vigil.extract.entities import EntityExtractor
from vigil.extract.normalize import normalize
from vigil.pipeline import Pipeline

GOLDEN = Path(__file__).parents[1] / "data" / "phones_golden.jsonl"
#: The goal of the extraction issue: phone F1 including obfuscated forms.
MIN_F1 = 0.97


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Call me on +44 7911 123456", ["+447911123456"]),
        ("en", "call zero seven nine one one one two three four five six", ["+447911123456"]),
        ("uk", "Дзвоніть: нуль шість сім один два три чотири пʼять шість сім", ["+380671234567"]),
        ("ru", "Звоните 050 123 45 67", ["+380501234567"]),
        ("pl", "Tel. pięć zero jeden dwa trzy cztery pięć sześć siedem", ["+48501234567"]),
        ("de", "Handy 0151 2345 6789", ["+4915123456789"]),
        ("cs", "volej šest nula jedna dva tři čtyři pět šest sedm", ["+420601234567"]),
        ("sk", "volaj 0901 234 567", ["+421901234567"]),
        ("ro", "sună la zero șapte doi unu doi trei patru cinci șase șapte", ["+40721234567"]),
        ("hu", "hívj 06 20 123 4567", ["+36201234567"]),
        ("fr", "appelle 06 12 34 56 78", ["+33612345678"]),
        ("it", "chiama tre uno due tre quattro cinque sei sette otto nove", ["+393123456789"]),
        ("es", "llama seis uno dos tres cuatro cinco seis siete ocho", ["+34612345678"]),
        ("nl", "bel 06 12345678", ["+31612345678"]),
        ("pt", "liga 912 345 678", ["+351912345678"]),
        ("tr", "ara 0532 123 45 67", ["+905321234567"]),
        ("lt", "skambink 8 612 34567", ["+37061234567"]),
        ("pl", "kontakt 5O1-234-OOO", ["+48501234000"]),
        ("pl", "dzwoń 5️⃣0️⃣1️⃣ 2️⃣3️⃣4️⃣ 0️⃣0️⃣0️⃣", ["+48501234000"]),
        ("en", "tel 𝟎𝟕𝟗𝟏𝟏 𝟏𝟐𝟑𝟒𝟓𝟔", ["+447911123456"]),
        ("pl", "501 234 567 lub 602 345 678", ["+48501234567", "+48602345678"]),
        ("uk", "Польський номер 501 234 567", ["+48501234567"]),
        # unusual separators
        ("pl", "tel 739*037*980", ["+48739037980"]),
        ("cs", "volej 739_037_980", ["+420739037980"]),
        ("pl", "tel (73) 903-79-80", ["+48739037980"]),
        ("pl", "+48 (501) 234-567", ["+48501234567"]),
        ("de", "Handy 0151.2345.6789", ["+4915123456789"]),
        ("de", "Handy 0151/2345 6789", ["+4915123456789"]),
        ("sk", "volaj 0901*234*567", ["+421901234567"]),
        # letter O for zero at the start or the end
        ("en", "tel O7911 123456", ["+447911123456"]),
        ("en", "call 07911 1234OO", ["+447911123400"]),
        ("fr", "appelle O6 12 34 56 78", ["+33612345678"]),
        # spelled digits mixed with digits
        ("en", "call 07911 one two three four five six", ["+447911123456"]),
        ("uk", "тел 067 один два три 45 67", ["+380671234567"]),
        ("de", "Handy null eins fünf eins 2345 6789", ["+4915123456789"]),
        ("ro", "sună 0721 doi trei patru 567", ["+40721234567"]),
        # a Hungarian area code set off by a slash or brackets, written without the trunk "06"
        ("hu", "Bejelentkezés: 96/ 123-456", ["+3696123456"]),
        ("hu", "Jelentkezés: (62) 123-456", ["+3662123456"]),
        # "dalle" is a preposition, not a case form of Dallas that would make the number American
        ("it", "Aperto tutti i giorni dalle 9 alle 24. Tel 347 612 3456", ["+393476123456"]),
        # an American area code in brackets is not a British number with its trunk zero left out
        ("en", "Young and shy. Outcall to Strip hotels. (702) 612-3456", ["+17026123456"]),
        # a lone "o" beside a number is a word ("or"), not a zero
        ("it", "Chiamare il 389 512 0064 o venire alla stazione", ["+393895120064"]),
        ("es", "llama al 612 345 678 o escribe", ["+34612345678"]),
        # an identifier word ends its sentence before the number; a phrase makes "nr" a phone word
        ("cs", "Bydlení a doprava na náš účet. 725 310 469", ["+420725310469"]),
        ("pl", "Rezerwacje pod nr 887 145 602.", ["+48887145602"]),
        # keycap digits mixed with plain ones
        ("en", "call 0️⃣7️⃣911 123456", ["+447911123456"]),
        # groups written as numbers in words, every supported language
        ("en", "call zero seven nine one one, twelve, thirty-four, fifty six", ["+447911123456"]),
        ("uk", "Дзвоніть: нуль шістдесят сім, двісті тридцять чотири, пʼятдесят шість, сімдесят вісім", ["+380672345678"]),
        ("ru", "Администратор: плюс семь девятьсот шестнадцать, 123-45-67", ["+79161234567"]),
        ("pl", "Sześćset dwa, trzysta czterdzieści pięć, sześćset siedemdziesiąt osiem", ["+48602345678"]),
        ("cs", "volej sedm set třicet devět, nula třicet sedm, devět set osmdesát", ["+420739037980"]),
        ("sk", "volaj nula deväťsto jeden, dvestotridsaťštyri, päťstošesťdesiatsedem", ["+421901234567"]),
        ("de", "Handy null eins fünf eins, dreiundzwanzig, fünfundvierzig, siebenundsechzig, neunundachtzig", ["+4915123456789"]),
        ("nl", "bel nul zes, twaalf, vierendertig, zesenvijftig, achtenzeventig", ["+31612345678"]),
        ("fr", "appelle zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit", ["+33612345678"]),
        ("ro", "sună la zero șapte sute douăzeci și unu, două sute treizeci și patru, cinci sute șaizeci și șapte", ["+40721234567"]),
        ("hu", "hívj nulla hat húsz, százhuszonhárom, negyvenöt, hatvanhét", ["+36201234567"]),
        ("hu", "Foglalás: 06 - harminc - 482 - 77 - 16", ["+36304827716"]),
        ("it", "chiama tre tre nove, cinquecentododici, trentaquattro, cinquantasei", ["+393395123456"]),
        ("es", "llama seis doce, treinta y cuatro, cincuenta y seis, setenta y ocho", ["+34612345678"]),
        ("uk", "Pryimaiu do pizna. nul shist sim, 123-45-67", ["+380671234567"]),
        ("ro", "Tel: zero 7 2 1 - 2 3 4 - 5 6 7", ["+40721234567"]),
    ],
)
def test_finds_phones(extractor: EntityExtractor, lang: str, text: str, expected: list[str]) -> None:
    assert values_of(extractor, text, lang, "phones") == expected


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Price 150 GBP, age 21, open 10:00-22:00"),
        ("pl", "Termin 15.06.2025, godziny 8.00-16.00"),
        ("pl", "PESEL 90010112345, NIP 123-456-32-18"),
        ("en", "Order ref 48501234567 shipped"),
        ("uk", "Зарплата 25000-30000 грн, вік від 18 до 35 років"),
        ("de", "Steuernummer 12345678901"),
        ("en", "170 cm, 55 kg, 90-60-90, born 1999"),
        ("ro", "CNP 1900101123456"),
        ("en", "one two three"),
        ("fr", "Julie, vingt-deux ans, cent euros la demi-heure, trente minutes"),
        ("ru", "Мне двадцать один год, цена пятьсот за час, сорок минут"),
        ("es", "veinte, treinta, cuarenta euros"),
        ("de", "neunzehn Jahre, hundert Euro, dreißig Minuten"),
        ("en", "zero 1 2 problems, 3 4 friends"),
        ("cs", "číslo účtu: 725 310 469"),
        ("hu", "Ár: 15/ 000 Ft, 20/ 000 Ft"),
        ("pl", "Zamówienie nr 501234567"),
        ("en", ""),
    ],
)
def test_not_phones(extractor: EntityExtractor, lang: str, text: str) -> None:
    assert values_of(extractor, text, lang, "phones") == []


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "price 150*200*300 GBP"),  # amounts with a star between them
        ("en", "file_2024_05_17_1530"),  # an id with underscores and a date
        ("pl", "zdjęcie 12_345_678"),  # no trunk prefix, no phone word, not a phone shape
        ("en", "07700 900123"),  # unallocated and nothing says it is a phone
        ("en", "born 1999, age 25, 170*55*90"),
        ("uk", "ціна 1500*2000 грн, 20 років"),
        ("de", "Preis 120 EUR, Termin 12.05.2025, ID 0770090012"),
    ],
)
def test_unusual_separators_make_no_phones(extractor: EntityExtractor, lang: str, text: str) -> None:
    assert values_of(extractor, text, lang, "phones") == []


@pytest.mark.parametrize(
    ("lang", "text", "location", "expected", "alternate"),
    [
        # a UK mobile in an ad naming Berlin stays British (+49 is only an alternate)
        ("de", "Tel 07911 123456, ich bin in Berlin", None, "+447911123456", "+497911123456"),
        ("en", "New in Berlin, call 07911 123456", None, "+447911123456", "+497911123456"),
        # a Romanian mobile in an ad about girls from Ukraine stays Romanian
        ("en", "Girls from Ukraine, call 0721 234 567", None, "+40721234567", "+380721234567"),
        ("ru", "Девушки из Украины, звоните 0721 234 567", None, "+40721234567", "+380721234567"),
        ("uk", "Дівчата з України, дзвоніть 0721 234 567", None, "+40721234567", "+380721234567"),
        ("ro", "Fete din Ucraina, sună 0721 234 567", None, "+40721234567", "+380721234567"),
        # a Dutch mobile written the Dutch way, in an ad about a woman from Ukraine
        ("en", "Sweet woman from Ukraine, call 06 12345678", None, "+31612345678", "+33612345678"),
        ("uk", "Українка з Києва, дзвоніть 06 12345678", None, "+31612345678", "+33612345678"),
        # the same digits written the French way are French
        ("en", "Woman from Ukraine, call 06 12 34 56 78", None, "+33612345678", "+31612345678"),
        # the ad's location field decides between countries the number is valid in
        ("en", "Woman from Ukraine, call 06 12 34 56 78", "Amsterdam", "+31612345678", "+33612345678"),
        # a stated country decides too, in the ad's language
        ("en", "UK number 07911 123456, now in Berlin", "Berlin", "+447911123456", "+497911123456"),
        ("de", "Deutsche Nummer 07911 123456", None, "+497911123456", "+447911123456"),
        ("pl", "numer niemiecki 07911 123456", None, "+497911123456", "+447911123456"),
        ("uk", "Німецький номер 07911 123456", None, "+497911123456", "+447911123456"),
        # a nationality next to a number word states no country for the number
        ("en", "I am Ukrainian, number 0721 234 567", None, "+40721234567", "+380721234567"),
        # a mobile of the ad's own language's country beats another country's grouping
        ("uk", "Зараз у Вінниці. Дзвоніть: 068 229 51 74", None, "+380682295174", "+41682295174"),
        ("uk", "Тільки до неділі. 073 118 24 60", None, "+380731182460", "+41731182460"),
        # ... and a mobile of a city the ad names
        ("en", "Just landed in Sydney, 0412 337 905", None, "+61412337905", "+353412337905"),
        ("ru", "Сейчас в Одессе, звоните 068 615 09 24", None, "+380686150924", "+41686150924"),
        # a city of origin in the language's own country leaves that country strong
        ("uk", "Переїхала з Сєвєродонецька. Дзвоніть 068 615 09 24", None, "+380686150924", "+41686150924"),
        ("es", "Club en la provincia de Girona. WhatsApp 722 560 318", None, "+34722560318", "+48722560318"),
        # a landline written in its own country's grouping or with its area code as one
        # group, in a country the ad names or writes in, before a mobile of another country
        ("fr", "Club privé à Montpellier. Accueil : 04 67 12 34 56", None, "+33467123456", "+32467123456"),
        ("de", "Club in Saarbrücken. Tel. Rezeption 0681 1234 567", None, "+496811234567", "+436811234567"),
        ("de", "Haushaltshilfe in Freiburg, bitte melden bei Frau Albrecht, 0761 12 34 56", None, "+49761123456", "+41761123456"),
        ("en", "Fishing vessel out of Peterhead. Call the office 01779 123 456", None, "+441779123456", "+491779123456"),
        ("pl", "Piekarnia w Gnieźnie zatrudni pomoc. Tel. 61 123 45 67", None, "+48611234567", "+34611234567"),
        ("hu", "Takarító munkatárs, Budapest. Hívj: 06 1 234 5678", None, "+3612345678", "+33612345678"),
        ("it", "Massaggio a Verona. Francesca, 045 123 4567", None, "+390451234567", "+32451234567"),
        ("uk", "Птахофабрика запрошує операторів. Телефон відділу персоналу 045 961 23 45", None, "+380459612345", "+32459612345"),
        # a mobile of the ad's country before another country's grouping of the same digits
        ("ro", "Roberta 30, Oradea. Sunati: 07 52 12 34 56", None, "+40752123456", "+33752123456"),
        # a mobile whose code is written as one group, digit by digit or not, before a landline
        ("de", "Nur 3 Tage in Köln. Buchung: 093 123 45 67", None, "+380931234567", "+49931234567"),
        ("nl", "Werk in de bouw in Duitsland. Bellen of appen: 0 7 5 1 – 1 2 3 – 4 5 6", None, "+40751123456", "+49751123456"),
        # a number given for messages is a mobile
        ("sk", "Práca na Slovensku. Viber: 067 123 45 67", None, "+380671234567", "+43671234567"),
        ("ru", "Работа в Германии. Пишите: 0931234567 (WhatsApp/Viber)", None, "+380931234567", "+49931234567"),
        ("cs", "Práce v Brně, ubytování zajištěno. Jen Viber 0 6 7 – 1 2 3 – 4 5 – 6 7", None, "+380671234567", "+43671234567"),
        ("es", "Trabajo en Valencia, escribe por WhatsApp: 0 6 7 – 1 2 3 – 4 5 – 6 7", None, "+380671234567", "+43671234567"),
    ],
)
def test_phone_keeps_its_own_country(
    extractor: EntityExtractor, lang: str, text: str, location: str | None, expected: str, alternate: str
) -> None:
    spans = [s for s in extractor.extract(normalize(text), lang, location=location) if s.kind == "phones"]
    assert [s.value for s in spans] == [expected]
    assert alternate in spans[0].alternates and expected not in spans[0].alternates
    assert text[spans[0].start : spans[0].end] == spans[0].evidence


def test_unambiguous_phone_has_no_alternates(extractor: EntityExtractor) -> None:
    span, = spans_of(extractor, "Дзвоніть 050 123 45 67", "uk", "phones")
    assert span.value == "+380501234567" and span.alternates == ()


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "call 07700 900123", "+447700900123"),
        ("en", "+44 7700 900123", "+447700900123"),
        ("en", "0044 7700 900456", "+447700900456"),
        ("en", "WhatsApp 07700 900789", "+447700900789"),
        ("uk", "телефон +44 7700 900123", "+447700900123"),
        ("pl", "tel. 0044 7700 900321", "+447700900321"),
        ("fr", "appelle +1 555 555 0123", "+15555550123"),
    ],
)
def test_unallocated_phone_kept_when_written_as_a_phone(extractor: EntityExtractor, lang: str, text: str, expected: str) -> None:
    span, = spans_of(extractor, text, lang, "phones")
    assert span.value == expected
    assert span.note == "unallocated" and span.confidence < 1.0


def test_allocated_phone_has_full_confidence(extractor: EntityExtractor) -> None:
    span, = spans_of(extractor, "call +44 7911 123456", "en", "phones")
    assert span.note == "" and span.confidence == 1.0


def test_obfuscated_phone_is_marked(extractor: EntityExtractor) -> None:
    plain, = spans_of(extractor, "tel 501 234 567", "pl", "phones")
    spelled, = spans_of(extractor, "tel pięć zero jeden dwa trzy cztery pięć sześć siedem", "pl", "phones")
    assert plain.note == "" and spelled.note == "obfuscated"
    assert spelled.evidence == "pięć zero jeden dwa trzy cztery pięć sześć siedem"


def test_region_hint_from_document_location(extractor: EntityExtractor) -> None:
    nt = normalize("call 0612345678")
    in_france = [s.value for s in extractor.extract(nt, "en", location="Paris") if s.kind == "phones"]
    in_netherlands = [s.value for s in extractor.extract(nt, "en", location="Amsterdam") if s.kind == "phones"]
    assert in_france == ["+33612345678"]
    assert in_netherlands == ["+31612345678"]


def test_region_hint_from_platform_domain(extractor: EntityExtractor) -> None:
    nt = normalize("kontakt 601 234 567")
    assert [s.value for s in extractor.extract(nt, "en", hosts=("inzeraty.cz",)) if s.kind == "phones"] == ["+420601234567"]


def _golden() -> list[dict[str, object]]:
    with GOLDEN.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def test_golden_corpus_is_big_enough() -> None:
    cases = _golden()
    assert len(cases) >= 100
    assert len({c["lang"] for c in cases}) >= 13
    assert sum(1 for c in cases if c["phones"]) >= 90


def test_phone_f1_on_golden_corpus(extractor: EntityExtractor) -> None:
    tp = fp = fn = 0
    misses = []
    for case in _golden():
        text, lang = str(case["text"]), str(case["lang"])
        expected = set(case["phones"])  # type: ignore[arg-type]
        found = set(values_of(extractor, text, lang, "phones"))
        tp += len(found & expected)
        fp += len(found - expected)
        fn += len(expected - found)
        if found != expected:
            misses.append((case["id"], sorted(expected), sorted(found)))  # type: ignore[arg-type]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    assert f1 >= MIN_F1, f"phone F1 {f1:.3f} (P {precision:.3f}, R {recall:.3f}); misses: {misses}"


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # a number ending in three groups shaped like a date that is no date
        ("ru", "Тел. отдела кадров: +7 (3452) 55-18-04", ["+73452551804"]),
        ("ru", "Телефон: 8 (4742) 71-20-55", ["+74742712055"]),
        ("ru", "Отдел кадров: +375 152 61-40-28", ["+375152614028"]),
        # a strong break ends one number and starts the next
        ("cs", "Recepce 24/7 – sedm sedm sedm 903 164", ["+420777903164"]),
        ("ru", "Мила, 26. 8-988-417-60-32", ["+79884176032"]),
        # digits spelled one by one, the groups set off by commas or dashes
        ("es", "Contacto: seis tres uno, siete siete ocho, dos cero cuatro.", ["+34631778204"]),
        ("nl", "Bel haar vriend: nul zes – vier een negen acht – twee zeven drie zes", ["+31641982736"]),
        # negative cases: a list of prices is no phone; real dates stay dates
        ("pl", "Ceny: 150, 200, 300, 450 zł", []),
        ("de", "Termin am 12.03.2026, Treffpunkt Bahnhof", []),
        ("en", "available from 03-12-26 only", []),
        ("en", "since 2026-03-12 in town", []),
    ],
)
def test_date_shaped_groups_are_dates_only_when_the_date_exists(
    extractor: EntityExtractor, lang: str, text: str, expected: list[str]
) -> None:
    assert values_of(extractor, text, lang, "phones") == expected


@pytest.mark.parametrize(
    ("lang", "title", "text", "expected"),
    [
        # a place the title names hints at the country of the text's phones
        ("en", "Just landed in Sydney 💋", "Bianca, 22, only here 5 days. Outcalls. 0412 345 678", "+61412345678"),
        ("de", "Laufhaus Stuttgart", "Täglich neue Gesichter. Infos: 0711 1234 567", "+497111234567"),
        # ... but not where someone comes from
        ("en", "Girls from Ukraine", "New in town, call 0721 234 567", "+40721234567"),
    ],
)
def test_places_in_the_title_hint_the_text(pipeline: Pipeline, lang: str, title: str, text: str, expected: str) -> None:
    analysis = pipeline({"id": "t", "lang": lang, "title": title, "text": text})
    assert analysis["entities"]["phones"] == [expected]


def test_the_candidate_scan_starts_no_later_than_any_candidate() -> None:
    """The scan for candidates starts a little before the first chain of seven digits: it
    finds exactly what a scan of the whole text finds."""
    import random

    from vigil.extract.entities.phones import _CANDIDATE, _CHAIN, _CHAIN_LEAD

    rng = random.Random(5)
    alphabet = [*"0123456789" * 3, *" -./()*_\u2013\u2014,+ab\n", "00", "+", "(", "٣"]
    found = 0
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        whole = [m.span() for m in _CANDIDATE.finditer(text)]
        chain = _CHAIN.search(text)
        scanned = [] if chain is None else [m.span() for m in _CANDIDATE.finditer(text, max(0, chain.start() - _CHAIN_LEAD))]
        assert scanned == whole, text
        found += bool(whole)
    assert found > 1000

"""Template links: one text with substituted slots links; ads sharing only market phrases do not."""

from __future__ import annotations

import pytest
from link_support import clusters_of, features

from vigil.link.template import recover_template

# (lang, template with slots, generic market phrases of that language, filler words for decoys)
LANGUAGES = [
    (
        "en",
        "{name}, {age} years, quiet apartment near the old bridge, tea and music in the evening. "
        "Only polite gentlemen, I answer messages after noon. Parking behind the green gate in {city}. Call {phone}",
        ["New in town!", "Available 24/7!", "Incall and outcall!", "Real photos!", "Call or text!"],
        "garden window river market painter lamp balcony sofa towel morning station hotel dinner",
    ),
    (
        "uk",
        "{name}, {age} років, тиха квартира біля старого мосту, чай і музика ввечері. "
        "Тільки чемні чоловіки, відповідаю після обіду. Парковка за зеленою брамою, {city}. Дзвони {phone}",
        ["Новенька у місті!", "Цілодобово 24/7!", "Виїзд і апартаменти!", "Реальні фото!", "Дзвони або пиши!"],
        "сад вікно річка ринок художниця лампа балкон диван рушник ранок вокзал готель вечеря",
    ),
    (
        "ru",
        "{name}, {age} лет, тихая квартира у старого моста, чай и музыка вечером. "
        "Только вежливые мужчины, отвечаю после обеда. Парковка за зелёными воротами, {city}. Звони {phone}",
        ["Новенькая в городе!", "Круглосуточно 24/7!", "Выезд и апартаменты!", "Реальные фото!", "Звони или пиши!"],
        "сад окно река рынок художница лампа балкон диван полотенце утро вокзал гостиница ужин",
    ),
    (
        "pl",
        "{name}, {age} lat, ciche mieszkanie przy starym moście, herbata i muzyka wieczorem. "
        "Tylko grzeczni panowie, odpisuję po południu. Parking za zieloną bramą, {city}. Dzwoń {phone}",
        ["Nowa w mieście!", "Dostępna 24/7!", "U mnie i z dojazdem!", "Prawdziwe zdjęcia!", "Zadzwoń lub napisz!"],
        "ogród okno rzeka rynek malarka lampa balkon kanapa ręcznik rano dworzec hotel kolacja",
    ),
    (
        "de",
        "{name}, {age} Jahre, ruhige Wohnung an der alten Brücke, Tee und Musik am Abend. "
        "Nur höfliche Herren, ich antworte nach Mittag. Parkplatz hinter dem grünen Tor in {city}. Ruf an {phone}",
        ["Neu in der Stadt!", "Rund um die Uhr 24/7!", "Haus- und Hotelbesuche!", "Echte Fotos!", "Anrufen oder schreiben!"],
        "garten fenster fluss markt malerin lampe balkon sofa handtuch morgen bahnhof hotel abendessen",
    ),
    (
        "cs",
        "{name}, {age} let, tichý byt u starého mostu, čaj a hudba večer. "
        "Jen zdvořilí pánové, odpovídám po obědě. Parkování za zelenou bránou, {city}. Volej {phone}",
        ["Nová ve městě!", "K dispozici 24/7!", "U mě i na návštěvu!", "Skutečné fotky!", "Volej nebo piš!"],
        "zahrada okno řeka trh malířka lampa balkon pohovka ručník ráno nádraží hotel večeře",
    ),
    (
        "ro",
        "{name}, {age} ani, apartament liniștit lângă podul vechi, ceai și muzică seara. "
        "Doar domni politicoși, răspund după prânz. Parcare în spatele porții verzi, {city}. Sună {phone}",
        ["Nouă în oraș!", "Disponibilă 24/7!", "La mine sau la tine!", "Poze reale!", "Sună sau scrie!"],
        "grădină fereastră râu piață pictoriță lampă balcon canapea prosop dimineață gară hotel cină",
    ),
]
SLOTS = [("Anna", 21, "Alpha", "+48 501 234 001"), ("Olga", 25, "Beta", "0048 501 234 002"), ("Vika", 19, "Gamma", "501-234-003")]


@pytest.mark.parametrize(("lang", "template", "generic", "filler"), LANGUAGES, ids=[row[0] for row in LANGUAGES])
def test_template_links_across_substituted_slots(lang: str, template: str, generic: list[str], filler: str) -> None:
    docs = [
        features(f"{lang}-t{i}", template.format(name=n, age=a, city=c, phone=p), names=[n], ages=[a], locations=[c])
        for i, (n, a, c, p) in enumerate(SLOTS)
    ]
    clusters = clusters_of(docs)
    assert clusters[f"{lang}-t0"] is not None
    assert len(set(clusters.values())) == 1


@pytest.mark.parametrize(("lang", "template", "generic", "filler"), LANGUAGES, ids=[row[0] for row in LANGUAGES])
def test_generic_phrases_do_not_link(lang: str, template: str, generic: list[str], filler: str) -> None:
    words = filler.split()
    docs = []
    for i in range(12):
        # each decoy: three market phrases in its own order, plus a short text of its own
        phrases = [generic[(i + step) % len(generic)] for step in (0, 2, 3)][:: 1 if i % 2 else -1]
        own = " ".join(words[(i * 7 + j * 3) % len(words)] for j in range(7))
        docs.append(features(f"{lang}-d{i}", f"{phrases[0]} {own}. {phrases[1]} {phrases[2]} +48 501 234 {i:03d}"))
    clusters = clusters_of(docs)
    assert all(c is None for c in clusters.values()), clusters


def test_generic_phrase_heavy_corpus_prunes_market_phrases() -> None:
    """Phrases in more than the generic limit of documents stop counting, so decoys stay apart."""
    generic = "new in town available 24/7 incall and outcall real photos call or text sweet and friendly book now"
    # letters-only unique words: digits would be masked as numbers
    docs = [features(f"d{i}", f"{generic} {chr(97 + i % 26)}x{chr(97 + i // 26)}y zq{chr(97 + i % 26)}") for i in range(60)]
    clusters = clusters_of(docs)
    assert all(c is None for c in clusters.values())


def test_short_texts_do_not_template_link() -> None:
    docs = [features("a", "Anna 21 call me"), features("b", "Olga 25 call me")]
    assert clusters_of(docs) == {"a": None, "b": None}


def test_different_texts_do_not_link() -> None:
    first = LANGUAGES[0][1]
    second = LANGUAGES[3][1]
    docs = [
        features("a", first.format(name="Anna", age=21, city="Alpha", phone="+48 501 234 001")),
        features("b", second.format(name="Anna", age=21, city="Alpha", phone="+48 501 234 002")),
    ]
    assert clusters_of(docs) == {"a": None, "b": None}


def test_thousands_of_near_duplicates_do_bounded_work() -> None:
    from vigil.link.config import BANDS, LinkConfig
    from vigil.link.core import KIND_TEMPLATE, link_documents

    template = LANGUAGES[0][1]
    docs = [
        features(f"n{i:05d}", template.format(name="Anna", age=20 + i % 10, city="Alpha", phone=f"+48 501 {i:06d}"))
        for i in range(2000)
    ]
    config = LinkConfig(common_min_docs=10**6)  # keep the template itself from counting as generic
    result = link_documents(docs, config)
    template_links = int((result.edges.kind == KIND_TEMPLATE).sum())
    # each document is compared with at most a few representatives per band
    assert template_links <= len(docs) * BANDS * config.bucket_representatives
    assert template_links <= 3 * len(docs)
    assert len(set(result.roots.tolist())) == 1


def test_recover_template_shows_constant_text_and_slots() -> None:
    template = LANGUAGES[1][1]
    texts = [template.format(name=n, age=a, city=c, phone=p) for n, a, c, p in SLOTS]
    found = recover_template(texts)
    assert found is not None
    assert "тиха квартира біля старого мосту" in found["text"]
    values = [set(slot["values"]) for slot in found["slots"]]
    assert {"Anna", "Olga", "Vika"} in values
    assert {"+48 501 234 001", "0048 501 234 002", "501-234-003"} in values
    assert recover_template(texts[:1]) is None

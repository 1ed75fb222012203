"""Planted-network corpora for measuring linking: seeded, synthetic, any size.

Three kinds of network are planted, in English, Ukrainian, Russian, Polish, German, Czech
and Romanian:

* ``phone``: one controller, one phone written in many forms (``+48 501 234 000``,
  ``0048501234000``, spelled out, spaced), several aliases and ages, moving between cities,
  one or two text templates, sometimes an e-mail in "at" form;
* ``burner``: a new phone in every ad, one re-used template (only the text links them);
* ``email``: one e-mail address in plain and "at" forms, different texts.

Around them: decoy ads that share only generic market phrases ("new in town", "24/7") and
have their own contacts, singletons, and a platform footer with one support number on a
quarter of all ads (which must not glue anything). Every word, name and number is made up
(``data/synthetic.yaml``). The truth (document id -> network id) is returned beside the
documents; ``with_entities`` adds the planted entities so linking can be measured apart
from extraction.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any, Final

import yaml

LANGUAGES: Final = ("en", "uk", "ru", "pl", "de", "cs", "ro")
DEFAULT_SEED: Final = 5
START: Final = datetime(2026, 1, 5, tzinfo=UTC)
SPAN_DAYS: Final = 180
EMAIL_DOMAINS: Final = ("mailbox.example", "post.example", "inbox.example")
PLATFORM: Final = "classifieds.example"
#: The platform footer: one support number on many unrelated ads (made up, not a real line).
SUPPORT_FOOTER: Final = "Report abuse to {platform} support: +44 7400 000 123"
SUPPORT_PHONE: Final = "+447400000123"
NUMBER_MULTIPLIER: Final = 7_368_787
NUMBER_OFFSET: Final = 48_271
#: Documents per chunk of :func:`iter_corpus_chunks` (one shuffled corpus each).
CHUNK_DOCS: Final = 20_000
MAX_NETWORK: Final = 60
MAX_BURNER_NETWORK: Final = 20
#: Share of decoys written almost entirely in generic market phrases.
HARD_DECOY_SHARE: Final = 0.3


@cache
def _data() -> dict[str, Any]:
    text = resources.files("vigil.link").joinpath("data", "synthetic.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@dataclass(frozen=True)
class PlantedCorpus:
    documents: list[dict[str, Any]]
    truth: dict[str, str | None]  # document id -> network id (None: not in a network)
    kinds: dict[str, str]  # network id -> phone | burner | email


class _Writer:
    def __init__(self, rng: random.Random, with_entities: bool, serial_start: int = 0) -> None:
        self.rng = rng
        self.data = _data()
        self.with_entities = with_entities
        self.serial = serial_start
        self.numbers: dict[str, int] = {}
        self.serial_start = serial_start

    def lang(self) -> str:
        return self.rng.choice(LANGUAGES)

    def words(self, lang: str, low: int, high: int) -> str:
        pool = self.data["languages"][lang]["words"]
        return " ".join(self.rng.choices(pool, k=self.rng.randint(low, high)))

    def sentence(self, lang: str) -> str:
        text = self.words(lang, 4, 8)
        return text[0].upper() + text[1:] + "."

    def generic(self, lang: str, count: int) -> list[str]:
        return [p.capitalize() + "!" for p in self.rng.sample(self.data["languages"][lang]["generic"], count)]

    def national(self, lang: str) -> str:
        plan = self.data["languages"][lang]["phone"]
        space = 10 ** int(plan["digits"])
        self.numbers[lang] = self.numbers.get(lang, self.serial_start) + 1
        # a bijection of the serial (odd, not a multiple of 5) keeps every planted number distinct
        # while spreading them over the whole number range
        subscriber = (self.numbers[lang] * NUMBER_MULTIPLIER + NUMBER_OFFSET) % space
        national = f"{plan['prefix']}{subscriber:0{plan['digits']}d}"
        if f"+{plan['cc']}{national}" == SUPPORT_PHONE:
            return self.national(lang)
        return national

    def phone_form(self, lang: str, national: str) -> str:
        plan = self.data["languages"][lang]["phone"]
        cc = plan["cc"]
        grouped = " ".join(national[i : i + 3] for i in range(0, len(national), 3))
        spelled = self.data["languages"][lang]["spelled"]
        forms = (
            f"+{cc} {grouped}",
            f"00{cc}{national}",
            f"+{cc}-{national[:3]}-{national[3:6]}-{national[6:]}",
            f"+{cc} " + " ".join(national),
            f"+{cc} " + " ".join(spelled[int(d)] for d in national),
            f"(+{cc}) {national[:3]}.{national[3:6]}.{national[6:]}",
        )
        return self.rng.choice(forms)

    def e164(self, lang: str, national: str) -> str:
        return f"+{self.data['languages'][lang]['phone']['cc']}{national}"

    def email(self, name: str) -> str:
        self.serial += 1
        return f"{name.lower()}.{self.serial}@{self.rng.choice(EMAIL_DOMAINS)}"

    def email_form(self, lang: str, email: str) -> str:
        if self.rng.random() < 0.4:
            return email
        user, domain = email.split("@")
        host, tld = domain.rsplit(".", 1)
        spelling = self.data["languages"][lang]
        return f"{user}{self.rng.choice(spelling['at'])}{host}{self.rng.choice(spelling['dot'])}{tld}"


def _template(writer: _Writer, lang: str) -> list[str]:
    """A controller's own text: made-up sentences with slots, plus a generic phrase or two."""
    rng = writer.rng
    body = [writer.sentence(lang) for _ in range(rng.randint(3, 5))]
    body.insert(0, "{name}, {age}. " + writer.sentence(lang))
    body.insert(rng.randint(1, len(body)), "{city}: " + writer.sentence(lang))
    for phrase in writer.generic(lang, rng.randint(1, 2)):
        body.insert(rng.randint(0, len(body)), phrase)
    body.append("{contact}")
    return body


def _fill(writer: _Writer, template: list[str], lang: str, values: dict[str, str]) -> str:
    rng = writer.rng
    parts = list(template)
    if rng.random() < 0.15:  # a small edit: one sentence swapped for a fresh one
        at = rng.randrange(1, len(parts) - 1)
        if "{" not in parts[at]:
            parts[at] = writer.sentence(lang)
    return " ".join(parts).format_map(values)


def generate_corpus(
    size: int,
    seed: int = DEFAULT_SEED,
    *,
    network_share: float = 0.4,
    decoy_share: float = 0.35,
    support_share: float = 0.25,
    with_entities: bool = False,
    id_prefix: str = "ad-",
    serial_start: int = 0,
) -> PlantedCorpus:
    """``size`` documents with planted networks; the same arguments always give the same corpus."""
    rng = random.Random(seed)
    writer = _Writer(rng, with_entities, serial_start)
    docs: list[dict[str, Any]] = []
    truth: dict[str, str | None] = {}
    kinds: dict[str, str] = {}
    names: list[str] = writer.data["names"]

    def add(lang: str, text: str, when: datetime, city: str, network: str | None, entities: dict[str, Any]) -> None:
        doc_id = f"{id_prefix}{len(docs) + 1:07d}"
        if rng.random() < support_share:
            text = f"{text} {SUPPORT_FOOTER.format(platform=PLATFORM)}"
            entities["phones"] = [*entities.get("phones", []), SUPPORT_PHONE]
        record: dict[str, Any] = {
            "id": doc_id, "text": text, "kind": "sex_ad", "platform": PLATFORM, "lang": lang,
            "posted_at": when.isoformat(), "location": city,
        }
        if with_entities:
            record["entities"] = {
                "phones": [], "emails": [], "handles": [], "urls": [], "ages": [], "names": [], "locations": [],
                **entities,
            }
        docs.append(record)
        truth[doc_id] = network

    planted = 0
    while planted < network_share * size:
        net = f"{id_prefix}net-{len(kinds) + 1:06d}"
        roll = rng.random()
        kind = "phone" if roll < 0.5 else "burner" if roll < 0.8 else "email"
        kinds[net] = kind
        lang = writer.lang()
        # burner phones cost money per ad, so template-only networks stay smaller
        count = min(int(rng.paretovariate(1.6)) + 2, MAX_BURNER_NETWORK if kind == "burner" else MAX_NETWORK)
        aliases = rng.sample(names, rng.randint(1, 3) if kind == "burner" else rng.randint(2, 4))
        ages = {alias: rng.randint(18, 30) for alias in aliases}
        cities = rng.sample(writer.data["languages"][lang]["cities"], rng.randint(1, 4))
        templates = [_template(writer, lang) for _ in range(1 if kind == "burner" else rng.randint(1, 2))]
        national = writer.national(lang)
        email = writer.email(aliases[0])
        when = START + timedelta(days=rng.randrange(SPAN_DAYS))
        for ad in range(count):
            alias = rng.choice(aliases)
            city = cities[(ad * len(cities)) // count]
            entities: dict[str, Any] = {"names": [alias], "ages": [ages[alias]], "locations": [city]}
            if kind == "email":
                contact = writer.email_form(lang, email)
                entities["emails"] = [email]
            else:
                number = national if kind == "phone" else writer.national(lang)
                contact = writer.phone_form(lang, number)
                entities["phones"] = [writer.e164(lang, number)]
                if kind == "phone" and rng.random() < 0.3:
                    contact += ", " + writer.email_form(lang, email)
                    entities["emails"] = [email]
            values = {"name": alias, "age": str(ages[alias]), "city": city, "contact": contact}
            text = _fill(writer, rng.choice(templates), lang, values)
            add(lang, text, when + timedelta(days=2 * ad, hours=rng.randrange(24)), city, net, entities)
        planted += count

    while len(docs) < size:
        lang = writer.lang()
        city = rng.choice(writer.data["languages"][lang]["cities"])
        name = rng.choice(names)
        age = rng.randint(18, 35)
        when = START + timedelta(days=rng.randrange(SPAN_DAYS), hours=rng.randrange(24))
        entities = {"names": [name], "ages": [age], "locations": [city]}
        sentences = [writer.sentence(lang) for _ in range(rng.randint(2, 4))]
        if rng.random() < decoy_share / max(1e-9, 1 - network_share):
            if rng.random() < HARD_DECOY_SHARE:
                # mostly market phrases: the ad most easily mistaken for a template copy
                sentences = [writer.sentence(lang), *writer.generic(lang, rng.randint(4, 6))]
                rng.shuffle(sentences)
            else:
                sentences[1:1] = writer.generic(lang, rng.randint(2, 4))
        national = writer.national(lang)
        entities["phones"] = [writer.e164(lang, national)]
        text = f"{name}, {age}, {city}. " + " ".join(sentences) + " " + writer.phone_form(lang, national)
        add(lang, text, when, city, None, entities)

    order = list(range(len(docs)))
    rng.shuffle(order)
    return PlantedCorpus([docs[i] for i in order], truth, kinds)


def iter_corpus_chunks(size: int, seed: int = DEFAULT_SEED, *, with_entities: bool = False) -> Iterator[PlantedCorpus]:
    """A large planted corpus as independent chunks (bounded memory); ids and phones stay distinct."""
    for index, start in enumerate(range(0, size, CHUNK_DOCS)):
        yield generate_corpus(
            min(CHUNK_DOCS, size - start),
            seed=seed * 1_000_003 + index,
            with_entities=with_entities,
            id_prefix=f"c{index:04d}-",
            serial_start=index * CHUNK_DOCS,
        )

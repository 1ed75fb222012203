"""The demo corpus: a deterministic, seeded generator of synthetic ads and posts.

Escort ads, job ads and forum posts in English, Ukrainian, Russian, Polish, German, Czech
and Romanian, with planted networks (one contact written in many obfuscated forms,
re-used templates, burner phones), a planted market trend (a threefold rise in the share
of sex-service ads naming Ukrainian origin) and realistic benign documents. Every name,
number and address is made up; the network text comes from ``templates.yaml``.

Background ads and posts are composed, part by part, from independent pools per language
(``background.yaml``: openings, bodies, details, closings, each with inline choices), with
their own names, numbers and places, so unrelated ads share generic market phrases but
not a template; only the planted networks re-use one.

The ground truth (which ads form a network, where the trend starts) is returned beside
the documents, never inside them, so tests and benchmarks can score Vigil against it.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Final

import yaml

TEMPLATES_FILE: Final = Path(__file__).with_name("templates.yaml")
BACKGROUND_FILE: Final = Path(__file__).with_name("background.yaml")
#: ``[a|b|c]`` in a background part: one of the choices.
_CHOICE: Final = re.compile(r"\[([^\[\]]*\|[^\[\]]*)\]")
#: Background pools and the share of ads of each kind drawn from them.
SEX_AD_POOLS: Final = (("sex_ad_independent", 2), ("sex_ad_managed", 1))
LANGUAGES: Final = ("en", "uk", "ru", "pl", "de", "cs", "ro")
DEFAULT_SEED: Final = 20220224
DEFAULT_START: Final = date(2026, 1, 5)  # a Monday, so weeks line up with ISO weeks
PLATFORMS: Final = {
    "sex_ad": ("escortboard.example", "citynights.example"),
    "job_ad": ("jobsabroad.example", "workboard.example"),
    "forum_post": ("reviewforum.example",),
    "social_post": ("townsquare.example",),
}
#: Share of sex-service ads naming Ukrainian origin before and after the planted rise.
TREND_BASE_SHARE: Final = 0.12
TREND_RISE_FACTOR: Final = 3.0


@dataclass(frozen=True)
class DemoTruth:
    """What was planted: network membership and the market trend."""

    networks: dict[str, list[str]]  # network id -> document ids
    burner_networks: frozenset[str]  # networks linked only by their template
    trend_segment: str
    trend_start: date  # first day of the first week with the raised share
    trend_documents: frozenset[str]


@dataclass
class DemoCorpus:
    documents: list[dict[str, Any]] = field(default_factory=list)
    truth: DemoTruth | None = None


@cache
def _templates() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(TEMPLATES_FILE.read_text(encoding="utf-8"))
    return data


@cache
def _background() -> dict[str, dict[str, list[list[str]]]]:
    data: dict[str, dict[str, list[list[str]]]] = yaml.safe_load(BACKGROUND_FILE.read_text(encoding="utf-8"))
    return data


class _Writer:
    """Fills templates; all randomness comes from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.data = _templates()

    def national_number(self, lang: str) -> str:
        plan = self.data["phone_plans"][lang]
        rest = "".join(str(self.rng.randrange(10)) for _ in range(int(plan["digits"])))
        return f"{plan['prefix']}{rest}"

    def phone_forms(self, lang: str, national: str) -> list[str]:
        """The same number written as ads write it to dodge filters."""
        cc = self.data["phone_plans"][lang]["cc"]
        spelled = self.data["spelled_digits"][lang]
        grouped = " ".join(national[i : i + 3] for i in range(0, len(national), 3))
        return [
            f"+{cc} {grouped}",
            f"00{cc}{national}",
            f"+{cc}-{national[:3]}-{national[3:6]}-{national[6:]}",
            "+" + cc + " " + " ".join(national),
            f"+{cc} " + " ".join(spelled[int(d)] for d in national),
            f"+{cc} {grouped}".replace("0", "O"),
            f"(+{cc}) {national[:3]}.{national[3:6]}.{national[6:]}",
        ]

    def phone(self, lang: str) -> str:
        return self.rng.choice(self.phone_forms(lang, self.national_number(lang)))

    def email(self, name: str, obfuscate: bool) -> str:
        user = f"{name.lower()}{self.rng.choice(('', '.', '_'))}{self.rng.randrange(100, 10000)}"
        domain = self.rng.choice(("mailbox.example", "post.example", "inbox.example"))
        if obfuscate:
            host, tld = domain.split(".")
            return self.rng.choice((f"{user} at {domain}", f"{user}(at){host}(dot){tld}", f"{user} [at] {domain}"))
        return f"{user}@{domain}"

    def handle(self, name: str) -> str:
        tag = f"{name.lower()}_{self.rng.randrange(1000, 100000)}"
        return self.rng.choice((f"@{tag}", f"t.me/{tag}", f"Telegram @{tag}"))

    def fill(self, template: str, lang: str, **given: str) -> str:
        data = self.data
        age = self.rng.randrange(18, 27)
        values = {
            "name": self.rng.choice(data["names"]),
            "age": str(age),
            "age2": str(age + self.rng.randrange(1, 4)),
            "city": self.rng.choice(data["cities"][lang]),
            "country": self.rng.choice(data["countries"][lang]),
            "company": self.rng.choice(data["companies"]),
            "price": str(10 * self.rng.randrange(6, 41)),
            "pay": str(50 * self.rng.randrange(8, 80)),
            "fee": str(10 * self.rng.randrange(5, 41)),
        }
        values["price"] = data["languages"][lang]["currency"].format(price=values["price"])
        values.update(given)
        if "{phone}" in template and "phone" not in given:
            values["phone"] = self.phone(lang)
        if "{email}" in template and "email" not in given:
            values["email"] = self.email(values["name"], obfuscate=self.rng.random() < 0.3)
        if "{handle}" in template and "handle" not in given:
            values["handle"] = self.handle(values["name"])
        return template.format_map(values)

    def compose(self, lang: str, pool: str, **given: str) -> str:
        """A background ad: one alternative per part of ``pool``, middle parts shuffled, choices picked."""
        parts = _background()[lang][pool]
        picked = [self.rng.choice(alternatives) for alternatives in parts]
        middle = picked[1:-1]
        self.rng.shuffle(middle)
        sentences = [picked[0], *middle, picked[-1]] if len(picked) > 1 else picked
        text = " ".join(s for s in sentences if s)
        text = _CHOICE.sub(lambda m: self.rng.choice(m.group(1).split("|")), text)
        return self.fill(" ".join(text.split()), lang, **given)


def _posted(rng: random.Random, start: date, week: int) -> datetime:
    day = start + timedelta(days=7 * week + rng.randrange(7))
    moment = time(rng.randrange(24), rng.randrange(60), tzinfo=UTC)
    return datetime.combine(day, moment)


def _image_hash(rng: random.Random) -> str:
    return f"phash:{rng.getrandbits(64):016x}"


def generate_corpus(
    seed: int = DEFAULT_SEED,
    weeks: int = 26,
    ads_per_week: int = 150,
    networks: int = 10,
    start: date = DEFAULT_START,
) -> DemoCorpus:
    """A reproducible synthetic corpus; the same arguments always give the same documents."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    langs = writer.data["languages"]
    corpus = DemoCorpus()
    docs = corpus.documents
    trend_week = weeks * 2 // 3
    trend_docs: set[str] = set()
    counter = 0

    def add(kind: str, lang: str, text: str, week: int, city: str | None, **extra: Any) -> str:
        nonlocal counter
        counter += 1
        doc_id = f"demo-{counter:06d}"
        platform = rng.choice(PLATFORMS[kind])
        doc: dict[str, Any] = {
            "id": doc_id,
            "text": text,
            "kind": kind,
            "platform": platform,
            "url": f"https://{platform}/ad/{counter}",
            "lang": lang,
            "posted_at": _posted(rng, start, week).isoformat(),
            "location": city,
            "images": [],
            "meta": {"synthetic": True},
        }
        doc.update(extra)
        docs.append(doc)
        return doc_id

    # Market background: single ads and posts, week by week.
    for week in range(weeks):
        share = TREND_BASE_SHARE * (TREND_RISE_FACTOR if week >= trend_week else 1.0)
        for _ in range(ads_per_week):
            lang = rng.choice(LANGUAGES)
            city = rng.choice(writer.data["cities"][lang])
            roll = rng.random()
            if roll < 0.45:
                kind = "sex_ad"
                pool = rng.choices([p for p, _ in SEX_AD_POOLS], weights=[w for _, w in SEX_AD_POOLS])[0]
            elif roll < 0.62:
                kind, pool = "job_ad", "job_ad_benign"
            elif roll < 0.72:
                kind, pool = "job_ad", "job_ad_risky"
            elif roll < 0.85:
                kind, pool = "forum_post", "forum_post"
            else:
                kind, pool = "social_post", "benign"
            text = writer.compose(lang, pool, city=city)
            origin = kind == "sex_ad" and rng.random() < share
            if origin:
                text = f"{rng.choice(langs[lang]['origin'])}. {text}"
            images = [_image_hash(rng)] if kind == "sex_ad" and rng.random() < 0.5 else []
            doc_id = add(kind, lang, text, week, city, images=images)
            if origin:
                trend_docs.add(doc_id)

    # Planted networks: one controller, several aliases, one contact in many forms, moving cities.
    planted: dict[str, list[str]] = {}
    burners: set[str] = set()
    for index in range(networks):
        net_id = f"net-{index + 1:02d}"
        lang = LANGUAGES[index % len(LANGUAGES)]
        burner = index % 4 == 3
        template = langs[lang]["network"][index % len(langs[lang]["network"])]
        national = writer.national_number(lang)
        forms = writer.phone_forms(lang, national)
        aliases = rng.sample(writer.data["names"], 3)
        handle = writer.handle(aliases[0])
        size = rng.randrange(6, 14)
        first_week = rng.randrange(max(1, weeks - 10))
        cities = writer.data["cities"][lang]
        members = []
        for ad in range(size):
            week = min(weeks - 1, first_week + ad // 2)
            city = cities[(ad // 2) % len(cities)]
            phone = writer.phone(lang) if burner else forms[ad % len(forms)]
            given = {"name": rng.choice(aliases), "phone": phone, "city": city}
            if not burner:
                given["handle"] = handle
            text = writer.fill(template, lang, **given)
            members.append(add("sex_ad", lang, text, week, city, images=[_image_hash(rng)]))
        planted[net_id] = members
        if burner:
            burners.add(net_id)

    rng.shuffle(docs)
    corpus.truth = DemoTruth(
        networks=planted,
        burner_networks=frozenset(burners),
        trend_segment="term:ukrainian",
        trend_start=start + timedelta(days=7 * trend_week),
        trend_documents=frozenset(trend_docs),
    )
    return corpus


def write_jsonl(corpus: DemoCorpus, path: Path) -> None:
    """Write the documents as JSONL (the document contract), one per line."""
    import json

    with path.open("w", encoding="utf-8") as handle:
        for doc in corpus.documents:
            handle.write(json.dumps(doc, ensure_ascii=False) + "\n")

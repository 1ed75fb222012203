"""Awareness campaigns: pure matching of a request to the best campaign, and storage.

Matching is a pure function over :class:`CampaignSpec` values so it is tested without a
database. A person under 18 only ever gets campaigns flagged ``minors_ok`` (reviewed as
age-appropriate), never one aimed at people buying sex; targeting by age here protects
minors and is not ad profiling (DSA Art. 28(2) forbids profiling-based ads to minors).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.errors import InputError, NotFoundError
from vigil.safeguard.messages import MessageCatalog, load_default_catalog
from vigil.safeguard.models import Campaign, CampaignCount
from vigil.store import Store
from vigil.urls import MAX_URL_LENGTH, is_web_url

AUDIENCES: Final = ("refugees", "job_seekers", "minors", "sex_buyers")
GENDERS: Final = ("f", "m", "x")
ADULT_AGE: Final = 18
#: Audiences never shown to a minor, whatever the campaign's flags.
ADULT_ONLY_AUDIENCES: Final = frozenset({"sex_buyers"})

#: Writes an audit entry in the caller's transaction: ``(session, action, campaign id, details)``.
#: Every change to a campaign takes one, so who changed what is never lost; the web app and
#: the command line build it from the person acting (``vigil.web.audit.change_recorder``).
ChangeRecorder = Callable[[Session, str, int, dict[str, Any]], None]


@dataclass(frozen=True)
class CampaignSpec:
    id: int
    name: str
    messages: Mapping[str, Mapping[str, str]]
    languages: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    genders: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    helplines: tuple[str, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    minors_ok: bool = False
    priority: int = 0
    starts_on: date | None = None
    ends_on: date | None = None
    active: bool = True


@dataclass(frozen=True)
class MatchRequest:
    lang: str | None = None
    country: str | None = None
    age: int | None = None
    gender: str | None = None
    audience: str | None = None
    today: date = field(default_factory=date.today)

    @property
    def minor(self) -> bool:
        return self.age is not None and self.age < ADULT_AGE


def _message_lang(spec: CampaignSpec, lang: str | None) -> str | None:
    if lang and lang in spec.messages:
        return lang
    return "en" if "en" in spec.messages else None


def eligible(spec: CampaignSpec, req: MatchRequest) -> bool:
    """Whether the campaign may be shown for this request (all hard constraints)."""
    if not spec.active:
        return False
    if (spec.starts_on and req.today < spec.starts_on) or (spec.ends_on and req.today > spec.ends_on):
        return False
    if req.minor and (not spec.minors_ok or ADULT_ONLY_AUDIENCES.intersection(spec.audiences)):
        return False
    if spec.languages and req.lang and req.lang not in spec.languages:
        return False
    if spec.countries and req.country and req.country.upper() not in spec.countries:
        return False
    if spec.genders and req.gender and req.gender not in spec.genders:
        return False
    if spec.audiences and req.audience and req.audience not in spec.audiences:
        return False
    if req.age is not None:
        if spec.age_min is not None and req.age < spec.age_min:
            return False
        if spec.age_max is not None and req.age > spec.age_max:
            return False
    return _message_lang(spec, req.lang) is not None


def score(spec: CampaignSpec, req: MatchRequest) -> int:
    """Prefer the most specific fit, then the campaign's priority."""
    points = spec.priority * 100
    points += 8 if req.lang and req.lang in spec.messages else 0
    points += 4 if req.country and req.country.upper() in spec.countries else 0
    points += 4 if req.audience and req.audience in spec.audiences else 0
    points += 2 if req.gender and req.gender in spec.genders else 0
    points += 2 if req.age is not None and (spec.age_min is not None or spec.age_max is not None) else 0
    points += 1 if req.minor and "minors" in spec.audiences else 0
    return points


def best_campaign(specs: Iterable[CampaignSpec], req: MatchRequest) -> CampaignSpec | None:
    candidates = [spec for spec in specs if eligible(spec, req)]
    if not candidates:
        return None
    return max(candidates, key=lambda spec: (score(spec, req), -spec.id))


def campaign_message(spec: CampaignSpec, req: MatchRequest, catalog: MessageCatalog) -> dict[str, Any]:
    lang = _message_lang(spec, req.lang) or "en"
    text = spec.messages[lang]
    key = "safety_minor" if req.minor else "safety"
    if spec.helplines:
        lines = [catalog.helplines[i] for i in spec.helplines if i in catalog.helplines]
        lines = [line for line in lines if line.serves(req.country) and (not req.minor or "minors" in line.audiences)]
    else:
        lines = catalog.select_helplines(key, lang, req.country)
    message: dict[str, Any] = {
        "lang": lang,
        "kind": "campaign",
        "title": text["title"],
        "body": text["body"],
        "helplines": [line.as_dict() for line in lines],
    }
    # Checked on the way out too: a campaign stored before URLs were checked must not serve a script.
    if is_web_url(text.get("url")):
        message["url"] = text["url"]
    return message


def match(specs: Iterable[CampaignSpec], req: MatchRequest, catalog: MessageCatalog) -> dict[str, Any]:
    """``{"campaign": {"id", "name"} | None, "message": {...}}``; without a fitting campaign,
    the standard (age-appropriate) safety message in the request's language."""
    spec = best_campaign(specs, req)
    if spec is None:
        return {"campaign": None, "message": catalog.message("safety", req.lang, minor=req.minor, country=req.country)}
    return {"campaign": {"id": spec.id, "name": spec.name}, "message": campaign_message(spec, req, catalog)}


# -- storage -------------------------------------------------------------------------


def spec_of(row: Campaign) -> CampaignSpec:
    return CampaignSpec(
        id=row.id,
        name=row.name,
        messages=row.messages or {},
        languages=tuple(row.languages or ()),
        countries=tuple(c.upper() for c in row.countries or ()),
        genders=tuple(row.genders or ()),
        audiences=tuple(row.audiences or ()),
        helplines=tuple(row.helplines or ()),
        age_min=row.age_min,
        age_max=row.age_max,
        minors_ok=row.minors_ok,
        priority=row.priority,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        active=row.active,
    )


def validate_campaign(data: Mapping[str, Any], catalog: MessageCatalog) -> None:
    messages = data.get("messages") or {}
    if not messages:
        raise InputError("a campaign needs at least one message")
    for lang, text in messages.items():
        if not isinstance(text, Mapping) or not text.get("title") or not text.get("body"):
            raise InputError(f"message {lang!r} needs a title and a body")
        url = text.get("url")
        if url not in (None, "") and not is_web_url(url):
            raise InputError(
                f"message {lang!r}: the url must be an http:// or https:// address of at most {MAX_URL_LENGTH} characters"
            )
    bad = [a for a in data.get("audiences") or () if a not in AUDIENCES]
    if bad:
        raise InputError(f"unknown audiences {bad}; choose from {', '.join(AUDIENCES)}")
    bad = [g for g in data.get("genders") or () if g not in GENDERS]
    if bad:
        raise InputError(f"unknown genders {bad}; choose from {', '.join(GENDERS)}")
    bad = [h for h in data.get("helplines") or () if h not in catalog.helplines]
    if bad:
        raise InputError(f"unknown help lines {bad}: only sourced lines may be used")
    if data.get("minors_ok") and ADULT_ONLY_AUDIENCES.intersection(data.get("audiences") or ()):
        raise InputError("a campaign aimed at people buying sex cannot be marked for minors")


def create_campaign(
    store: Store, data: Mapping[str, Any], catalog: MessageCatalog, *, audit: ChangeRecorder
) -> CampaignSpec:
    """Store a new campaign after checking it; ``audit`` records the creation in the same transaction."""
    validate_campaign(data, catalog)
    with store.session() as session:
        if session.execute(sa.select(Campaign.id).where(Campaign.name == data["name"])).first():
            raise InputError(f"a campaign named {data['name']!r} already exists")
        row = Campaign(
            name=str(data["name"]),
            messages=dict(data["messages"]),
            languages=list(data.get("languages") or []),
            countries=[c.upper() for c in data.get("countries") or []],
            genders=list(data.get("genders") or []),
            audiences=list(data.get("audiences") or []),
            helplines=list(data.get("helplines") or []),
            age_min=data.get("age_min"),
            age_max=data.get("age_max"),
            minors_ok=bool(data.get("minors_ok", False)),
            priority=int(data.get("priority", 0)),
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            active=bool(data.get("active", True)),
        )
        session.add(row)
        session.flush()
        audit(session, "campaign.create", row.id, {"name": row.name, "data": _plain(data)})
        return spec_of(row)


def _plain(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` as plain JSON for the audit log (dates as ISO strings)."""
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in data.items()}


def list_campaigns(store: Store) -> list[CampaignSpec]:
    with store.session() as session:
        return [spec_of(row) for row in session.execute(sa.select(Campaign).order_by(Campaign.id)).scalars()]


def get_campaign(store: Store, campaign_id: int) -> CampaignSpec:
    with store.session() as session:
        row = session.get(Campaign, campaign_id)
        if row is None:
            raise NotFoundError(f"no campaign with id {campaign_id}")
        return spec_of(row)


def set_active(store: Store, campaign_id: int, active: bool, *, audit: ChangeRecorder) -> CampaignSpec:
    """Start or stop a campaign; ``audit`` records the change in the same transaction."""
    with store.session() as session:
        row = session.get(Campaign, campaign_id)
        if row is None:
            raise NotFoundError(f"no campaign with id {campaign_id}")
        was = row.active
        row.active = active
        session.flush()
        audit(session, "campaign.start" if active else "campaign.stop", row.id, {"name": row.name, "was_active": was})
        return spec_of(row)


def campaign_counts(store: Store, campaign_id: int) -> list[dict[str, Any]]:
    """Displays, clicks and click-through per day (all languages summed), oldest first."""
    with store.session() as session:
        rows = (
            session.execute(
                sa.select(CampaignCount.day, sa.func.sum(CampaignCount.displays), sa.func.sum(CampaignCount.clicks))
                .where(CampaignCount.campaign_id == campaign_id)
                .group_by(CampaignCount.day)
                .order_by(CampaignCount.day)
            )
            .tuples()
            .all()
        )
    return [
        {
            "day": day.isoformat(),
            "displays": int(shown or 0),
            "clicks": int(clicked or 0),
            "click_rate": (int(clicked or 0) / int(shown)) if shown else None,
        }
        for day, shown, clicked in rows
    ]


def seed_demo_campaigns(store: Store, catalog: MessageCatalog | None = None, *, audit: ChangeRecorder) -> int:
    """Create the demo campaigns (synthetic texts, sourced help lines only) that do not
    exist yet; returns how many were created. ``vigil demo`` calls this."""
    catalog = catalog or load_default_catalog()
    existing = {spec.name for spec in list_campaigns(store)}
    created = 0
    for data in DEMO_CAMPAIGNS:
        if data["name"] not in existing:
            create_campaign(store, data, catalog, audit=audit)
            created += 1
    return created


DEMO_CAMPAIGNS: Final[list[dict[str, Any]]] = [
    {
        "name": "Safe work abroad",
        "audiences": ["refugees", "job_seekers"],
        "languages": ["uk", "ru", "en", "pl", "de", "cs", "ro"],
        "countries": ["PL", "DE", "CZ", "RO", "SK", "HU", "UA"],
        "age_min": 18,
        "priority": 1,
        "helplines": ["ua_1547", "ua_1547_abroad", "ua_527", "eu_112", "be_safe"],
        "messages": {
            "uk": {
                "title": "Робота за кордоном: перевірте, перш ніж їхати",
                "body": "Не віддавайте паспорт, не платіть за працевлаштування і вимагайте письмовий договір.",
            },
            "ru": {
                "title": "Работа за границей: проверьте, прежде чем ехать",
                "body": "Не отдавайте паспорт, не платите за трудоустройство и требуйте письменный договор.",
            },
            "en": {
                "title": "Work abroad: check before you go",
                "body": "Keep your passport, never pay to get a job, and insist on a written contract.",
            },
            "pl": {
                "title": "Praca za granicą: sprawdź, zanim pojedziesz",
                "body": "Nie oddawaj paszportu, nie płać za pracę i żądaj pisemnej umowy.",
            },
            "de": {
                "title": "Arbeit im Ausland: prüfen, bevor Sie fahren",
                "body": "Behalten Sie Ihren Pass, zahlen Sie nie für eine Stelle und bestehen Sie auf einem schriftlichen Vertrag.",
            },
            "cs": {
                "title": "Práce v zahraničí: ověřte si ji, než odjedete",
                "body": "Nedávejte nikomu svůj pas, neplaťte za práci a trvejte na písemné smlouvě.",
            },
            "ro": {
                "title": "Muncă în străinătate: verificați înainte de plecare",
                "body": "Păstrați-vă pașaportul, nu plătiți pentru un loc de muncă și cereți un contract scris.",
            },
        },
    },
    {
        "name": "Housing offers: know the signs",
        "audiences": ["refugees"],
        "languages": ["uk", "ru", "en", "pl", "de"],
        "genders": ["f"],
        "age_min": 18,
        "messages": {
            "uk": {
                "title": "Безкоштовне житло в обмін на «компанію» — це небезпечно",
                "body": "Справжня допомога не вимагає нічого натомість. Якщо вам пропонують житло в обмін на секс, телефонуйте 1547 або 112.",
            },
            "ru": {
                "title": "Бесплатное жильё в обмен на «компанию» — это опасно",
                "body": "Настоящая помощь не требует ничего взамен. Если вам предлагают жильё в обмен на секс, звоните 1547 или 112.",
            },
            "en": {
                "title": 'Free housing in exchange for "company" is a warning sign',
                "body": "Real help asks for nothing in return. If you are offered housing in exchange for sex, call 1547 or 112.",
            },
            "pl": {
                "title": 'Darmowe mieszkanie w zamian za „towarzystwo" to sygnał ostrzegawczy',
                "body": "Prawdziwa pomoc niczego nie wymaga w zamian. Jeśli ktoś oferuje mieszkanie w zamian za seks, zadzwoń pod 1547 lub 112.",
            },
            "de": {
                "title": 'Kostenlose Unterkunft gegen „Gesellschaft" ist ein Warnsignal',
                "body": "Echte Hilfe verlangt keine Gegenleistung. Wenn Ihnen Unterkunft gegen Sex angeboten wird, rufen Sie 1547 oder 112 an.",
            },
        },
    },
    {
        "name": "Young people: stay safe online",
        "audiences": ["minors", "refugees"],
        "languages": ["uk", "ru", "en", "pl"],
        "age_min": 13,
        "age_max": 17,
        "minors_ok": True,
        "helplines": ["eu_112", "eu_116111", "ua_children"],
        "messages": {
            "uk": {
                "title": "Хтось пропонує роботу чи поїздку? Спершу порадься з дорослим",
                "body": "Не надсилай фото незнайомцям і не зустрічайся з ними сам(а). Дитяча гаряча лінія безкоштовна.",
            },
            "ru": {
                "title": "Кто-то предлагает работу или поездку? Сначала посоветуйся со взрослым",
                "body": "Не отправляй фото незнакомцам и не встречайся с ними один/одна. Детская горячая линия бесплатна.",
            },
            "en": {
                "title": "Someone offering a job or a trip? Talk to an adult first",
                "body": "Do not send photos to strangers or meet them alone. Child helplines are free.",
            },
            "pl": {
                "title": "Ktoś proponuje pracę lub wyjazd? Najpierw porozmawiaj z dorosłym",
                "body": "Nie wysyłaj zdjęć nieznajomym i nie spotykaj się z nimi sam(a). Telefon zaufania dla dzieci jest bezpłatny.",
            },
        },
    },
    {
        "name": "Buying sex can fund exploitation",
        "audiences": ["sex_buyers"],
        "languages": ["en", "de", "pl", "cs", "ro"],
        "age_min": 18,
        "helplines": ["eu_112", "ua_1547", "ua_527"],
        "messages": {
            "en": {
                "title": "Many women fleeing the war are trafficked",
                "body": "Sexual exploitation is a crime. If you suspect someone is controlled or afraid, call 112.",
            },
            "de": {
                "title": "Viele Frauen auf der Flucht werden ausgebeutet",
                "body": "Sexuelle Ausbeutung ist eine Straftat. Wenn Sie vermuten, dass jemand kontrolliert wird oder Angst hat, rufen Sie 112 an.",
            },
            "pl": {
                "title": "Wiele kobiet uciekających przed wojną pada ofiarą handlu ludźmi",
                "body": "Wykorzystywanie seksualne jest przestępstwem. Jeśli podejrzewasz, że ktoś jest kontrolowany lub się boi, zadzwoń pod 112.",
            },
            "cs": {
                "title": "Mnoho žen prchajících před válkou je obětí obchodu s lidmi",
                "body": "Sexuální vykořisťování je trestný čin. Pokud máte podezření, že je někdo ovládán nebo se bojí, volejte 112.",
            },
            "ro": {
                "title": "Multe femei care fug de război sunt traficate",
                "body": "Exploatarea sexuală este o infracțiune. Dacă bănuiți că cineva este controlat sau speriat, sunați la 112.",
            },
        },
    },
]

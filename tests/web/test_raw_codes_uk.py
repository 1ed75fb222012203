"""No raw code where a label belongs: the analyst's pages, rendered in the Ukrainian interface, show
indicator names, segment names, document kinds and audiences in Ukrainian, never ``multi_city``,
``indicator:always_available``, ``sex_ad`` or ``job_seekers`` (issue 14 item 6).

The store is filled the real way (ingest, analysis, linking, trend counts) from synthetic ads, with
trend alerts stored on indicator, kind and city segments. Only the text a reader sees is checked:
tags, attribute values (links, form values), scripts and styles are not text.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from web_support import TestClient, create_account, login, new_client

from vigil.ingest import ingest_input
from vigil.link.models import LinkDocument
from vigil.processing import process_store
from vigil.recognizers.catalogue import load_catalogue
from vigil.search import KINDS
from vigil.settings import load_settings
from vigil.store import Store
from vigil.store.models import DocumentIndicator, DocumentRow
from vigil.trends.models import TrendAlertRow
from vigil.web.app import create_app
from vigil.web.pages.codes import AUDIENCES, SEGMENT_PREFIXES
from vigil.web.permissions import Role

PHONE = "+48 501 234 567"
#: Synthetic ads: two share a phone and a template in two cities (a network with network indicators).
ADS = [
    {"id": "raw-1", "text": f"Nowe dziewczyny z Ukrainy, tylko dziś w Krakowie, dzwoń {PHONE}, zawsze dostępna 24/7, bez limitu",
     "kind": "sex_ad", "platform": "example-board", "lang": "pl", "location": "Kraków", "posted_at": "2026-05-01T10:00:00Z"},
    {"id": "raw-2", "text": f"Nowe dziewczyny z Ukrainy, tylko dziś w Warszawie, dzwoń {PHONE}, zawsze dostępna 24/7, bez limitu",
     "kind": "sex_ad", "platform": "example-board", "lang": "pl", "location": "Warszawa", "posted_at": "2026-05-03T10:00:00Z"},
    {"id": "raw-3", "text": "Робота в Польщі без досвіду, житло надаємо, терміново, оплата за оформлення документів 150 євро, пишіть у Telegram",
     "kind": "job_ad", "platform": "jobs-example", "lang": "uk", "location": "Lviv", "posted_at": "2026-05-02T10:00:00Z"},
]
#: Stored trend alerts on segments whose names are codes.
ALERT_SEGMENTS = ("indicator:always_available", "kind:sex_ad", "indicator:upfront_fee", "city:Kraków")
#: Segment prefixes followed directly by a value: a segment code as stored, not as named for a reader.
SEGMENT_CODE = re.compile(r"(?<![\w/])(" + "|".join(SEGMENT_PREFIXES) + r"):(?=\S)")
_HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def visible_text(page: str) -> str:
    """What a reader sees of a page: no scripts, styles or tags (so no attribute values), entities decoded."""
    return html.unescape(_TAG.sub(" ", _HIDDEN.sub(" ", page)))


def raw_codes() -> set[str]:
    """Codes that must never be shown as they are: indicator ids, document kinds and audiences written with ``_``
    (a code that is a plain word, like ``refugees``, may be a word of the text)."""
    codes = {code for code in (*load_catalogue(), *KINDS, *AUDIENCES) if "_" in code}
    assert {"multi_city", "always_available", "job_seekers", "sex_ad"} <= codes
    return codes


def codes_shown(page: str, codes: set[str]) -> list[str]:
    text = visible_text(page)
    found = [code for code in sorted(codes) if re.search(rf"(?<![\w@.]){re.escape(code)}(?![\w@])", text)]
    return found + sorted({m.group(0) for m in SEGMENT_CODE.finditer(text)})


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, dict[str, int], str]]:
    root = tmp_path_factory.mktemp("raw-codes")
    source = root / "ads.jsonl"
    source.write_text("".join(json.dumps(ad, ensure_ascii=False) + "\n" for ad in ADS), encoding="utf-8")
    settings = load_settings(data_dir=root / "vigil-data", database_url="")
    with Store.open(settings) as store:
        ingest_input(store, source, fmt="jsonl", source="synthetic")
        process_store(store, settings)
        with store.session() as session:
            pks = dict(session.execute(sa.select(DocumentRow.doc_id, DocumentRow.pk)).tuples().all())
            network = session.scalars(sa.select(LinkDocument.cluster).where(LinkDocument.doc_id == "raw-1")).one()
            indicators = set(session.scalars(sa.select(DocumentIndicator.indicator)))
            for n, segment in enumerate(ALERT_SEGMENTS):
                session.add(TrendAlertRow(segment=segment, freq="W", period_start=date(2026, 4, 6 + 7 * n), observed=12, expected=4,
                                          ratio=3.0, p_value=0.001, q_value=0.01, direction="up", test="share", payload={}))
        assert network is not None, "the two ads sharing a phone were not linked"
        assert {i for i in indicators if "_" in i}, "the ads raised no indicator written with an underscore"
        yield create_app(settings, store=store), pks, str(network)


@pytest.fixture(scope="module")
def analyst(site: tuple[FastAPI, dict[str, int], str]) -> Iterator[TestClient]:
    account = create_account(site[0], Role.ANALYST, "analyst-uk")
    client = new_client(site[0])
    assert login(client, account.name, account.password).status_code == 303
    assert client.get("/", params={"lang": "uk"}).status_code == 200  # the interface stays Ukrainian (cookie)
    yield client
    client.close()


def _pages(site: tuple[FastAPI, dict[str, int], str]) -> list[str]:
    _, pks, network = site
    pages = ["/", "/documents", "/documents?indicator=always_available", "/networks", f"/networks/{network}", "/trends",
             "/trends?freq=D", "/platforms"]
    pages += [f"/documents/{pk}" for pk in pks.values()]
    pages += [f"/trends?segment={segment}" for segment in ALERT_SEGMENTS]
    return pages


def test_pages_render_in_ukrainian_without_raw_codes(analyst: TestClient, site: tuple[FastAPI, dict[str, int], str]) -> None:
    codes = raw_codes()
    problems: dict[str, list[str]] = {}
    for path in _pages(site):
        response = analyst.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert '<html lang="uk">' in response.text, path
        if found := codes_shown(response.text, codes):
            problems[path] = found
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=None)


def test_the_pages_do_hold_the_codes_as_labels(analyst: TestClient, site: tuple[FastAPI, dict[str, int], str]) -> None:
    """The walk above is not vacuous: the codes are on the pages, named in Ukrainian."""
    network = visible_text(analyst.get(f"/networks/{site[2]}").text)
    assert "Кілька міст" in network  # multi_city
    trends = analyst.get("/trends").text
    assert "indicator:always_available" in trends  # in links and values, which are not text
    assert "індикатор: Завжди доступна" in visible_text(trends)


@pytest.mark.parametrize(
    ("page", "found"),
    [
        ("<p>Мережа: multi_city</p>", ["multi_city"]),
        ("<td>indicator:always_available</td>", ["always_available", "indicator:"]),
        ("<li>Аудиторія: job_seekers</li>", ["job_seekers"]),
        ("<span>sex_ad</span>", ["sex_ad"]),
        ('<a href="/trends?segment=indicator:always_available">індикатор: Завжди доступна</a>', []),
        ('<option value="multi_city">Кілька міст</option>', []),
        ("<script>const s = 'multi_city';</script><p>Кілька міст</p>", []),
        ("<p>pisz na praca_sex_ad@example.org</p>", []),  # part of an address is not a code
        ("<p>https://example.org/kind:sex</p>", []),
    ],
)
def test_the_check_finds_raw_codes_in_text_only(page: str, found: list[str]) -> None:
    assert codes_shown(page, raw_codes()) == found


"""Network triage: the list with risk, size, cities, platforms, dates and review state, sorted and filtered;
the network page's explained risk and complete legend; a route that keeps an ad's place apart from its origin."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from pages_support import BACKENDS, backend_store
from web_support import TestClient, create_account, login, new_client

from vigil.casework.reviews import ReviewChange, no_audit, set_review
from vigil.documents import parse_document
from vigil.link import LinkConfig, build_features
from vigil.link.clusters import movement
from vigil.link.models import LinkDocument
from vigil.link.state import StoredLinks
from vigil.recognizers.catalogue import load_catalogue
from vigil.store import Store
from vigil.store.models import AnalysisRow, DocumentRow, Source
from vigil.web.app import create_app
from vigil.web.i18n import Localizer, supported_languages
from vigil.web.pages.codes import AUDIENCES
from vigil.web.permissions import Role

#: Two synthetic networks: a high-risk one moving Warsaw -> Kraków -> Berlin on two platforms,
#: and a low-risk pair in Lviv. Ads of the first name Ukraine as where someone comes from.
NETWORKS = {
    "hot": [("hot-0", "Warsaw", "ads.example", 0.9, "high"), ("hot-1", "Kraków", "ads.example", 0.8, "high"),
            ("hot-2", "Berlin", "board.example", 0.2, "low")],
    "calm": [("calm-0", "Lviv", "jobs.example", 0.1, "low"), ("calm-1", "Lviv", "jobs.example", 0.12, "low")],
}
PHONES = {"hot": "+48601000111", "calm": "+380501112233"}


def _text(name: str, city: str) -> str:
    if name.startswith("calm"):
        return f"Warehouse shifts in {city}, weekly pay, apply at the office with your own papers ({name})."
    return f"{name}: new girl from Ukraine now in {city}, call any time, sweet and discreet"


def seed(store: Store) -> dict[str, str]:
    features = []
    with store.session() as session:
        source = Source(name="synthetic-triage")
        session.add(source)
        session.flush()
        for net, ads in NETWORKS.items():
            for n, (doc_id, city, platform, score, level) in enumerate(ads):
                posted = datetime(2026, 4, 1 + 3 * n, 20, tzinfo=UTC)
                row = DocumentRow(source_id=source.id, doc_id=doc_id, title=f"{net} {n}", text=_text(doc_id, city),
                                  kind="sex_ad", platform=platform, location=city, lang="en", posted_at=posted,
                                  images=[], meta={})
                session.add(row)
                session.flush()
                session.add(AnalysisRow(document_pk=row.pk, lang="en", risk_score=score, risk_level=level, model="sex-test",
                                        result={"id": doc_id, "risk": {"score": score, "level": level}}))
                document = parse_document({"id": doc_id, "text": _text(doc_id, city), "kind": "sex_ad",
                                           "location": city, "posted_at": posted.isoformat()})
                # The text names Ukraine first: an origin, not where the ad is.
                features.append(build_features(document, {"phones": [PHONES[net]], "locations": ["Ukraine", city]}))
    StoredLinks(store, LinkConfig()).add(features)
    with store.session() as session:
        clusters = {net: session.query(LinkDocument).filter_by(doc_id=ads[0][0]).one().cluster for net, ads in NETWORKS.items()}
        set_review(session, "network", str(clusters["calm"]), ReviewChange(state="dismissed", reason="synthetic"),
                   "seed", no_audit)
    return {k: str(v) for k, v in clusters.items()}


@pytest.fixture(scope="module", params=BACKENDS)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    with backend_store(request.param, tmp_path_factory.mktemp("triage") / "vigil-data") as store:
        yield create_app(store.settings, store=store), seed(store)


def _client(app: FastAPI, role: Role) -> TestClient:
    account = create_account(app, role)
    client = new_client(app)
    assert login(client, account.name, account.password).status_code == 303
    return client


@pytest.fixture(scope="module")
def analyst(site: tuple[FastAPI, dict[str, str]]) -> TestClient:
    return _client(site[0], Role.ANALYST)


def test_list_shows_risk_size_cities_platforms_dates_and_review(analyst: TestClient, site: tuple[FastAPI, dict[str, str]]) -> None:
    clusters = site[1]
    page = analyst.get("/networks")
    assert page.status_code == 200
    text = page.text
    hot = text[text.index(f'data-network="{clusters["hot"]}"'):]
    hot = hot[: hot.index("</tr>")]
    for expected in ("level-high", "Berlin, Kraków, Warsaw", "ads.example, board.example", "review-new", "Shared contact"):
        assert expected in hot, expected
    assert "Ukraine" not in hot, "an origin named in the text is not a city of the network"
    assert text.index(clusters["hot"]) < text.index(clusters["calm"]), "riskiest first"
    assert 'aria-sort="descending"' in text


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"level": "high"}, ["hot"], ["calm"]),
        ({"level": "low"}, ["hot", "calm"], []),
        ({"review": "dismissed"}, ["calm"], ["hot"]),
        ({"review": "new"}, ["hot"], ["calm"]),
        ({"city": "krak"}, ["hot"], ["calm"]),
        ({"city": "Odesa"}, [], ["hot", "calm"]),
        ({"platform": "jobs.example"}, ["calm"], ["hot"]),
        ({"indicator": "multi_city"}, ["hot"], ["calm"]),
        ({"sort": "size", "dir": "asc"}, ["calm", "hot"], []),
    ],
)
def test_list_filters_and_sorts(
    analyst: TestClient, site: tuple[FastAPI, dict[str, str]], params: dict[str, str], shown: list[str], hidden: list[str]
) -> None:
    clusters = site[1]
    body = analyst.get("/api/v1/networks", params=params)
    assert body.status_code == 200
    listed = [n["cluster"] for n in body.json()]
    assert listed == [clusters[k] for k in shown]
    page = analyst.get("/networks", params=params).text
    for name in hidden:
        assert f'data-network="{clusters[name]}"' not in page
    if not shown:
        assert "No network matches these filters." in page


@pytest.mark.parametrize("params", [{"level": "extreme"}, {"review": "gone"}, {"sort": "colour"}, {"city": "x" * 201}])
def test_list_refuses_bad_filters(analyst: TestClient, params: dict[str, str]) -> None:
    assert analyst.get("/api/v1/networks", params=params).status_code == 422
    assert analyst.get("/networks", params=params).status_code == 422


def test_api_list_explains_risk(analyst: TestClient, site: tuple[FastAPI, dict[str, str]]) -> None:
    hot = next(n for n in analyst.get("/api/v1/networks").json() if n["cluster"] == site[1]["hot"])
    assert (hot["size"], hot["risk"]["level"], hot["risk"]["strongest"], hot["review"]) == (3, "high", "hot-0", "new")
    features = {c["feature"] for c in hot["risk"]["contributions"]}
    assert {"shared_contact", "multi_city", "high_risk_share"} <= features
    assert hot["cities"] == ["Berlin", "Kraków", "Warsaw"]


def test_network_page_explains_risk_legend_and_route(analyst: TestClient, site: tuple[FastAPI, dict[str, str]]) -> None:
    page = analyst.get(f"/networks/{site[1]['hot']}").text
    risk = page[page.index('id="network-risk"'):page.index("</section>", page.index('id="network-risk"'))]
    assert "hot-0" in risk and "Shared contact" in risk and "level-high" in risk
    legend = page[page.index('id="graph-legend"'):page.index("</p>", page.index('id="graph-legend"'))]
    for swatch in ("sw-high", "sw-medium", "sw-doc", "sw-diamond", "sw-line", "sw-dashed"):
        assert swatch in legend
    assert "Warsaw" in page and "Ukraine →" not in page and "→ Ukraine" not in page
    api = analyst.get(f"/api/v1/networks/{site[1]['hot']}").json()
    assert api["risk"]["level"] == "high"
    assert [m["location"] for m in sorted(api["members"], key=lambda m: m["id"])] == ["Warsaw", "Kraków", "Berlin"]


def test_ukrainian_interface_translates_indicator_codes(analyst: TestClient, site: tuple[FastAPI, dict[str, str]]) -> None:
    page = analyst.get("/networks", params={"lang": "uk"}).text
    assert "Спільний контакт" in page and ">shared_contact<" not in page
    analyst.get("/networks", params={"lang": "en"})


@pytest.mark.parametrize(
    ("location", "text_places", "first"),
    [("Kraków", ["Ukraine", "Kraków"], "Kraków"), (None, ["Warsaw"], "Warsaw"), ("Manchester", [], "Manchester")],
)
def test_an_ads_place_is_its_stated_location_before_places_in_its_text(
    location: str | None, text_places: list[str], first: str
) -> None:
    record = {"id": "p", "text": "synthetic", "posted_at": "2026-04-01T10:00:00Z", **({"location": location} if location else {})}
    features = build_features(parse_document(record), {"locations": text_places})
    assert features.locations[0] == first
    assert [city for _when, city in movement([features])] == [first]


def test_viewer_may_not_triage(site: tuple[FastAPI, dict[str, str]]) -> None:
    client = _client(site[0], Role.VIEWER)
    assert client.get("/networks").status_code == 403
    assert client.get("/api/v1/networks").status_code == 403


@pytest.mark.parametrize("lang", [lang for lang in supported_languages() if lang != "en"])
def test_every_indicator_title_and_audience_is_translated(lang: str) -> None:
    """Indicator names come from the catalogue (not marked in code), so this keeps the translations complete."""
    localizer = Localizer(lang)
    titles = [info.title for info in load_catalogue().values()]
    untranslated = [t for t in [*titles, *AUDIENCES.values()] if localizer.gettext(t) == t]
    assert not untranslated, f"{lang}: add to web/locale/{lang}/LC_MESSAGES/messages.po: {untranslated}"

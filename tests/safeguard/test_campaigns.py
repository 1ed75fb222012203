"""Campaign matching (pure) and storage."""

from __future__ import annotations

from datetime import date

import pytest

from vigil.errors import InputError, NotFoundError
from vigil.safeguard import campaigns as cs
from vigil.safeguard.campaigns import CampaignSpec, MatchRequest, best_campaign, match
from vigil.safeguard.counters import Counters
from vigil.safeguard.messages import load_default_catalog
from vigil.store import Store
from vigil.web.audit import SYSTEM, change_recorder

EN = {"en": {"title": "t", "body": "b"}}
UK = {"uk": {"title": "т", "body": "б"}, **EN}

AS_SYSTEM = change_recorder(SYSTEM, "campaign")


def spec(id: int, **kw: object) -> CampaignSpec:
    return CampaignSpec(id=id, name=f"c{id}", messages=kw.pop("messages", UK), **kw)  # type: ignore[arg-type]


GENERAL = spec(1, audiences=("refugees", "job_seekers"), age_min=18)
MINORS = spec(2, audiences=("minors",), minors_ok=True, age_min=13, age_max=17)
BUYERS = spec(3, audiences=("sex_buyers",), age_min=18, messages=EN)
POLAND = spec(4, countries=("PL",), audiences=("refugees",), age_min=18)
WOMEN = spec(5, genders=("f",), audiences=("refugees",))


@pytest.mark.parametrize(
    ("req", "expected"),
    [
        (MatchRequest(lang="uk", age=16), 2),
        (MatchRequest(lang="uk", age=16, country="PL", gender="f"), 2),
        (MatchRequest(lang="en", age=16, audience="sex_buyers"), None),
        (MatchRequest(lang="en", age=30, audience="sex_buyers"), 3),
        (MatchRequest(lang="uk", age=30, country="PL", audience="refugees"), 4),
        (MatchRequest(lang="uk", age=30, country="DE", audience="job_seekers"), 1),
        (MatchRequest(lang="uk", age=30, gender="m", audience="refugees", country="DE"), 1),
        (MatchRequest(lang="uk", gender="f", audience="refugees", country="DE"), 5),
    ],
)
def test_best_campaign(req: MatchRequest, expected: int | None) -> None:
    found = best_campaign([GENERAL, MINORS, BUYERS, POLAND, WOMEN], req)
    assert (found.id if found else None) == expected


def test_minors_never_get_unreviewed_or_buyer_campaigns() -> None:
    unreviewed = spec(10, audiences=("refugees",))
    buyer_flagged = spec(11, audiences=("sex_buyers", "minors"), minors_ok=True)
    for age in range(0, 18):
        assert best_campaign([unreviewed, buyer_flagged, GENERAL], MatchRequest(lang="uk", age=age)) is None


def test_dates_and_active_flag() -> None:
    past = spec(20, ends_on=date(2020, 1, 1))
    future = spec(21, starts_on=date(2999, 1, 1))
    stopped = spec(22, active=False)
    assert best_campaign([past, future, stopped], MatchRequest(lang="uk")) is None


def test_message_language_falls_back_to_english() -> None:
    result = match([BUYERS], MatchRequest(lang="pl", age=40), load_default_catalog())
    assert result["campaign"] is None or result["message"]["lang"] in {"pl", "en"}
    english_only = spec(30, messages=EN)
    result = match([english_only], MatchRequest(lang="pt", age=40), load_default_catalog())
    assert result["campaign"]["id"] == 30 and result["message"]["lang"] == "en"


def test_no_campaign_gives_age_appropriate_safety_message() -> None:
    result = match([], MatchRequest(lang="uk", age=15), load_default_catalog())
    assert result["campaign"] is None
    assert result["message"]["kind"] == "safety"
    assert "ua_children" in {line["id"] for line in result["message"]["helplines"]}


def test_store_roundtrip_and_counts(store: Store) -> None:
    assert cs.seed_demo_campaigns(store, audit=AS_SYSTEM) == len(cs.DEMO_CAMPAIGNS)
    assert cs.seed_demo_campaigns(store, audit=AS_SYSTEM) == 0
    specs = cs.list_campaigns(store)
    assert {s.name for s in specs} == {c["name"] for c in cs.DEMO_CAMPAIGNS}
    minors = [s for s in specs if s.minors_ok]
    assert minors and all("sex_buyers" not in s.audiences for s in minors)
    counters = Counters(store)
    first = specs[0].id
    for _ in range(3):
        counters.count_campaign(first, "uk", "displays", day=date(2026, 1, 5))
    counters.count_campaign(first, "uk", "clicks", day=date(2026, 1, 5))
    counters.flush()
    counters.count_campaign(first, "en", "displays", day=date(2026, 1, 5))
    counters.flush()
    assert cs.campaign_counts(store, first) == [{"day": "2026-01-05", "displays": 4, "clicks": 1, "click_rate": 0.25}]
    assert not cs.set_active(store, first, False, audit=AS_SYSTEM).active
    with pytest.raises(NotFoundError):
        cs.get_campaign(store, 99999)


@pytest.mark.parametrize(
    "bad",
    [
        {"name": "x", "messages": {}},
        {"name": "x", "messages": {"en": {"title": "t"}}},
        {"name": "x", "messages": EN, "audiences": ["everyone"]},
        {"name": "x", "messages": EN, "helplines": ["invented"]},
        {"name": "x", "messages": EN, "audiences": ["sex_buyers"], "minors_ok": True},
    ],
)
def test_invalid_campaigns_are_refused(store: Store, bad: dict[str, object]) -> None:
    with pytest.raises(InputError):
        cs.create_campaign(store, bad, load_default_catalog(), audit=AS_SYSTEM)

"""Network indicators of a cluster: each fires on its evidence, and stays silent without it."""

from __future__ import annotations

from typing import Any

import pytest
from link_support import features

from vigil.link.clusters import split_clusters, summarize_cluster
from vigil.link.config import LinkConfig
from vigil.link.core import link_documents
from vigil.link.features import LinkFeatures

PHONE = "+48501234000"


def _summary(docs: list[LinkFeatures]) -> dict[str, Any]:
    from vigil.link.clusters import cluster_ids

    result = link_documents(docs)
    ids = cluster_ids([d.id for d in docs], result.roots)
    clusters = split_clusters(docs, result.edges, result.roots, ids)
    assert len(clusters) == 1
    return summarize_cluster(clusters[0], LinkConfig(), result.common_identifiers)


def _by_id(summary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for i in summary["indicators"]}


def _ad(i: int, **entities: Any) -> LinkFeatures:
    words = ["garden", "window", "river", "market", "painter", "lamp", "sofa", "towel", "station"]
    return features(f"ad-{i}", " ".join(words[(i + j) % len(words)] + "x" * j for j in range(5)), **entities)


def test_alias_and_age_inconsistency_on_one_phone() -> None:
    docs = [
        _ad(1, phones=[PHONE], names=["Anna"], ages=[19]),
        _ad(2, phones=[PHONE], names=["Olga"], ages=[26]),
        _ad(3, phones=[PHONE], names=["Вика"], ages=[22]),
    ]
    found = _by_id(_summary(docs))
    assert set(found) >= {"shared_contact", "alias_inconsistency", "age_inconsistency"}
    assert "phone:+48501234000" in found["alias_inconsistency"]["evidence"]
    assert found["alias_inconsistency"]["details"]["names_per_contact"]["phone:+48501234000"] == ["Anna", "Olga", "Вика"]
    assert found["age_inconsistency"]["details"]["ages"] == [19, 22, 26]
    from vigil.recognizers.catalogue import load_catalogue

    catalogue = load_catalogue()
    assert all(i["source"] == catalogue[i["id"]].source for i in found.values())
    assert all(catalogue[i["id"]].group == "network" for i in found.values())


@pytest.mark.parametrize(
    ("names", "ages", "silent"),
    [
        (["Anna", "anna", "ANNA"], [21, 22, 21], {"alias_inconsistency", "age_inconsistency"}),  # one alias, ages close
        (["Anna", "Anna", "Anna"], [], {"alias_inconsistency", "age_inconsistency"}),
    ],
)
def test_consistent_persona_raises_no_inconsistency(names: list[str], ages: list[int], silent: set[str]) -> None:
    docs = [_ad(i, phones=[PHONE], names=[n], ages=[ages[i]] if ages else []) for i, n in enumerate(names)]
    found = _by_id(_summary(docs))
    assert "shared_contact" in found
    assert not silent & set(found)


def test_multi_city_route_in_time_order() -> None:
    docs = [
        _ad(1, phones=[PHONE], locations=["Kraków"], posted_at="2026-01-10"),
        _ad(2, phones=[PHONE], locations=["Warszawa"], posted_at="2026-01-02"),
        _ad(3, phones=[PHONE], locations=["Gdańsk"], posted_at="2026-01-20"),
        _ad(4, phones=[PHONE], locations=["Kraków"], posted_at="2026-01-12"),
    ]
    summary = _summary(docs)
    found = _by_id(summary)
    route = [step["location"] for step in found["multi_city"]["details"]["route"]]
    assert route == ["Warszawa", "Kraków", "Gdańsk"]
    assert summary["first_seen"].startswith("2026-01-02") and summary["last_seen"].startswith("2026-01-20")
    assert [t["id"] for t in summary["timeline"]] == ["ad-2", "ad-1", "ad-4", "ad-3"]


def test_one_city_is_not_movement() -> None:
    docs = [_ad(i, phones=[PHONE], locations=["Kraków"]) for i in range(3)]
    assert "multi_city" not in _by_id(_summary(docs))


def test_template_reuse_without_shared_contact() -> None:
    text = "{n}, quiet apartment near the old bridge, tea and music in the evening, parking behind the green gate, polite guests only. Call {p}"
    docs = [
        features("t1", text.format(n="Anna", p="+48 501 234 001"), names=["Anna"], phones=["+48501234001"]),
        features("t2", text.format(n="Olga", p="+48 501 234 002"), names=["Olga"], phones=["+48501234002"]),
    ]
    summary = _summary(docs)
    found = _by_id(summary)
    assert "template_reuse" in found and "shared_contact" not in found and "alias_inconsistency" not in found
    assert summary["template"] is not None and "{slot1}" in summary["template"]["text"]
    assert summary["links"]["template"] == 1


def test_common_identifier_is_not_reported_as_shared() -> None:
    support = "+447400000123"
    docs = [_ad(i, phones=[support]) for i in range(250)] + [
        _ad(900, phones=[support, PHONE]),
        _ad(901, phones=[support, PHONE]),
    ]
    summary = _summary(docs)
    assert [i["identifier"] for i in summary["identifiers"]] == ["phone:+48501234000"]

"""Linking on Dask gives the local engine's clusters, on a real two-worker LocalCluster.

Hard cases are placed so that each link crosses partitions: a chain linked only
transitively (its first document last in the input), phones with alternate numbers,
an identifier and a template too common to link (which only a corpus-wide count can tell),
and near-duplicate texts with nothing else in common.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from distributed import Client, LocalCluster
from typer.testing import CliRunner

from vigil.cli import app
from vigil.errors import ConfigError
from vigil.link.clusters import cluster_ids
from vigil.link.config import LinkConfig
from vigil.link.core import link_documents
from vigil.link.distributed import link_on_dask
from vigil.link.features import LinkFeatures
from vigil.link.prepare import Rejected, prepare
from vigil.link.synthetic import generate_corpus

pytestmark = pytest.mark.slow

#: Small limits so that a handful of documents can be "too common": in more than 3 documents.
SMALL = LinkConfig(common_min_docs=3, max_identifier_share=0.0, generic_shingle_share=0.0)
TEMPLATE = (
    "{name} waits in a quiet flat by the river, tea and music every evening, parking behind the green "
    "gate, discreet entrance from the courtyard, towels and fresh linen, ask for the blue room upstairs {phone}"
)
GENERIC = (
    "{name} new in town this week only, sweet and friendly, call any time day or night, outcall and incall, "
    "photos are real, no hidden extras, come and visit soon for a lovely evening together {phone}"
)


def _doc(doc_id: str, text: str = "", **entities: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"phones": [], "emails": [], "handles": [], "urls": [], "ages": [], "names": [], "locations": []}
    return {"id": doc_id, "text": text or f"words only {doc_id} has", "entities": {**base, **entities}}


def _hard_cases() -> list[dict[str, Any]]:
    support = "+447400000123"
    return [
        # chain d - c - b - a: each pair shares one identifier; the chain's first document comes last
        _doc("d", handles=["telegram:lina_d"]),
        _doc("x1"),
        _doc("c", emails=["lina@mailbox.example"], handles=["telegram:lina_d"]),
        _doc("s1", phones=[support]),
        _doc("b", phones=["+48501234001"], emails=["lina@mailbox.example"]),
        _doc("t1", TEMPLATE.format(name="Anna", phone="+44 7400 111 001"), phones=["+447400111001"], names=["Anna"]),
        _doc("s2", phones=[support]),
        _doc("a", phones=["+48501234001"]),
        # a phone with an alternate number: n and o share nothing but m
        _doc("m", phones=["+380671234002", "+48601234002"]),
        _doc("g1", GENERIC.format(name="Dina", phone="+44 7400 222 001"), phones=["+447400222001"], names=["Dina"]),
        _doc("n", phones=["+48601234002"]),
        _doc("s3", phones=[support]),
        _doc("t2", TEMPLATE.format(name="Vika", phone="+44 7400 111 002"), phones=["+447400111002"], names=["Vika"]),
        _doc("g2", GENERIC.format(name="Olga", phone="+44 7400 222 002"), phones=["+447400222002"], names=["Olga"]),
        _doc("o", phones=["+380671234002"]),
        _doc("s4", phones=[support]),
        _doc("g3", GENERIC.format(name="Mila", phone="+44 7400 222 003"), phones=["+447400222003"], names=["Mila"]),
        _doc("t3", TEMPLATE.format(name="Yana", phone="+44 7400 111 003"), phones=["+447400111003"], names=["Yana"]),
        _doc("g4", GENERIC.format(name="Ira", phone="+44 7400 222 004"), phones=["+447400222004"], names=["Ira"]),
        _doc("x2"),
    ]


#: The networks of the hard cases; every other document is linked to nothing.
HARD_NETWORKS = [{"a", "b", "c", "d"}, {"m", "n", "o"}, {"t1", "t2", "t3"}]


def _items(records: list[dict[str, Any]]) -> list[tuple[int, object]]:
    return [(line, json.dumps(r, ensure_ascii=False).encode("utf-8")) for line, r in enumerate(records, start=1)]


def _local(items: list[tuple[int, object]], config: LinkConfig) -> list[dict[str, Any]]:
    features = [f for f in prepare(items, keep_text=False) if isinstance(f, LinkFeatures)]
    result = link_documents(features, config)
    ids = [f.id for f in features]
    return [{"id": i, "cluster": c} for i, c in zip(ids, cluster_ids(ids, result.roots), strict=True)]


def _on_dask(client: Client, items: list[tuple[int, object]], config: LinkConfig, size: int) -> list[dict[str, Any]]:
    return list(link_on_dask(client, items, config, partition_size=size).lines)


@pytest.mark.parametrize("size", [1, 3, 100])
def test_hard_cases_match_the_local_engine(dask_client: Client, size: int) -> None:
    items = _items(_hard_cases())
    got = _on_dask(dask_client, items, SMALL, size)
    assert got == _local(items, SMALL)
    clusters = {line["id"]: line["cluster"] for line in got}
    found = [{i for i, c in clusters.items() if c == name} for name in sorted({c for c in clusters.values() if c})]
    assert sorted(found, key=min) == sorted(HARD_NETWORKS, key=min)
    # too common: the support phone (4 ads) and the generic text (4 ads) link nothing
    assert all(clusters[i] is None for i in ("s1", "s2", "s3", "s4", "g1", "g2", "g3", "g4", "x1", "x2"))


def test_a_partition_sees_too_little_to_call_anything_common(dask_client: Client) -> None:
    """Negative control: linked one partition at a time, the support phone and the generic text would link."""
    records = _hard_cases()
    pairs = _local(_items([r for r in records if r["id"] in {"s1", "s2"}]), SMALL)
    assert pairs[0]["cluster"] == pairs[1]["cluster"] is not None
    together = {line["id"]: line["cluster"] for line in _on_dask(dask_client, _items(records), SMALL, 2)}
    assert together["s1"] is None and together["s2"] is None


@pytest.mark.parametrize(("seed", "size"), [(5, 400), (6, 5000)])
def test_planted_corpus_matches_the_local_engine(dask_client: Client, seed: int, size: int) -> None:
    items = _items(generate_corpus(2500, seed=seed, with_entities=True).documents)
    config = LinkConfig()
    got = _on_dask(dask_client, items, config, size)
    expected = _local(items, config)
    assert got == expected
    assert sum(line["cluster"] is not None for line in got) > 500


def test_rejected_records_are_reported_with_their_lines(dask_client: Client) -> None:
    items = _items(_hard_cases())
    items[2] = (3, b'{"id": "broken", "text": ')
    items[5] = (6, b'{"text": "no id"}')
    linked = link_on_dask(dask_client, items, SMALL, partition_size=4)
    lines = list(linked.lines)
    assert [r.line for r in linked.rejected] == [3, 6]
    assert all(isinstance(r, Rejected) and r.reason for r in linked.rejected)
    assert lines == _local(items, SMALL)
    assert linked.documents == len(items) - 2


def test_empty_input_links_nothing(dask_client: Client) -> None:
    linked = link_on_dask(dask_client, [], LinkConfig(), partition_size=10)
    assert (linked.documents, linked.clusters, list(linked.lines)) == (0, 0, [])


# -- command line ----------------------------------------------------------------------------


def _raw_records() -> list[dict[str, Any]]:
    """Raw ads (entities extracted on the workers): one phone written in alternate forms."""
    forms = ["+48 501 234 777", "0048501234777", "+48-501-234-777", "(+48) 501.234.777"]
    records = [
        {"id": f"p{i}", "text": f"{word} apartment, different words {i}. Call {form}"}
        for i, (word, form) in enumerate(zip(["Quiet", "Sunny", "Small", "Cosy"], forms, strict=True))
    ]
    records += [{"id": f"q{i}", "text": f"Unrelated ad number {i}, call +44 7400 55{i} 00{i}"} for i in range(4)]
    records.insert(3, {"id": "bad"})
    return records


def _invoke(tmp_path: Path, *args: str) -> Any:
    return CliRunner().invoke(app, ["--data-dir", str(tmp_path / "data"), "link", *args])


def test_cli_on_a_scheduler_matches_the_local_command(dask_cluster: LocalCluster, tmp_path: Path) -> None:
    path = tmp_path / "ads.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _raw_records()), encoding="utf-8")
    local = _invoke(tmp_path, str(path))
    dask = _invoke(tmp_path, str(path), "--engine", "dask", "--scheduler", dask_cluster.scheduler_address, "--partition-size", "2")
    assert (local.exit_code, dask.exit_code) == (1, 1), dask.stderr
    assert dask.stdout == local.stdout
    clusters = {line["id"]: line["cluster"] for line in map(json.loads, dask.stdout.splitlines())}
    assert len({clusters[f"p{i}"] for i in range(4)}) == 1 and clusters["p0"] is not None
    assert all(clusters[f"q{i}"] is None for i in range(4))
    assert "rejected line 4" in dask.stderr
    assert "linked 8 documents into 1 clusters on Dask" in dask.stderr


def test_cli_starts_a_local_cluster_without_a_scheduler(tmp_path: Path) -> None:
    path = tmp_path / "ads.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _hard_cases()), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = _invoke(tmp_path, str(path), "--engine", "dask", "--workers", "1", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8") == _invoke(tmp_path, str(path)).stdout


@pytest.mark.parametrize("engine", ["spark", ""])
def test_cli_refuses_an_unknown_engine(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "ads.jsonl"
    path.write_text(json.dumps(_doc("a")) + "\n", encoding="utf-8")
    result = _invoke(tmp_path, str(path), "--engine", engine)
    assert isinstance(result.exception, ConfigError)
    assert "unknown engine" in str(result.exception)

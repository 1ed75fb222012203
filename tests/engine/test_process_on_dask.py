"""``vigil process`` and ``vigil trends`` on Dask give what the local engine gives, on a real two-worker LocalCluster.

The demo corpus (planted networks and a planted trend) is stored twice: once processed by
the local engine in this process (the reference, always on SQLite), once with
``vigil process --engine dask --scheduler ADDRESS`` (on SQLite and, when configured,
PostgreSQL). The stored analyses, networks, trend counts and alerts must be the same.

Every run shares one data directory and partition size, so each worker builds its pipeline
once for the whole module (its settings carry no store address, which differs per run), and
this process once for the local runs (they share the default store, which the trends
commands over a file do not write).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from distributed import Client, LocalCluster
from typer.testing import CliRunner

from vigil.cli import app
from vigil.contract import Analysis
from vigil.demo import generate_corpus
from vigil.documents import Document
from vigil.engine import DaskEngine
from vigil.engine.dask import WorkerPipeline
from vigil.errors import ConfigError
from vigil.ingest import ingest_input
from vigil.link.models import LinkDocument
from vigil.settings import Settings, load_settings
from vigil.store import Store
from vigil.store.analyses import analyze_store
from vigil.store.models import AnalysisRow, DocumentRow, ProcessingFailure, Source
from vigil.trends.models import TrendAlertRow, TrendSegmentCount

pytestmark = pytest.mark.slow

#: Documents per partition: the demo file makes a dozen partitions, so results cross them.
PARTITION = "50"


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data directory of every run, and the demo file in it."""
    root = tmp_path_factory.mktemp("process-dask")
    documents = generate_corpus(weeks=26, ads_per_week=20, networks=4).documents
    (root / "ads.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents), encoding="utf-8")
    return root


def _vigil(shared: Path, *args: str, database_url: str = "") -> Any:
    # The engines are compared on the lexicons alone: the clause model's hits change which
    # trend segments the demo file fills, not what the engines must agree on.
    env = {"VIGIL_PARTITION_SIZE": PARTITION, "VIGIL_DATABASE_URL": database_url, "VIGIL_CLAUSE_MODEL": "false"}
    result = CliRunner(env=env).invoke(
        app, ["--data-dir", str(shared / "data"), *args]
    )
    return result


def _processed(shared: Path, database_url: str, *options: str) -> dict[str, Any]:
    stored = _vigil(shared, "ingest", str(shared / "ads.jsonl"), "--no-analyze", database_url=database_url)
    assert stored.exit_code == 0, stored.stderr
    result = _vigil(shared, "process", "--json", *options, database_url=database_url)
    assert result.exit_code == 0, result.stderr
    summary: dict[str, Any] = json.loads(result.stdout)
    return summary


def _snapshot(settings: Settings) -> dict[str, Any]:
    """What the store holds after processing, in terms that do not depend on primary keys or times."""
    with Store.open(settings) as store, store.session() as session:
        analyses = {
            (source, doc_id): result
            for source, doc_id, result in session.execute(
                sa.select(Source.name, DocumentRow.doc_id, AnalysisRow.result)
                .join(DocumentRow, DocumentRow.source_id == Source.id)
                .join(AnalysisRow, AnalysisRow.document_pk == DocumentRow.pk)
            ).tuples()
        }
        clusters = dict(session.execute(sa.select(LinkDocument.doc_id, LinkDocument.cluster)).tuples().all())
        counts = sorted(session.execute(sa.select(TrendSegmentCount.day, TrendSegmentCount.segment, TrendSegmentCount.documents)).tuples())
        alerts = sorted(
            session.execute(
                sa.select(
                    TrendAlertRow.segment, TrendAlertRow.freq, TrendAlertRow.period_start, TrendAlertRow.observed,
                    TrendAlertRow.expected, TrendAlertRow.p_value, TrendAlertRow.q_value, TrendAlertRow.direction,
                )
            ).tuples()
        )
        failures = session.scalar(sa.select(sa.func.count()).select_from(ProcessingFailure))
    return {"analyses": analyses, "clusters": clusters, "counts": counts, "alerts": alerts, "failures": failures}


@pytest.fixture(scope="module")
def reference(shared: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The demo store processed by the local engine in this process: its summary and snapshot."""
    summary = _processed(shared, "", "--engine", "local", "--workers", "1")
    return summary, _snapshot(load_settings(data_dir=shared / "data", database_url=""))


def _pipelines_built() -> int:
    from vigil.pipeline import shared_pipeline

    return int(shared_pipeline.cache_info().currsize)


def test_process_on_dask_stores_what_the_local_engine_stores(
    backend_settings: Settings,
    shared: Path,
    dask_cluster: LocalCluster,
    dask_client: Client,
    reference: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    backend_settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = backend_settings.resolved_database_url
    summary = _processed(shared, url, "--engine", "dask", "--scheduler", dask_cluster.scheduler_address)
    local_summary, local = reference
    got = _snapshot(backend_settings)
    assert len(local["analyses"]) == 559 and local["failures"] == 0
    assert sum(c is not None for c in local["clusters"].values()) >= 10 and local["alerts"]
    for part in ("analyses", "clusters", "counts", "alerts", "failures"):
        assert got[part] == local[part], part
    for key in ("analysed", "linked", "clusters", "trend_alerts", "failed"):
        assert summary[key] == local_summary[key], key
    # the analysis ran on the workers: each loaded a pipeline of its own
    assert all(n >= 1 for n in dask_client.run(_pipelines_built).values())


def test_ingest_analyses_on_dask(
    settings: Settings, shared: Path, dask_cluster: LocalCluster, reference: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = settings.resolved_database_url
    result = _vigil(
        shared, "ingest", str(shared / "ads.jsonl"), "--engine", "dask", "--scheduler", dask_cluster.scheduler_address,
        database_url=url,
    )
    assert result.exit_code == 0, result.stderr
    assert f"engine: dask on {dask_cluster.scheduler_address}" in result.stderr
    assert _snapshot(settings) == reference[1]


class _FailOn:
    """The workers' real pipeline, raising on chosen documents: stands for a bug that one ad triggers."""

    def __init__(self, pipeline: WorkerPipeline, bad: frozenset[str]) -> None:
        self.pipeline = pipeline
        self.bad = bad

    def __call__(self, document: Document) -> Analysis:
        if document.id in self.bad:
            raise ValueError(f"span 0:9 outside normalized text of length 8 ({document.id})")
        return self.pipeline(document)


def test_a_failing_document_on_a_worker_is_recorded_and_the_rest_stored(
    settings: Settings, shared: Path, dask_cluster: LocalCluster
) -> None:
    # the settings of the command-line runs (but the store's address), so the workers' pipeline is reused
    settings = settings.model_copy(
        update={"data_dir": shared / "data", "database_url": settings.resolved_database_url, "partition_size": int(PARTITION), "engine": "dask",
                "dask_scheduler": dask_cluster.scheduler_address}
    )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    bad = frozenset({"demo-000007", "demo-000120"})
    engine = DaskEngine(scheduler=dask_cluster.scheduler_address)
    with Store.open(settings) as store:
        ingest_input(store, shared / "ads.jsonl")
        try:
            counts = analyze_store(store, _FailOn(WorkerPipeline(settings), bad), engine)
        finally:
            engine.close()
        with store.session() as session:
            failed = session.execute(
                sa.select(DocumentRow.doc_id, ProcessingFailure.error, ProcessingFailure.message)
                .join(DocumentRow, DocumentRow.pk == ProcessingFailure.document_pk)
            ).tuples().all()
    assert (counts.analysed, counts.failed) == (557, 2)
    assert sorted(doc for doc, _, _ in failed) == sorted(bad)
    assert all(error == "ValueError" and "outside normalized text" in message for _, error, message in failed)


# -- vigil trends FILE --engine dask -----------------------------------------------------------


@pytest.fixture(scope="module")
def trends_file(shared: Path) -> Path:
    """The demo file with a broken line and an undated ad in the middle (rejected / skipped, not fatal)."""
    lines = (shared / "ads.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(100, '{"id": "broken", "text": \n')
    lines.insert(300, json.dumps({"id": "undated", "text": "Praca w magazynie, wysokie zarobki."}) + "\n")
    path = shared / "trends.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _summary(stderr: str) -> dict[str, Any]:
    line = next(line for line in reversed(stderr.splitlines()) if line.startswith("{"))
    parsed: dict[str, Any] = json.loads(line)
    return parsed


@pytest.mark.parametrize("options", [(), ("--freq", "D", "--series")], ids=["weekly alerts", "daily series"])
def test_trends_on_dask_finds_the_local_engine_alerts(
    shared: Path,
    reference: tuple[dict[str, Any], dict[str, Any]],  # first: its pipeline is the local runs' here
    dask_cluster: LocalCluster,
    trends_file: Path,
    options: tuple[str, ...],
) -> None:
    local = _vigil(shared, "trends", str(trends_file), *options, "--workers", "1")
    dask = _vigil(
        shared, "trends", str(trends_file), *options, "--engine", "dask", "--scheduler", dask_cluster.scheduler_address
    )
    assert (local.exit_code, dask.exit_code) == (1, 1), dask.stderr  # the broken line
    assert dask.stdout == local.stdout
    assert _summary(dask.stderr) == _summary(local.stderr)
    assert _summary(local.stderr)["rejected"] == 1 and _summary(local.stderr)["undated"] == 1
    assert "rejected line 101" in dask.stderr
    if not options:
        alerts = [json.loads(line) for line in dask.stdout.splitlines()]
        assert alerts and all(a["direction"] in {"up", "down"} for a in alerts)


def test_trends_on_dask_refuses_the_store(shared: Path) -> None:
    result = _vigil(shared, "trends", "--store", "--engine", "dask")
    assert isinstance(result.exception, ConfigError)


@pytest.mark.parametrize("command", ["process", "trends", "ingest"])
def test_an_unknown_engine_is_refused(shared: Path, command: str) -> None:
    args = {"process": [], "trends": [str(shared / "ads.jsonl")], "ingest": [str(shared / "ads.jsonl")]}[command]
    result = _vigil(shared, command, *args, "--engine", "spark", database_url=f"sqlite:///{shared / 'refused.db'}")
    assert isinstance(result.exception, ConfigError)
    assert "unknown engine 'spark'" in str(result.exception)

"""Browser-test fixtures: Debian's Chromium, the real app under uvicorn on a free port, a small demo store.

Chromium comes from Debian (``apt-get install chromium``, done here when it is missing and we
are root); Playwright never downloads a browser. Without a usable Chromium the tests fail with
a message saying so: they are never skipped.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import uvicorn

from vigil.demo import generate_corpus, write_jsonl
from vigil.ingest import ingest_input
from vigil.link import LinkConfig, build_features
from vigil.link.models import LinkCluster, LinkDocument
from vigil.link.state import StoredLinks
from vigil.pipeline import build_pipeline
from vigil.settings import Settings, load_settings
from vigil.store import Store
from vigil.store.analyses import row_to_document, save_analyses
from vigil.store.models import DocumentIndicator, DocumentRow
from vigil.web import auth
from vigil.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
PASSWORD = "browser-test-passphrase"
ACCOUNTS = {"analyst": "ana", "viewer": "vic", "moderator": "mod", "admin": "adm"}
#: Small enough to load in seconds, long enough for the planted trend to raise alerts.
DEMO_WEEKS = 20
DEMO_ADS_PER_WEEK = 30
DEMO_NETWORKS = 4


def ensure_chromium() -> Path:
    """Debian's Chromium, installed with apt-get when missing (as root); fails loudly otherwise."""
    if CHROMIUM.exists():
        return CHROMIUM
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False)
            if done.returncode != 0:
                pytest.fail(f"browser tests need Debian's chromium; `{' '.join(command)}` failed:\n{done.stderr[-2000:]}")
    if not CHROMIUM.exists():
        pytest.fail(f"browser tests need Debian's chromium at {CHROMIUM}; install it with `apt-get install chromium`")
    return CHROMIUM


@dataclass(frozen=True)
class DemoFacts:
    """Things in the loaded demo the scenarios navigate to."""

    evidence_doc: int  # a document with highlighted evidence that belongs to a network
    network: str
    search_word: str
    trend_segment: str


def _load_demo(store: Store, settings: Settings, workdir: Path) -> DemoFacts:
    """Ingest, analyse and link a small synthetic demo corpus with the real functions."""
    corpus = generate_corpus(weeks=DEMO_WEEKS, ads_per_week=DEMO_ADS_PER_WEEK, networks=DEMO_NETWORKS)
    path = workdir / "demo.jsonl"
    write_jsonl(corpus, path)
    ingest_input(store, path, fmt="jsonl", source="demo")
    pipeline = build_pipeline(settings)
    with store.session() as session:
        documents = [(row.pk, row_to_document(row)) for row in session.scalars(sa.select(DocumentRow).order_by(DocumentRow.pk))]
    results = [(pk, pipeline(document)) for pk, document in documents]
    save_analyses(store, results)
    StoredLinks(store, LinkConfig()).add(
        [build_features(document, result.get("entities") or {}) for (_, document), (_, result) in zip(documents, results, strict=True)]
    )
    with store.session() as session:
        # An ad with indicators in the largest network that has any: evidence to read and a graph to open.
        counted = (
            sa.select(DocumentRow.pk, LinkDocument.cluster, LinkCluster.size, sa.func.count().label("n"))
            .join(DocumentIndicator, DocumentIndicator.document_pk == DocumentRow.pk)
            .join(LinkDocument, LinkDocument.doc_id == DocumentRow.doc_id)
            .join(LinkCluster, LinkCluster.cluster == LinkDocument.cluster)
            .group_by(DocumentRow.pk, LinkDocument.cluster, LinkCluster.size)
            .order_by(LinkCluster.size.desc(), sa.desc("n"), DocumentRow.pk)
            .limit(1)
        )
        best = session.execute(counted).one()
    alerts = _detect_and_store_alerts(store)
    rising = [a for a in alerts if a.direction == "up"]
    if not rising:
        pytest.fail("the small demo corpus raised no trend alert; the trend scenario has nothing to show")
    return DemoFacts(evidence_doc=best.pk, network=best.cluster, search_word="Telegram", trend_segment=rising[0].segment)


def _detect_and_store_alerts(store: Store) -> list[Any]:
    """Weekly spike detection over the store, stored as after ``vigil trends --store``.

    The small corpus is too short for the production thresholds, so detection runs with a
    sensitivity suited to it (the detector and the storage are the real ones).
    """
    from vigil.trends.alert_store import save_alerts
    from vigil.trends.detect import DetectionParams
    from vigil.trends.periods import parse_freq
    from vigil.trends.report import build_table, collect_pairs, run_detection, store_pairs
    from vigil.web.pages.trends_data import _segmenter

    sensitive = DetectionParams(max_p=0.05, fdr=0.5, min_count=2, min_excess=1, min_ratio=1.3)
    report = run_detection(build_table(collect_pairs(store_pairs(store), _segmenter()), parse_freq("W")), sensitive)
    save_alerts(store, report.alerts)
    return list(report.alerts)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class LiveSite:
    base_url: str
    facts: DemoFacts


@pytest.fixture(scope="session")
def live_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    """The real app on a demo store, served by uvicorn on 127.0.0.1 in a background thread."""
    workdir = tmp_path_factory.mktemp("browser")
    # Plain http on localhost: the session cookie must not be Secure-only here.
    settings = load_settings(data_dir=workdir / "vigil-data", database_url="", cookie_secure=False)
    store = Store.open(settings)
    facts = _load_demo(store, settings, workdir)
    with store.session() as session:
        for role, name in ACCOUNTS.items():
            auth.create_user(session, name, role, PASSWORD)
    app = create_app(settings, store=store)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the app did not start under uvicorn")
        time.sleep(0.05)
    try:
        yield LiveSite(f"http://127.0.0.1:{port}", facts)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = ensure_chromium()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    problems: list[str] = []
    # A failed fetch is reported by URL below; the console only says "Failed to load resource".
    opened.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" and "Failed to load resource" not in msg.text else None)
    opened.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status == 404 and not r.url.endswith("/favicon.ico") else None)
    opened.on("pageerror", lambda exc: problems.append(str(exc)))
    opened.console_problems = problems
    try:
        yield opened
    finally:
        context.close()


@pytest.fixture
def shot(page: Any) -> Callable[[str], Path]:
    """Save a full-page screenshot of the page as ``test-artifacts/screenshots/<name>.png``."""

    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(page: Any, live_site: LiveSite) -> Callable[..., None]:
    """Log in through the login form as the account of ``role``, asking first for ``target``."""

    def go(role: str, target: str = "/") -> None:
        page.goto(live_site.base_url + target)
        page.wait_for_url("**/login**")
        page.fill("input[name=name]", ACCOUNTS[role])
        page.fill("input[name=password]", PASSWORD)
        page.click("section.login button[type=submit]")
        page.wait_for_load_state("networkidle")

    return go

"""The crawler against the local test site: robots.txt, delays, back-off, failures, evidence, versions, resuming."""

from __future__ import annotations

import hashlib
import io
import itertools

import pytest
import sqlalchemy as sa
from collect_site import ADS, LocalSite, write_profile
from warcio.archiveiterator import ArchiveIterator

from vigil.collect.crawl import CollectSummary, collect_profile
from vigil.collect.models import CollectRun, DocumentVersion
from vigil.collect.profiles import load_profile
from vigil.settings import Settings
from vigil.store import Store
from vigil.store.models import DocumentRow, Evidence

DELAY = 0.25
#: Scheduling slack: sleep() may wake a little early on a busy machine, never much.
SLACK = 0.02


def _collect(settings: Settings, site: LocalSite, delay: float = 0.0) -> CollectSummary:
    profile = load_profile(write_profile(settings, site, delay))
    with Store.open(settings) as store:
        return collect_profile(store, settings, profile)


def _documents(settings: Settings) -> dict[str, DocumentRow]:
    with Store.open(settings) as store, store.session() as session:
        return {row.doc_id: row for row in session.scalars(sa.select(DocumentRow))}


def test_first_run_is_polite_and_honest(site: LocalSite, collect_settings: Settings) -> None:
    summary = _collect(collect_settings, site, DELAY)
    paths = site.paths()
    # robots.txt first; forbidden pages and images never requested
    assert paths[0] == "/robots.txt"
    assert not [p for p in paths if p.startswith("/private/")]
    assert not [p for p in paths if p.startswith("/img/")]
    assert summary.robots_forbidden == 2
    assert summary.off_site == 1
    # identifying user agent with the contact from settings, on every request
    assert {headers["user-agent"] for _, _, headers in site.log} == {"VigilCollector/0.1.0 (+collect-tests@vigil.invalid)"}
    # one request at a time, DELAY apart; Retry-After honoured
    times = [t for t, _, _ in site.log]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert min(gaps) >= DELAY - SLACK, gaps
    flaky = [t for t, path, _ in site.log if path == "/ad/flaky"]
    assert len(flaky) == 2 and flaky[1] - flaky[0] >= 1.0 - SLACK
    # every failure counted by kind, nothing crashed
    assert dict(summary.errors) == {"http_500": 1, "redirect_loop": 1, "too_large": 1}
    assert paths.count("/ad/broken") == 3  # first try and max_retries=2
    # ads (one reached through a redirect, one reached twice by a reordered query) and feed entries
    assert summary.documents == {"new": 8, "unchanged": 1}  # /ad/moved is /ad/2 again
    documents = _documents(collect_settings)
    base = site.url("")
    assert set(documents) == {
        base + "/ad/1", base + "/ad/2", base + "/ad/3?a=1&b=2", base + "/ad/4", base + "/ad/flaky", base + "/ad/malformed",
        base + "/job-1", base + "/job-2",  # feed entry ids (guids), resolved against the feed's address
    }
    for path, (lang, title, text, location) in ADS.items():
        row = documents[base + path if path != "/ad/3" else base + "/ad/3?a=1&b=2"]
        assert (row.title, row.location, row.kind, row.platform) == (title, location, "job_ad", "Test Board")
        assert text in row.text and row.posted_at is not None
        assert row.images and all(image.startswith(base + "/img/") for image in row.images), lang
    assert "do Włoch" in documents[base + "/ad/malformed"].text
    assert documents[base + "/job-1"].url == base + "/jobs/1" and documents[base + "/job-1"].posted_at is not None


def test_every_document_points_to_its_warc_evidence(site: LocalSite, collect_settings: Settings) -> None:
    _collect(collect_settings, site)
    with Store.open(collect_settings) as store, store.session() as session:
        rows = session.scalars(sa.select(DocumentRow)).all()
        assert rows
        for row in rows:
            assert row.evidence_sha256 is not None
            evidence = session.get(Evidence, row.evidence_sha256)
            assert evidence is not None and evidence.media_type == "application/warc"
            data = store.evidence.get(row.evidence_sha256)  # verified against its digest on read
            assert hashlib.sha256(data).hexdigest() == row.evidence_sha256
            records = [(r, r.content_stream().read()) for r in ArchiveIterator(io.BytesIO(data))]
            assert [r.rec_type for r, _ in records] == ["request", "response"]
            response, body = records[1]
            assert body
            assert response.rec_headers.get_header("WARC-Payload-Digest") == "sha256:" + hashlib.sha256(body).hexdigest()
            assert response.rec_headers.get_header("WARC-Target-URI") == evidence.url
            assert response.http_headers.get_statuscode() == "200"


def test_an_edited_ad_becomes_a_second_version(site: LocalSite, collect_settings: Settings) -> None:
    _collect(collect_settings, site)
    site.log.clear()
    site.edit("/ad/1", "Нове: житло безкоштовно, оплата 500 євро на тиждень, паспорт віддати агенту")
    second = _collect(collect_settings, site)
    assert second.documents == {"changed": 1, "unchanged": 8}
    # conditional requests: unchanged ads answered 304 without a body
    ad_two = next(headers for _, path, headers in site.log if path == "/ad/2")
    assert "if-none-match" in ad_two
    assert second.unchanged_pages >= 4
    documents = _documents(collect_settings)
    first_id = site.url("/ad/1")
    assert "паспорт" in documents[first_id + "#v2"].text and "паспорт" not in documents[first_id].text
    assert documents[first_id + "#v2"].evidence_sha256 != documents[first_id].evidence_sha256
    with Store.open(collect_settings) as store, store.session() as session:
        versions = session.scalars(sa.select(DocumentVersion).where(DocumentVersion.doc_key == first_id).order_by(DocumentVersion.version)).all()
        assert [v.version for v in versions] == [1, 2]
        assert versions[0].content_sha256 != versions[1].content_sha256
    # a third run with nothing edited adds nothing
    third = _collect(collect_settings, site)
    assert third.documents == {"unchanged": 9}


def test_an_interrupted_run_is_continued(site: LocalSite, collect_settings: Settings) -> None:
    profile = load_profile(write_profile(collect_settings, site))

    def stop_after_four(_step: str, done: int, _total: int | None) -> None:
        if done == 4:
            raise KeyboardInterrupt

    with Store.open(collect_settings) as store:
        with pytest.raises(KeyboardInterrupt):
            collect_profile(store, collect_settings, profile, on_progress=stop_after_four)
        fetched_before = [p for p in site.paths() if p != "/robots.txt"]
        site.log.clear()
        resumed = collect_profile(store, collect_settings, profile)
        with store.session() as session:
            runs = session.scalars(sa.select(CollectRun)).all()
    assert resumed.resumed and [(r.id, r.status, r.resumed) for r in runs] == [(1, "finished", 1)]
    again = [p for p in site.paths() if p != "/robots.txt"]
    assert not set(fetched_before) & set(again), "pages fetched before the interruption were fetched again"
    assert len(_documents(collect_settings)) == 8


def test_retry_after_beyond_the_limit_gives_the_url_up(site: LocalSite, tmp_path: object, collect_settings: Settings) -> None:
    site.retry_after = "3600"
    settings = collect_settings.model_copy(update={"collect_max_backoff_seconds": 0.5})
    summary = _collect(settings, site)
    assert summary.errors["rate_limited"] == 1
    assert site.paths().count("/ad/flaky") == 1

"""One collect run of one profile: fetch politely, keep evidence, store new and changed documents.

The run's summary is honest about every failure: pages by outcome, documents new, changed
and unchanged, URLs robots.txt kept Vigil from, and errors counted by kind with a few
examples each. A page that fails is counted and the run goes on; only the store failing
stops a run (it is then continued by the next run of the profile).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from vigil.collect.evidence import MEDIA_TYPE, warc_of
from vigil.collect.fetch import Fetched, Fetcher, is_image_url, user_agent
from vigil.collect.models import CollectUrl
from vigil.collect.pages import (
    AdFields,
    FeedEntry,
    canonical_url,
    document_key,
    page_text,
    read_ad,
    read_feed,
    read_links,
)
from vigil.collect.profiles import SiteProfile
from vigil.collect.state import (
    Change,
    Outcome,
    begin_run,
    end_run,
    mark_fetched,
    next_batch,
    queue_urls,
    requeue_known_ads,
    save_evidence,
    save_version,
    source_id,
)
from vigil.documents import Document, parse_timestamp
from vigil.errors import DocumentError
from vigil.ingest.html_text import extract_main_text
from vigil.settings import Settings
from vigil.store import Store

#: Examples of each error kind kept in a summary (the counts stay exact beyond it).
EXAMPLES_PER_ERROR: Final = 5

Progress = Callable[[str, int, int | None], None]


@dataclass
class CollectSummary:
    """What one run of one profile did."""

    profile: str
    run: int = 0
    resumed: bool = False
    pages: int = 0
    unchanged_pages: int = 0
    requests: int = 0
    robots_forbidden: int = 0
    off_site: int = 0
    images_recorded: int = 0
    documents: Counter[Change] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    page_limit_reached: bool = False

    def error(self, kind: str, url: str, detail: str) -> None:
        self.errors[kind] += 1
        listed = self.examples.setdefault(kind, [])
        if len(listed) < EXAMPLES_PER_ERROR:
            listed.append(f"{url[:300]}: {detail[:200]}" if detail else url[:300])

    def to_json(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "run": self.run,
            "resumed": self.resumed,
            "pages": self.pages,
            "unchanged_pages": self.unchanged_pages,
            "requests": self.requests,
            "robots_forbidden": self.robots_forbidden,
            "off_site": self.off_site,
            "images_recorded": self.images_recorded,
            "documents": {change: self.documents[change] for change in ("new", "changed", "unchanged")},
            "errors": dict(sorted(self.errors.items())),
            "error_examples": self.examples,
            "page_limit_reached": self.page_limit_reached,
        }


def _no_progress(_step: str, _done: int, _total: int | None) -> None:
    return None


class _Run:
    def __init__(self, store: Store, settings: Settings, profile: SiteProfile, fetcher: Fetcher, summary: CollectSummary) -> None:
        self.store = store
        self.settings = settings
        self.profile = profile
        self.fetcher = fetcher
        self.summary = summary
        self.source = source_id(store, profile.source_name)

    def handle(self, row: CollectUrl) -> None:
        if not self.fetcher.on_site(row.url):
            self.summary.off_site += 1
            mark_fetched(self.store, row.id, self.summary.run, Outcome(None, "off_site"))
            return
        if is_image_url(row.url):
            mark_fetched(self.store, row.id, self.summary.run, Outcome(None, "image_not_fetched"))
            return
        if not self.fetcher.allowed(row.url):
            self.summary.robots_forbidden += 1
            mark_fetched(self.store, row.id, self.summary.run, Outcome(None, "robots"))
            return
        conditional = row.fetched_run is not None and row.error is None
        fetched = self.fetcher.fetch(
            row.url, etag=row.etag if conditional else None, last_modified=row.last_modified if conditional else None
        )
        self.summary.pages += 1
        if fetched.error is not None:
            self.summary.error(fetched.error, row.url, fetched.detail)
            mark_fetched(self.store, row.id, self.summary.run, Outcome(fetched.status, fetched.error))
            return
        if fetched.status == 304:
            self.summary.unchanged_pages += 1
            if row.kind == "ad":
                self.summary.documents["unchanged"] += 1
            mark_fetched(self.store, row.id, self.summary.run, Outcome(304, None, row.etag, row.last_modified,
                                                                         row.body_sha256, row.evidence_sha256))
            return
        if fetched.status != 200:
            kind = f"http_{fetched.status}"
            self.summary.error(kind, row.url, fetched.reason)
            mark_fetched(self.store, row.id, self.summary.run, Outcome(fetched.status, kind))
            return
        evidence = save_evidence(self.store, warc_of(fetched), MEDIA_TYPE, fetched.final_url, fetched.fetched_at)
        problem = self._read(row, fetched, evidence)
        if problem is not None:
            self.summary.error(problem[0], row.url, problem[1])
        mark_fetched(
            self.store, row.id, self.summary.run,
            Outcome(200, problem[0] if problem else None, fetched.header("ETag"), fetched.header("Last-Modified"),
                    hashlib.sha256(fetched.body).hexdigest(), evidence),
        )

    def _read(self, row: CollectUrl, fetched: Fetched, evidence: str) -> tuple[str, str] | None:
        content_type = fetched.header("Content-Type")
        if row.kind == "feed":
            entries, problem = read_feed(fetched.body, fetched.final_url)
            for entry in entries:
                self._store_feed_entry(entry, fetched, evidence)
            return ("bad_feed", problem) if problem else None
        text = page_text(fetched.body, content_type)
        if row.kind == "listing":
            links = read_links(text, fetched.final_url, self.profile)
            if row.depth < self.profile.max_depth:
                queue_urls(self.store, self.profile.name, self.summary.run,
                           [(url, "listing", row.depth + 1) for url in links.listings])
            queue_urls(self.store, self.profile.name, self.summary.run, [(url, "ad", row.depth + 1) for url in links.ads])
            return None
        fields = read_ad(text, fetched.final_url, self.profile)
        if not fields.text.strip():
            main = extract_main_text(fetched.body, fetched.final_url)
            if main is None:
                return "no_text", "the page has no text to read"
            fields.title = fields.title or main[0]
            fields.text = main[1]
        # a redirected ad is the document at its final address (one document however it is reached)
        return self._store_ad(canonical_url(fetched.final_url), fields, fetched, evidence)

    def _store_ad(self, url: str, fields: AdFields, fetched: Fetched, evidence: str) -> tuple[str, str] | None:
        self.summary.images_recorded += len(fields.images)
        meta: dict[str, Any] = {"collect": {"profile": self.profile.name, "run": self.summary.run}}
        if fields.contacts:
            meta["contacts"] = fields.contacts
        posted = None
        if fields.posted_at:
            try:
                posted = parse_timestamp("posted_at", fields.posted_at)
            except DocumentError:
                meta["posted_at_as_shown"] = fields.posted_at[:200]
        document = Document(
            id=url, text=fields.document_text(), title=fields.title, kind=self.profile.kind,
            platform=self.profile.platform, url=url, lang=self.profile.lang, posted_at=posted,
            captured_at=fetched.fetched_at, location=fields.location, images=tuple(fields.images), meta=meta,
        )
        change, _version = save_version(self.store, self.source, document_key(url), fields.content_hash(), document, evidence)
        self.summary.documents[change] += 1
        return None

    def _store_feed_entry(self, entry: FeedEntry, fetched: Fetched, evidence: str) -> None:
        posted = None
        if entry.posted_at:
            try:
                posted = parse_timestamp("posted_at", entry.posted_at)
            except DocumentError:
                posted = None
        document = Document(
            id=entry.key, text=entry.text, title=entry.title, kind=self.profile.kind, platform=self.profile.platform,
            url=entry.url, lang=self.profile.lang, posted_at=posted, captured_at=fetched.fetched_at,
            meta={"collect": {"profile": self.profile.name, "run": self.summary.run, "feed": fetched.final_url}},
        )
        content = hashlib.sha256(repr((entry.title, entry.text, entry.posted_at)).encode("utf-8")).hexdigest()
        change, _version = save_version(self.store, self.source, entry.key, content, document, evidence)
        self.summary.documents[change] += 1


def collect_profile(
    store: Store,
    settings: Settings,
    profile: SiteProfile,
    *,
    on_progress: Progress = _no_progress,
    fetcher: Fetcher | None = None,
) -> CollectSummary:
    """Run (or continue) a collect of ``profile`` into ``store`` and return its summary."""
    agent = user_agent(settings.collect_contact)
    summary = CollectSummary(profile=profile.name)
    summary.run, summary.resumed = begin_run(store, profile.name)
    if not summary.resumed:
        seeds = [(canonical_url(url), "listing", 0) for url in profile.start_urls]
        seeds += [(canonical_url(url), "feed", 0) for url in profile.feeds]
        queue_urls(store, profile.name, summary.run, seeds)  # type: ignore[arg-type]
        if profile.revisit_ads:
            requeue_known_ads(store, profile.name, summary.run)
    delay = settings.collect_delay_seconds if profile.delay_seconds is None else profile.delay_seconds
    own = fetcher is None
    fetcher = fetcher or Fetcher(
        agent=agent, delay=delay, timeout=settings.collect_timeout_seconds, max_bytes=settings.collect_max_page_bytes,
        max_retries=profile.max_retries, backoff=max(profile.backoff_seconds, delay), max_backoff=settings.collect_max_backoff_seconds,
        allowed_hosts=profile.hosts(),
    )
    run = _Run(store, settings, profile, fetcher, summary)
    try:
        while True:
            batch = next_batch(store, profile.name, summary.run)
            if not batch:
                break
            for row in batch:
                if summary.pages >= profile.max_pages:
                    summary.page_limit_reached = True
                    break
                run.handle(row)
                on_progress(profile.name, summary.pages, None)
            if summary.page_limit_reached:
                break
    except BaseException as exc:
        summary.requests = fetcher.requests
        end_run(store, summary.run, "failed", {**summary.to_json(), "stopped": f"{type(exc).__name__}: {str(exc)[:200]}"})
        raise
    finally:
        if own:
            fetcher.__exit__(None, None, None)
    summary.requests = fetcher.requests
    end_run(store, summary.run, "finished", summary.to_json())
    return summary

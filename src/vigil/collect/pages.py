"""Reading fetched pages: links to follow, the fields of an ad, and the entries of a feed.

Pure functions of the page bytes and the profile (no I/O), so each is tested on its own.
Pages are hostile input: malformed HTML is read as lxml repairs it, and a field whose
selector finds nothing is left empty rather than failing the page.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import urljoin

from parsel import Selector
from w3lib.encoding import html_to_unicode
from w3lib.url import canonicalize_url

from vigil.collect.profiles import SiteProfile
from vigil.documents import MAX_ID_LENGTH
from vigil.urls import is_web_url

#: Room left in a document id for the ``#v<n>`` of later versions.
_VERSION_ROOM: Final = 12
_SPACES: Final = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES: Final = re.compile(r"\n\s*\n+")


def canonical_url(url: str) -> str:
    """One spelling per address: sorted query, no fragment, normalised escapes (Scrapy's rules)."""
    return canonicalize_url(url, keep_fragments=False)


def document_key(url: str) -> str:
    """The id of version 1 of the document at ``url``; a URL too long for an id becomes its SHA-256."""
    if len(url) <= MAX_ID_LENGTH - _VERSION_ROOM:
        return url
    return "sha256:" + hashlib.sha256(url.encode("utf-8")).hexdigest()


def version_id(key: str, version: int) -> str:
    return key if version == 1 else f"{key}#v{version}"


def page_text(body: bytes, content_type: str | None) -> str:
    """The page as text, in the encoding its headers, BOM or meta tag declare (Scrapy's rules)."""
    _encoding, text = html_to_unicode(content_type, body)
    return str(text)


@dataclass(frozen=True)
class PageLinks:
    listings: list[str]
    ads: list[str]


@dataclass
class AdFields:
    """What a profile's selectors read from one ad page."""

    title: str | None = None
    text: str = ""
    posted_at: str | None = None
    location: str | None = None
    contacts: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)

    def content_hash(self) -> str:
        """SHA-256 of the fields: equal when the ad is unchanged, whatever else the page shows."""
        data = [self.title, self.text, self.posted_at, self.location, self.contacts, self.images]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()

    def document_text(self) -> str:
        """The text to analyse: the ad text, then any contact the text does not already show."""
        extra = [contact for contact in self.contacts if contact not in self.text]
        if not extra:
            return self.text
        return (self.text + "\n\n" + "\n".join(extra)).strip()


def _node_text(node: Selector) -> str:
    """A selected element's text with line breaks between blocks; a ``::text``/``::attr`` result as is."""
    if isinstance(node.root, str):
        return node.root.strip()
    parts = [part.strip() for part in node.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]").getall()]
    lines = "\n".join(part for part in parts if part)
    return _BLANK_LINES.sub("\n\n", _SPACES.sub(" ", lines)).strip()


def _select(page: Selector, css: str | None) -> list[str]:
    if not css:
        return []
    return [text for text in (_node_text(node) for node in page.css(css)) if text]


def _links(page: Selector, base: str, patterns: Iterable[str]) -> list[str]:
    compiled = [re.compile(p) for p in patterns]
    found: dict[str, None] = {}
    for href in page.css("a::attr(href)").getall():
        url = _absolute(base, href)
        if url is not None and any(p.search(url) for p in compiled):
            found[url] = None
    return list(found)


def _absolute(base: str, href: str) -> str | None:
    try:
        url = urljoin(base, href.strip())
    except ValueError:
        return None
    if not is_web_url(url):
        return None
    return canonical_url(url)


def read_links(text: str, url: str, profile: SiteProfile) -> PageLinks:
    """Listing pages (matched links and the next-page link) and ad pages linked from a page."""
    page = Selector(text=text, base_url=url)
    listings = _links(page, url, profile.links.listing)
    if profile.links.next_page:
        for href in page.css(profile.links.next_page).getall():
            target = _absolute(url, href if isinstance(href, str) else "")
            if target is not None and target not in listings:
                listings.append(target)
    return PageLinks(listings=listings, ads=_links(page, url, profile.links.ad))


def read_ad(text: str, url: str, profile: SiteProfile) -> AdFields:
    """The fields of an ad page; without a text selector, the page's main text."""
    page = Selector(text=text, base_url=url)
    selectors = profile.fields
    titles = _select(page, selectors.title)
    fields = AdFields(
        title=titles[0] if titles else None,
        text="\n\n".join(_select(page, selectors.text)),
        posted_at=next(iter(_select(page, selectors.posted_at)), None),
        location=next(iter(_select(page, selectors.location)), None),
        contacts=list(dict.fromkeys(_select(page, selectors.contacts))),
    )
    images: dict[str, None] = {}
    for src in _select(page, selectors.images):
        absolute = _absolute(url, src)
        if absolute is not None:
            images[absolute] = None
    fields.images = list(images)
    return fields


@dataclass(frozen=True)
class FeedEntry:
    key: str
    url: str | None
    title: str | None
    text: str
    posted_at: str | None


def read_feed(body: bytes, url: str) -> tuple[list[FeedEntry], str | None]:
    """Entries of an RSS or Atom feed, and what was wrong with it (feedparser reads broken feeds as far as it can)."""
    import feedparser

    parsed: Any = feedparser.parse(body, response_headers={"content-location": url})
    problem = None
    if parsed.get("bozo") and not parsed.entries:
        problem = f"not a readable feed: {type(parsed.get('bozo_exception')).__name__}"
    entries: list[FeedEntry] = []
    for entry in parsed.entries:
        link = entry.get("link")
        link = _absolute(url, link) if isinstance(link, str) else None
        key = entry.get("id") or link
        if not isinstance(key, str) or not key:
            continue
        contents = [c.get("value", "") for c in entry.get("content", []) if isinstance(c, dict)]
        raw = "\n\n".join(contents) or str(entry.get("summary") or "")
        text = _node_text(Selector(text=f"<div>{raw}</div>").css("div")[0]) if raw.strip() else ""
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        posted = datetime.fromtimestamp(calendar.timegm(stamp), UTC).isoformat() if stamp else None
        if not text.strip():
            continue
        entries.append(
            FeedEntry(key=document_key(key), url=link, title=entry.get("title"), text=text,
                      posted_at=posted)
        )
    return entries, problem

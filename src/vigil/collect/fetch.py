"""Polite fetching: robots.txt obeyed, one request at a time per host, delays, back-off, retries.

:class:`Fetcher` asks each host for its ``robots.txt`` once per run (RFC 9309: a 4xx answer
allows everything, a 5xx or no answer forbids everything for this run), waits ``delay``
seconds between two requests to one host (a longer ``Crawl-delay`` wins), backs off after a
429 or 5xx (``Retry-After`` when the site gives one, else doubling), follows redirects itself
so each hop is checked against robots.txt and the allowed hosts, sends ``If-None-Match`` and
``If-Modified-Since`` from the last fetch, and never reads more than ``max_bytes`` of a body.
Image and other non-page answers are closed unread: Vigil never downloads image bytes.
"""

from __future__ import annotations

import email.utils
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from vigil import __version__
from vigil.errors import ConfigError

#: Answers the crawler reads; anything else (images, video, archives) is closed unread.
PAGE_TYPES: Final = ("text/html", "application/xhtml+xml", "application/rss+xml", "application/atom+xml",
                     "application/xml", "text/xml", "application/rdf+xml")
#: URL endings that are images: never requested at all.
IMAGE_SUFFIXES: Final = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".svg", ".avif", ".heic", ".tif", ".tiff", ".ico")
MAX_REDIRECTS: Final = 5
#: Longest robots.txt read (Google reads 500 KiB).
MAX_ROBOTS_BYTES: Final = 512 * 1024
_RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
_REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
_CHUNK: Final = 64 * 1024


def user_agent(contact: str | None) -> str:
    """Vigil's user agent, with the contact address from settings (crawling without one is refused)."""
    if not contact or not contact.strip():
        raise ConfigError("crawling identifies itself: set collect_contact (VIGIL_COLLECT_CONTACT) to an e-mail or web address")
    return f"VigilCollector/{__version__} (+{contact.strip()})"


@dataclass
class Fetched:
    """One URL's fetch: the final answer (after redirects), or the kind of error that ended it."""

    url: str
    final_url: str
    status: int | None = None
    reason: str = ""
    http_version: str = "HTTP/1.1"
    headers: list[tuple[str, str]] = field(default_factory=list)
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    #: The body as sent (still compressed when the site compressed it): what the WARC keeps.
    raw_body: bytes = b""
    #: The body decoded from its Content-Encoding: what the page is read from.
    body: bytes = b""
    error: str | None = None
    detail: str = ""
    attempts: int = 0
    redirects: list[str] = field(default_factory=list)
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


class HostSchedule:
    """When each host may be asked next: one request at a time, ``delay`` apart, longer after a back-off."""

    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.delay = delay
        self.clock = clock
        self.sleep = sleep
        self._next: dict[str, float] = {}
        self._delays: dict[str, float] = {}

    def set_delay(self, host: str, seconds: float) -> None:
        self._delays[host] = max(self.delay, seconds)

    def wait(self, host: str) -> None:
        due = self._next.get(host)
        if due is not None:
            remaining = due - self.clock()
            if remaining > 0:
                self.sleep(remaining)

    def done(self, host: str, backoff: float = 0.0) -> None:
        self._next[host] = self.clock() + max(self._delays.get(host, self.delay), backoff)


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date); None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def is_image_url(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(IMAGE_SUFFIXES)


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class _Robots:
    """robots.txt of each host, read once per run through the same schedule as the pages."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self._rules: dict[str, Protego | bool] = {}

    def rules(self, url: str) -> Protego | bool:
        host = host_of(url)
        if host not in self._rules:
            self._rules[host] = self._load(host)
            if isinstance(self._rules[host], Protego):
                delay = self._rules[host].crawl_delay(self.fetcher.agent)  # type: ignore[union-attr]
                if delay:
                    self.fetcher.schedule.set_delay(host, float(delay))
        return self._rules[host]

    def _load(self, host: str) -> Protego | bool:
        url = f"{host}/robots.txt"
        for _hop in range(MAX_REDIRECTS + 1):
            answer = self.fetcher.get_once(url, MAX_ROBOTS_BYTES, conditional={}, any_type=True)
            self.fetcher.robots_fetches.append(answer)
            location = answer.header("Location")
            if answer.status not in _REDIRECT_STATUSES or not location:
                break
            url = urljoin(url, location)
        if answer.error is not None:
            return False  # unreachable or unreadable: assume everything is forbidden (RFC 9309, 2.3.1.4)
        status = answer.status or 0
        if status == 200:
            return Protego.parse(answer.body.decode("utf-8", errors="replace"))
        # unavailable (4xx): no rules (RFC 9309, 2.3.1.3); 5xx or a redirect chain: everything forbidden
        return 400 <= status < 500

    def allowed(self, url: str) -> bool:
        rules = self.rules(url)
        if isinstance(rules, bool):
            return rules
        return bool(rules.can_fetch(url, self.fetcher.agent))


class Fetcher:
    """Fetches pages politely for one profile; use as a context manager (it holds one HTTP client)."""

    def __init__(
        self,
        *,
        agent: str,
        delay: float,
        timeout: float,
        max_bytes: int,
        max_retries: int,
        backoff: float,
        max_backoff: float,
        allowed_hosts: frozenset[str],
        schedule: HostSchedule | None = None,
    ) -> None:
        self.agent = agent
        self.max_bytes = max_bytes
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.allowed_hosts = allowed_hosts
        self.schedule = schedule or HostSchedule(delay)
        self.robots = _Robots(self)
        self.robots_fetches: list[Fetched] = []
        self.requests = 0
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            headers={"User-Agent": agent, "Accept-Encoding": "gzip, deflate", "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.1"},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._client.close()

    def on_site(self, url: str) -> bool:
        return (urlsplit(url).hostname or "").lower() in self.allowed_hosts

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets Vigil fetch ``url`` (reads the host's robots.txt on first use)."""
        return self.robots.allowed(url)

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET ``url`` with retries and redirects; never raises for what the site does."""
        conditional = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        chain = [url]
        current = url
        while True:
            answer = self._with_retries(current, conditional)
            answer.url = url
            answer.redirects = chain[1:]
            if answer.error is not None or answer.status not in _REDIRECT_STATUSES:
                return answer
            location = answer.header("Location")
            if not location:
                return self._failed(answer, "bad_redirect", "redirect without a Location")
            target = urljoin(current, location).split("#", 1)[0]
            if target in chain:
                return self._failed(answer, "redirect_loop", f"{current} leads back to {target}")
            if len(chain) > MAX_REDIRECTS:
                return self._failed(answer, "too_many_redirects", f"more than {MAX_REDIRECTS} redirects")
            if not target.startswith(("http://", "https://")) or not self.on_site(target):
                return self._failed(answer, "off_site_redirect", f"redirect to {target[:200]}")
            if is_image_url(target):
                return self._failed(answer, "not_a_page", "redirect to an image")
            if not self.allowed(target):
                return self._failed(answer, "robots", f"redirect to {target[:200]}, which robots.txt forbids")
            chain.append(target)
            current = target
            conditional = {}

    @staticmethod
    def _failed(answer: Fetched, kind: str, detail: str) -> Fetched:
        answer.error = kind
        answer.detail = detail
        return answer

    def _with_retries(self, url: str, conditional: dict[str, str]) -> Fetched:
        attempt = 0
        while True:
            attempt += 1
            answer = self.get_once(url, self.max_bytes, conditional)
            answer.attempts = attempt
            transient = answer.status in _RETRY_STATUSES or answer.error in ("timeout", "connection")
            if not transient:
                return answer
            wait = retry_after(answer.header("Retry-After")) if answer.status in (429, 503) else None
            if wait is None:
                wait = self.backoff * 2 ** (attempt - 1)
            elif wait > self.max_backoff:
                self.schedule.done(host_of(url), self.max_backoff)
                return self._failed(answer, "rate_limited" if answer.status == 429 else f"http_{answer.status}",
                                    f"Retry-After of {wait:.0f} s is beyond collect_max_backoff_seconds")
            wait = min(wait, self.max_backoff)
            self.schedule.done(host_of(url), wait)
            if attempt > self.max_retries:
                if answer.error is None:
                    kind = "rate_limited" if answer.status == 429 else f"http_{answer.status}"
                    return self._failed(answer, kind, f"still {answer.status} after {attempt} attempts")
                return answer

    def get_once(self, url: str, max_bytes: int, conditional: dict[str, str], *, any_type: bool = False) -> Fetched:
        """One GET, after waiting for the host's turn; the host's next turn is set when it ends."""
        host = host_of(url)
        self.schedule.wait(host)
        answer = Fetched(url=url, final_url=url)
        self.requests += 1
        try:
            request = self._client.build_request("GET", url, headers=conditional)
            answer.request_headers = list(request.headers.items())
            answer.fetched_at = datetime.now(UTC)
            response = self._client.send(request, stream=True)
            try:
                self._read(response, answer, max_bytes, any_type)
            finally:
                response.close()
        except httpx.TimeoutException as exc:
            self._failed(answer, "timeout", type(exc).__name__)
        except (httpx.TransportError, httpx.DecodingError) as exc:
            self._failed(answer, "connection", f"{type(exc).__name__}: {str(exc)[:150]}")
        finally:
            self.schedule.done(host)
        return answer

    def _read(self, response: httpx.Response, answer: Fetched, max_bytes: int, any_type: bool) -> None:
        answer.status = response.status_code
        answer.reason = response.reason_phrase
        answer.http_version = response.http_version
        answer.headers = list(response.headers.multi_items())
        if response.status_code != 200:
            # error bodies, redirects and 304s are not kept; they are counted
            return
        media_type = (response.headers.get("Content-Type") or "text/html").split(";")[0].strip().lower()
        if media_type not in PAGE_TYPES and not any_type:
            self._failed(answer, "not_a_page", f"answer is {media_type[:80]}, not a page (left unread)")
            return
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            self._failed(answer, "too_large", f"{declared} bytes declared, more than {max_bytes} (left unread)")
            return
        raw = bytearray()
        for chunk in response.iter_raw(_CHUNK):
            raw.extend(chunk)
            if len(raw) > max_bytes:
                self._failed(answer, "too_large", f"more than {max_bytes} bytes (stopped reading)")
                return
        answer.raw_body = bytes(raw)
        encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
        decoded = _decode(answer.raw_body, encoding, max_bytes)
        if decoded is None:
            self._failed(answer, "undecodable", f"Content-Encoding {encoding[:40]} unreadable or over {max_bytes} bytes")
            return
        answer.body = decoded


def _decode(raw: bytes, encoding: str, max_bytes: int) -> bytes | None:
    """``raw`` decoded from gzip or deflate, at most ``max_bytes`` (a compression bomb stops there)."""
    if encoding in ("identity", ""):
        return raw
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return None
    try:
        # 47: gzip or zlib header detected; deflate without header is tried next
        inflater = zlib.decompressobj(47)
        out = inflater.decompress(raw, max_bytes + 1)
    except zlib.error:
        try:
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            out = inflater.decompress(raw, max_bytes + 1)
        except zlib.error:
            return None
    if len(out) > max_bytes:
        return None
    return out

"""A local test site on 127.0.0.1 for the crawler: listings and ads in several languages, a
robots.txt forbidding part of it, a 429 with Retry-After, 500s, a redirect loop, malformed
HTML, a 20 MB page, ETags, an image, and an RSS feed. Every request is logged with its time.
"""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from vigil.settings import Settings, load_settings

BIG_PAGE_BYTES = 20 * 1024 * 1024

ADS = {
    "/ad/1": ("uk", "Робота в Польщі для жінок", "Терміново потрібні дівчата 18-25 років, житло надаємо, документи оформимо. Пишіть у телеграм @robota_pl_test", "Kyiv"),
    "/ad/2": ("pl", "Praca w Niemczech", "Praca od zaraz, bez doświadczenia, zakwaterowanie zapewnione. Zadzwoń +48 501 234 000", "Warszawa"),
    "/ad/3": ("en", "Models wanted abroad", "Young girls wanted for hostess work abroad, travel paid, high salary, no experience needed.", "London"),
    "/ad/4": ("ru", "Работа за границей", "Требуются девушки, высокая зарплата, проезд и жильё за счёт работодателя.", "Odesa"),
    "/ad/flaky": ("de", "Arbeit in Berlin", "Reinigungskräfte gesucht, Unterkunft wird gestellt, sofort verfügbar.", "Berlin"),
}


def ad_page(lang: str, title: str, text: str, location: str, contact: str = "") -> bytes:
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title} | Board</title></head>'
        f'<body><nav>Home | Listings</nav><article><h1 class="title">{title}</h1>'
        f'<time datetime="2024-05-01T10:00:00Z">1 May</time><span class="loc">{location}</span>'
        f'<div class="body"><p>{text}</p></div><p class="contact">{contact}</p>'
        f'<img src="/img/{abs(hash(title)) % 1000}.jpg"></article><footer>generated {time.time()}</footer></body></html>'
    ).encode()


LISTING_1 = b"""<html><body><h1>Listings</h1>
<a href="/ad/1">one</a> <a href="/ad/2">two</a> <a href="/ad/3?b=2&a=1">three</a> <a href="/ad/3?a=1&b=2">three again</a>
<a href="/private/ad/9">forbidden</a> <a href="/img/photo.jpg">a photo</a> <a href="https://elsewhere.example/ad/77">off site</a>
<a class="next" href="/list/2">next</a></body></html>"""

LISTING_2 = b"""<html><body><a href="/ad/4">four</a> <a href="/ad/flaky">flaky</a> <a href="/ad/broken">broken</a>
<a href="/ad/loop">loop</a> <a href="/ad/big">big</a> <a href="/ad/malformed">malformed</a> <a href="/ad/moved">moved</a>
<a href="/private/list/3">private listing</a></body></html>"""

MALFORMED = "<html><body><div class=body><p>Szukamy opiekunek <b>do Włoch<p>mieszkanie <i>zapewnione</div></span></table>wysokie zarobki".encode()

FEED = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Jobs</title>
<item><guid>job-1</guid><title>Sezonowa praca</title><link>/jobs/1</link><description>&lt;p&gt;Praca przy zbiorach, wyjazd jutro, bez umowy.&lt;/p&gt;</description><pubDate>Wed, 01 May 2024 10:00:00 GMT</pubDate></item>
<item><guid>job-2</guid><title>Nanny abroad</title><link>/jobs/2</link><description>Nanny wanted, passport kept by agency for safety.</description></item>
</channel></rss>"""

ROBOTS = b"User-agent: *\nDisallow: /private/\n"


@dataclass
class LocalSite:
    """The site's content (changeable between runs) and its request log."""

    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    log: list[tuple[float, str, dict[str, str]]] = field(default_factory=list)
    flaky_left: int = 1
    retry_after: str = "1"
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def paths(self) -> list[str]:
        return [path for _, path, _ in self.log]

    def edit(self, path: str, text: str) -> None:
        lang, title, _old, location = ADS[path]
        self.pages[path] = ("text/html; charset=utf-8", ad_page(lang, title, text, location))


def _site_pages() -> dict[str, tuple[str, bytes]]:
    html = "text/html; charset=utf-8"
    pages = {path: (html, ad_page(*values)) for path, values in ADS.items()}
    pages.update({
        "/robots.txt": ("text/plain", ROBOTS),
        "/list/1": (html, LISTING_1),
        "/list/2": (html, LISTING_2),
        "/ad/malformed": (html, MALFORMED),
        "/private/ad/9": (html, ad_page("en", "secret", "must never be fetched", "x")),
        "/private/list/3": (html, LISTING_1),
        "/feed.xml": ("application/rss+xml", FEED),
    })
    return pages


def make_handler(site: LocalSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return None

        def setup(self) -> None:
            super().setup()
            # headers and body are two writes; without TCP_NODELAY each response waits for a delayed ACK
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            path = self.path
            with site.lock:
                site.log.append((time.monotonic(), path, {k.lower(): v for k, v in self.headers.items()}))
            if path == "/ad/big":
                return self._big()
            if path in ("/ad/loop", "/loop/a", "/loop/b"):
                return self._send(302, b"", "text/html", {"Location": "/loop/b" if path == "/loop/a" else "/loop/a"})
            if path == "/ad/moved":
                return self._send(301, b"", "text/html", {"Location": "/ad/2"})
            if path == "/ad/broken":
                return self._send(500, b"oops", "text/plain")
            if path == "/ad/flaky" and site.flaky_left > 0:
                site.flaky_left -= 1
                return self._send(429, b"slow down", "text/plain", {"Retry-After": site.retry_after})
            if path.startswith("/img/"):
                return self._send(200, b"\x89PNG fake", "image/png")
            found = site.pages.get(path.split("?")[0])
            if found is None:
                return self._send(404, b"not here", "text/plain")
            media_type, body = found
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if path.startswith("/ad/") and self.headers.get("If-None-Match") == etag:
                return self._send(304, b"", media_type, {"ETag": etag})
            self._send(200, body, media_type, {"ETag": etag} if path.startswith("/ad/") else {})

        def _send(self, status: int, body: bytes, media_type: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if body:
                self.wfile.write(body)

        def _big(self) -> None:
            # no Content-Length: the crawler must stop reading by itself
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            chunk = b"<p>" + b"x" * 65_530 + b"</p>"
            try:
                for _ in range(BIG_PAGE_BYTES // len(chunk) + 1):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # the crawler hangs up on the 20 MB page on purpose
        return None


def serve_site() -> Iterator[LocalSite]:
    state = LocalSite(pages=_site_pages())
    server = _QuietServer(("127.0.0.1", 0), make_handler(state))
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


PROFILE = """\
name: test-board
platform: Test Board
kind: job_ad
start_urls: ["{base}/list/1"]
feeds: ["{base}/feed.xml"]
links:
  listing: ["/list/\\\\d+$"]
  ad: ["/ad/"]
  next_page: "a.next::attr(href)"
fields:
  title: "h1.title::text"
  text: "div.body"
  posted_at: "time::attr(datetime)"
  location: ".loc::text"
  contacts: ".contact::text"
delay_seconds: {delay}
backoff_seconds: 0.1
max_retries: 2
"""


def settings_for(tmp_path: Path) -> Settings:
    return load_settings(
        data_dir=tmp_path / "vigil-data", database_url="", collect_contact="collect-tests@vigil.invalid",
        collect_profiles_dir=tmp_path / "profiles",
    )


def write_profile(settings: Settings, site: LocalSite, delay: float = 0.0) -> Path:
    folder = settings.resolved_collect_profiles_dir
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "test-board.yaml"
    path.write_text(PROFILE.format(base=f"http://127.0.0.1:{site.port}", delay=delay), encoding="utf-8")
    return path

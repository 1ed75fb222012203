"""Crawler throughput on a local site at zero delay: pages per second, against the floor of bare fetching.

Serves N synthetic ad pages (and listings linking them) from a threaded http.server on
127.0.0.1, collects them with ``vigil.collect`` into a fresh SQLite store (robots.txt,
WARC evidence, versions and all), then fetches the same pages with a bare httpx loop
and reports both rates and their ratio. Run: ``.venv/bin/python bench/collect.py [N]``.
"""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from vigil.collect.crawl import collect_profile
from vigil.collect.profiles import parse_profile
from vigil.settings import load_settings
from vigil.store import Store

PER_LISTING = 50


def _pages(count: int) -> dict[str, bytes]:
    pages = {"/robots.txt": b"User-agent: *\nDisallow: /private/\n"}
    listings = (count + PER_LISTING - 1) // PER_LISTING
    for page in range(listings):
        links = "".join(f'<a href="/ad/{i}">ad {i}</a>' for i in range(page * PER_LISTING, min(count, (page + 1) * PER_LISTING)))
        following = f'<a class="next" href="/list/{page + 1}">next</a>' if page + 1 < listings else ""
        pages[f"/list/{page}"] = f"<html><body>{links}{following}</body></html>".encode()
    for i in range(count):
        pages[f"/ad/{i}"] = (
            f'<html><body><h1 class="title">Praca nr {i}</h1><div class="body"><p>Synthetic job ad {i}: '
            f"work abroad, housing provided, call +48 501 234 {i % 1000:03d}.</p>" + "<p>filler text</p>" * 40 + "</div></body></html>"
        ).encode()
    return pages


def _serve(pages: dict[str, bytes]) -> tuple[ThreadingHTTPServer, int]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return None

        def setup(self) -> None:
            super().setup()
            # headers and body are two writes; without TCP_NODELAY each response waits for a delayed ACK
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            body = pages.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8" if self.path != "/robots.txt" else "text/plain")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def main(count: int) -> None:
    pages = _pages(count)
    server, port = _serve(pages)
    base = f"http://127.0.0.1:{port}"
    profile = parse_profile(
        f"name: bench\nplatform: Bench\nkind: job_ad\nstart_urls: ['{base}/list/0']\n"
        "links: {listing: ['/list/\\d+$'], ad: ['/ad/\\d+$'], next_page: 'a.next::attr(href)'}\n"
        "fields: {title: 'h1.title::text', text: 'div.body'}\ndelay_seconds: 0\nmax_pages: 1000000\n",
        "bench.yaml",
    )
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp), database_url="", collect_contact="bench@vigil.invalid")
        with Store.open(settings) as store:
            started = time.perf_counter()
            summary = collect_profile(store, settings, profile)
            crawl = time.perf_counter() - started
    started = time.perf_counter()
    with httpx.Client() as client:
        for path in pages:
            client.get(base + path).raise_for_status()
    floor = time.perf_counter() - started
    server.shutdown()
    print(f"pages fetched {summary.pages}, documents new {summary.documents['new']}, errors {sum(summary.errors.values())}")
    print(f"vigil collect: {summary.pages / crawl:.0f} pages/s ({crawl:.2f} s)")
    print(f"bare httpx GET loop: {len(pages) / floor:.0f} pages/s ({floor:.2f} s)")
    print(f"ratio to the floor: {(summary.pages / crawl) / (len(pages) / floor):.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)

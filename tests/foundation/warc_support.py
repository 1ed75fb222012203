"""Synthetic WARC files for the ingest tests: one gzip member per record, as crawlers write them."""

from __future__ import annotations

import gzip

PAGE = (
    "<html><head><title>Praca w Polsce</title></head><body><nav>Menu Start Kontakt</nav>"
    "<article><h1>Praca w Polsce</h1><p>Szukamy pracowników do magazynu w Warszawie. "
    "Mieszkanie za darmo, wypłata co tydzień, bez doświadczenia. Pisz na Telegram.</p>"
    "<p>Wyjazd jutro, dokumenty załatwiamy my, zaliczka 150 euro.</p></article></body></html>"
).encode()


def http_block(body: bytes, content_type: str = "text/html; charset=utf-8") -> bytes:
    return f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body


def warc_record(block: bytes, uri: str | None, number: int, rec_type: str = "response") -> bytes:
    headers = [
        "WARC/1.0",
        f"WARC-Type: {rec_type}",
        f"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{number:012d}>",
        "WARC-Date: 2024-03-01T10:00:00Z",
    ]
    if uri is not None:
        headers.append(f"WARC-Target-URI: {uri}")
    headers += ["Content-Type: application/http; msgtype=response", f"Content-Length: {len(block)}"]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def pages(count: int) -> list[bytes]:
    return [warc_record(http_block(PAGE), f"https://jobs.example/{i}", i) for i in range(count)]


def gzipped(records: list[bytes]) -> bytes:
    # one gzip member per record, as crawlers write them
    return b"".join(gzip.compress(record, mtime=0) for record in records)

"""Evidence of a fetch: the request and the response as WARC records, stored under their SHA-256.

Each fetched page becomes one small WARC file (a ``request`` record, then a ``response``
record holding the HTTP headers and the body exactly as the site sent them, compressed or
not) in the content-addressed evidence store. The response record carries the body's
SHA-256 as ``WARC-Payload-Digest``; the evidence row carries the SHA-256 of the whole file,
so a case can show exactly what was online, where and when. ``vigil ingest`` reads these
files back like any other WARC.
"""

from __future__ import annotations

import hashlib
import io
from typing import Final

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from vigil.collect.fetch import Fetched

MEDIA_TYPE: Final = "application/warc"
#: Hop-by-hop framing the HTTP client already undid; the WARC states the body's real length.
_FRAMING: Final = frozenset({"transfer-encoding", "content-length"})


def warc_of(fetched: Fetched) -> bytes:
    """A WARC file with the request and response records of ``fetched`` (a 200 answer)."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    url = fetched.final_url
    date = fetched.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    target = url.split("://", 1)[-1]
    path = "/" + target.split("/", 1)[1] if "/" in target else "/"
    request_headers = StatusAndHeaders(f"GET {path} HTTP/1.1", fetched.request_headers, is_http_request=True)
    request = writer.create_warc_record(
        url, "request", http_headers=request_headers, warc_headers_dict={"WARC-Date": date}
    )
    headers = [(k, v) for k, v in fetched.headers if k.lower() not in _FRAMING]
    headers.append(("Content-Length", str(len(fetched.raw_body))))
    response_headers = StatusAndHeaders(
        f"{fetched.status} {fetched.reason}".strip(), headers, protocol=fetched.http_version or "HTTP/1.1"
    )
    payload_digest = "sha256:" + hashlib.sha256(fetched.raw_body).hexdigest()
    warc_headers = {"WARC-Date": date, "WARC-Payload-Digest": payload_digest}
    if fetched.redirects:
        warc_headers["WARC-Vigil-Requested-URI"] = fetched.url
    response = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(fetched.raw_body),
        length=len(fetched.raw_body),
        http_headers=response_headers,
        warc_headers_dict=warc_headers,
    )
    request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
    writer.write_record(request)
    writer.write_record(response)
    return buffer.getvalue()

"""A real HTTP server on 127.0.0.1 that records webhook deliveries (no mocks), for trends and watches."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


class Receiver(BaseHTTPRequestHandler):
    """Answers 503 to the first ``server.fail_first`` POSTs, then 204, keeping each JSON body."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        server: Any = self.server
        with server.lock:
            server.calls += 1
            failing = server.calls <= server.fail_first
            if not failing:
                server.received.append(json.loads(body))
        self.send_response(503 if failing else 204)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        return


@pytest.fixture
def receiver() -> Iterator[Any]:
    """A real HTTP server on 127.0.0.1 that records webhook deliveries."""
    server: Any = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.received, server.calls, server.fail_first, server.lock = [], 0, 0, threading.Lock()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)

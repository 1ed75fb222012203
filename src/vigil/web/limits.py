"""Request body size limits, enforced before a route, its authentication or its body parser runs.

FastAPI reads and parses a request's body before it resolves the route's dependencies, so
without a limit here an anonymous client could make the app hold any amount of memory
before being told it is not logged in. :class:`BodySizeLimitMiddleware` answers 413 from
the ``Content-Length`` header alone, without reading a byte of the body; a body sent
without a length (chunked) is counted as it streams in and cut off at the limit.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vigil.web.errors import error_response

TOO_LARGE = 413
TOO_LARGE_CODE = "too_large"


def too_large_message(limit: int) -> str:
    return f"the request body is larger than the {limit} bytes this address accepts"


class BodyTooLarge(HTTPException):
    """Raised from the body stream when a body without a declared length passes the limit.

    An ``HTTPException`` because FastAPI passes those through its body parser unchanged, so
    the app's error handler renders it in the one error shape.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=TOO_LARGE, detail=too_large_message(limit))
        self.limit = limit


def declared_length(scope: Scope) -> int | None:
    """The request's ``Content-Length``, or None when absent or not a number."""
    value = Headers(scope=scope).get("content-length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


class BodySizeLimitMiddleware:
    """Refuse request bodies over ``default_limit`` bytes, or over the limit named for the path.

    ``route_limits`` maps an exact path to its own limit (a batch endpoint needs more room
    than a form post). Pure ASGI: nothing of the body is buffered here.
    """

    def __init__(self, app: ASGIApp, default_limit: int, route_limits: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.default_limit = default_limit
        self.route_limits = dict(route_limits or {})

    def limit_for(self, path: str) -> int:
        return self.route_limits.get(path, self.default_limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(str(scope.get("path", "")))
        length = declared_length(scope)
        if length is not None and length > limit:
            await self._refuse(scope, receive, send, limit)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            # Normally the app's error handler has answered already; this catches a body read
            # outside a route (a middleware), where no handler stands between it and us.
            if started:
                raise
            await self._refuse(scope, receive, send, limit)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = error_response(
            Request(scope, receive), TOO_LARGE, TOO_LARGE_CODE, too_large_message(limit), {"Connection": "close"}
        )
        await response(scope, receive, send)

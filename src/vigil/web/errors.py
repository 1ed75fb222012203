"""One error shape for the API, error pages for the browser, and the outermost guard.

Every ``/api`` error is ``{"error": {"code", "message", "correlation_id"}}``. An unexpected
exception is logged with its correlation id and answered with that id only, never with
internal text. The guard also stamps the security headers on every response, errors included.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, MutableMapping
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vigil.errors import AuthError, PermissionDenied, VigilError
from vigil.log import get_logger

log = get_logger(__name__)
traceback_log = logging.getLogger("vigil.web")

CORRELATION_HEADER = "X-Correlation-ID"
API_PREFIX = "/api/"
STATIC_PREFIX = "/static/"

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

#: Codes for HTTP errors raised by the framework itself (unknown path, wrong method...).
HTTP_CODES: dict[int, str] = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
}

#: Renders an HTML error page; installed by the app so this module needs no templates.
HtmlRenderer = Callable[[Request, int, str, str], Response]


def correlation_id(request: Request) -> str:
    found = request.scope.get("state", {}).get("correlation_id")
    return found if isinstance(found, str) else "-"


def wants_json(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX) or request.url.path == "/api"


def error_body(code: str, message: str, correlation: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "correlation_id": correlation}}


def _html(request: Request, status: int, code: str, message: str) -> Response:
    render: HtmlRenderer | None = getattr(request.app.state, "render_error", None)
    if render is None:
        return Response(f"{status} {message}", status_code=status, media_type="text/plain")
    return render(request, status, code, message)


def error_response(request: Request, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    if wants_json(request):
        return JSONResponse(error_body(code, message, correlation_id(request)), status_code=status, headers=headers)
    response = _html(request, status, code, message)
    if headers:
        response.headers.update(headers)
    return response


async def vigil_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, VigilError)
    if isinstance(exc, AuthError) and not isinstance(exc, PermissionDenied) and not wants_json(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        login_url = f"/login?next={quote(target, safe='')}"
        if request.headers.get("hx-request"):
            # An HTMX fragment request: have the whole page go to the login form, not the fragment.
            return Response(status_code=401, headers={"HX-Redirect": login_url})
        return RedirectResponse(login_url, status_code=303)
    if exc.http_status >= 500:
        log.error("request failed", code=exc.code, correlation_id=correlation_id(request), error=str(exc))
        return error_response(request, exc.http_status, exc.code, "the server could not complete this request")
    headers = {}
    retry_after = exc.details.get("retry_after")
    if isinstance(retry_after, int):
        headers["Retry-After"] = str(retry_after)
    return error_response(request, exc.http_status, exc.code, exc.message or exc.code, headers or None)


async def validation_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for error in exc.errors()[:10]:
        where = ".".join(str(part) for part in error.get("loc", ()))
        problems.append(f"{where}: {error.get('msg', 'invalid')}")
    return error_response(request, 422, "invalid_input", "; ".join(problems) or "invalid input")


async def http_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    detail = exc.detail if isinstance(exc.detail, str) else code
    return error_response(request, exc.status_code, code, detail, dict(exc.headers) if exc.headers else None)


async def overflow_handler(request: Request, exc: Exception) -> Response:
    # A number past 64 bits reaches the database driver as an OverflowError; no row has such an id.
    return error_response(request, 422, "invalid_input", "a number in the request is out of range")


#: Sent when cookies are Secure, i.e. the app is meant to be reached over HTTPS; browsers
#: ignore it on plain HTTP, so a local demo is not affected.
HSTS = "max-age=31536000"


def install_error_handlers(app: FastAPI, *, https: bool = False) -> None:
    app.add_exception_handler(VigilError, vigil_error_handler)
    app.add_exception_handler(OverflowError, overflow_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_middleware(GuardMiddleware, https=https)


class GuardMiddleware:
    """Outermost layer: correlation id, security headers, and the last word on unexpected errors."""

    def __init__(self, app: ASGIApp, https: bool = False) -> None:
        self.app = app
        self.extra = {"Strict-Transport-Security": HSTS} if https else {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        correlation = uuid.uuid4().hex
        scope.setdefault("state", {})["correlation_id"] = correlation
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                _add_headers(message, correlation, str(scope.get("path", "")), self.extra)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # Plain logging for the traceback: cheap to format, and it carries the id the client got.
            traceback_log.exception("unhandled error %s on %s", correlation, scope.get("path"))
            if started:
                raise
            request = Request(scope)
            response = error_response(
                request, 500, "internal_error", f"internal error; quote reference {correlation}"
            )
            await response(scope, receive, send_with_headers)


def _add_headers(message: MutableMapping[str, Any], correlation: str, path: str, extra: dict[str, str]) -> None:
    headers = list(message.get("headers", []))
    present = {name.lower() for name, _value in headers}
    for name, value in {**SECURITY_HEADERS, **extra}.items():
        if name.lower().encode() not in present:
            headers.append((name.lower().encode(), value.encode()))
    if b"cache-control" not in present and not path.startswith(STATIC_PREFIX):
        # Pages and API answers carry personal data: no shared or browser cache keeps them.
        headers.append((b"cache-control", b"no-store"))
    headers.append((CORRELATION_HEADER.lower().encode(), correlation.encode()))
    message["headers"] = headers


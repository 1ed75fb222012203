"""The web app factory: :func:`create_app` builds the analyst app and its JSON API.

Route modules are listed in :data:`ROUTER_MODULES`; each exposes ``router`` (an
``APIRouter`` whose routes all declare a permission or ``public()``) and may expose
``nav`` (menu entries). Templates of every module share :data:`templates`, whose loader
takes more directories through :func:`add_template_dir`.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi import Path as FastApiPath
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vigil.errors import VigilError
from vigil.log import get_logger
from vigil.settings import Settings
from vigil.store import Store
from vigil.urls import is_web_url
from vigil.web import auth, i18n, security
from vigil.web.errors import correlation_id, install_error_handlers
from vigil.web.limits import BodySizeLimitMiddleware
from vigil.web.permissions import CSRF_FIELD, CSRF_HEADER, current_principal, public
from vigil.web.throttle import LoginThrottle

log = get_logger(__name__)

WEB_DIR = Path(__file__).parent
TEMPLATE_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
API_PREFIX = "/api/v1"
OPENAPI_PATH = f"{API_PREFIX}/openapi.json"

#: Modules whose ``router`` the app includes, in order. Optional modules (another package
#: that may be absent) are skipped when they cannot be imported.
ROUTER_MODULES: tuple[str, ...] = (
    "vigil.web.account",
    "vigil.web.admin",
    "vigil.web.pages.dashboard",
    "vigil.web.pages.documents",
    "vigil.web.pages.identifiers",
    "vigil.web.pages.networks",
    "vigil.web.pages.trends",
    "vigil.web.pages.platforms",
    "vigil.web.pages.watch",
    "vigil.web.pages.reviews",
    "vigil.web.pages.cases",
    "vigil.web.pages.reports_triage",
    "vigil.web.pages.reports",
    "vigil.web.pages.safeguard",
    "vigil.web.pages.partners",
    "vigil.web.pages.api_docs",
)
OPTIONAL_ROUTER_MODULES: frozenset[str] = frozenset()


#: Largest id a database row can have: primary keys are INTEGER on every backend (int4 on
#: PostgreSQL); bound integer path parameters with it, so a larger one is a 422.
MAX_ROW_ID = 2**31 - 1
#: An integer row id in a path: ``def view(pk: RowId)``; larger numbers are a 422, not a driver error.
RowId = Annotated[int, FastApiPath(ge=1, le=MAX_ROW_ID)]


@dataclass(frozen=True)
class NavItem:
    """A menu entry; shown only to principals holding ``permission``. ``label`` is an English msgid."""

    path: str
    label: str
    permission: str
    order: int = 100


_loaders: list[BaseLoader] = [FileSystemLoader(str(TEMPLATE_DIR))]
_loader = ChoiceLoader(_loaders)
_environment = Environment(loader=_loader, autoescape=select_autoescape(default=True), enable_async=False)


def web_link(url: object, text: object = None) -> Markup:
    """Template filter ``{{ ad.url | web_link }}``: a link for an http(s) URL, plain text for anything else.

    Ad and campaign URLs come from outside; a ``javascript:`` URL must never become a link.
    """
    shown = str(url or "") if text is None else str(text)
    if is_web_url(url):
        return Markup('<a href="{}" rel="noopener noreferrer nofollow">{}</a>').format(url, shown)
    return Markup('<span class="url">{}</span>').format(shown)


_environment.filters["web_link"] = web_link


def add_template_dir(path: Path) -> None:
    """Let templates under ``path`` be found (after the ones already known)."""
    folder = str(path)
    if not any(isinstance(ld, FileSystemLoader) and folder in ld.searchpath for ld in _loaders):
        _loaders.append(FileSystemLoader(folder))


def _page_context(request: Request) -> dict[str, Any]:
    """Per-request names every template sees: language, principal, CSRF token, menu."""
    localizer = i18n.localizer(request)
    principal = current_principal(request)

    def can(permission: str) -> bool:
        return principal is not None and principal.can(permission)

    return {
        **localizer.template_globals(),
        "principal": principal,
        "can": can,
        "csrf_token": principal.csrf_token if principal and principal.csrf_token else "",
        "csrf_field": CSRF_FIELD,
        "csrf_header": CSRF_HEADER,
        "nav_items": [item for item in getattr(request.app.state, "nav", ()) if can(item.permission)],
        "languages": [(code, i18n.language_name(code), _with_language(request, code)) for code in i18n.supported_languages()],
        "current_path": request.url.path,
    }


def _with_language(request: Request, lang: str) -> str:
    """This page's path and query with ``lang`` set: switching language keeps the page and its filters."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != i18n.LANGUAGE_PARAM]
    return f"{request.url.path}?{urlencode([*params, (i18n.LANGUAGE_PARAM, lang)])}"


#: The shared templates; render pages with :func:`render`, which adds the per-request context.
templates = Jinja2Templates(env=_environment)


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    """Render a template with the per-request names (language, principal, CSRF token, menu); ``context`` wins."""
    return templates.TemplateResponse(request, name, {**_page_context(request), **(context or {})}, status_code=status_code)


def _render_error(request: Request, status: int, code: str, message: str) -> Response:
    context = {"status": status, "code": code, "message": message, "correlation_id": correlation_id(request)}
    return render(request, "error.html", context, status_code=status)


class LanguageCookieMiddleware:
    """Remember a ``?lang=`` choice in a cookie so the next pages keep the language."""

    def __init__(self, app: ASGIApp, secure: bool) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        lang = i18n.requested_language(Request(scope))
        if lang is None:
            await self.app(scope, receive, send)
            return
        cookie = f"{i18n.LANGUAGE_COOKIE}={lang}; Path=/; Max-Age=31536000; SameSite=Lax"
        if self.secure:
            cookie += "; Secure"

        async def send_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie.encode())]
            await send(message)

        await self.app(scope, receive, send_cookie)


def _import_router_module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        if name in OPTIONAL_ROUTER_MODULES and exc.name is not None and name.startswith(exc.name):
            log.info("optional routes not available", module=name)
            return None
        raise


def openapi_with_security(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, saying how machine clients authenticate (an API key, two ways)."""
    document = app.openapi()
    schemes = document.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes["apiKeyHeader"] = {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    schemes["bearer"] = {"type": "http", "scheme": "bearer", "description": "An API key as a bearer token."}
    document["security"] = [{"apiKeyHeader": []}, {"bearer": []}]
    return document


def _openapi_router(app: FastAPI) -> APIRouter:
    router = APIRouter()

    @router.get(OPENAPI_PATH, include_in_schema=False, dependencies=[Depends(public())])
    def openapi_document() -> JSONResponse:
        return JSONResponse(openapi_with_security(app))

    return router


#: Path of the query-check batch, whose body may be larger than a form's.
QUERY_CHECK_PATH = f"{API_PREFIX}/query-check"


def body_limits(settings: Settings) -> dict[str, int]:
    """Paths whose request bodies may exceed ``settings.max_body_bytes``, with their own limit."""
    return {QUERY_CHECK_PATH: settings.max_query_check_body_bytes}


#: A route module may define ``configure_app(app)`` to set up its state (template folders,
#: menu entries in ``app.state.nav``); it is called once, after its router is included.
#: It may define ``warm_up(app)`` too: loading what its first request would otherwise pay
#: for (tables, models, a first computation), run by :func:`warm_up` as the app starts.
AppHook = Callable[[FastAPI], None]


#: A path no route serves: matching it walks every route (see :func:`build_routes`).
_UNSERVED_PATH = "/\x00warm-up"


def build_routes(app: FastAPI) -> None:
    """Have FastAPI build every route's parameter and body models now.

    It builds a route's models when a request first reaches it, and a request is matched
    against every route listed before its own: the first request to a late route (the
    query check) paid a third of a second for all of them. Matching a path that no route
    serves walks them all.
    """
    scope: Scope = {"type": "http", "method": "GET", "path": _UNSERVED_PATH, "root_path": "", "headers": [],
                    "query_string": b""}
    for route in app.router.routes:
        route.matches(scope)


def warm_up(app: FastAPI) -> dict[str, float]:
    """Run every route module's ``warm_up(app)``, in :data:`ROUTER_MODULES` order; each one's seconds.

    Kept in ``app.state.warmed``. A warm-up that cannot load its data (a data file or
    package missing, the store unreadable) is logged and skipped: start-up goes on, and the
    route loads on first use and reports the error there, as it would without a warm-up.
    """
    done: dict[str, float] = {}
    for name, hook in app.state.warm_ups:
        started = time.perf_counter()
        try:
            hook(app)
        except (VigilError, OSError, ImportError) as exc:
            log.warning("warm-up skipped; loaded on first use instead", module=name, error=type(exc).__name__)
            continue
        done[name] = round(time.perf_counter() - started, 3)
    app.state.warmed = done
    log.info("warmed up", seconds=done)
    return done


def create_app(settings: Settings, *, store: Store | None = None) -> FastAPI:
    """The analyst app on ``settings``: opens (or uses) the store and mounts every route module."""
    owned_store = store is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(warm_up, app)
        yield
        if owned_store:
            app.state.store.close()

    app = FastAPI(
        lifespan=lifespan,
        title="Vigil",
        summary="Leads on human-trafficking risk online, for analysts; every score is a lead for a person to review.",
        version="1",
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store if store is not None else Store.open(settings)
    key = security.load_secret_key(settings.resolved_secret_key_file)
    app.state.session_signer = security.CookieSigner(key, salt="vigil.session")
    app.state.login_signer = security.CookieSigner(key, salt="vigil.login-form")
    app.state.login_throttle = LoginThrottle.from_settings(app.state.store, settings)
    app.state.authenticate = auth.authenticate
    app.state.render_error = _render_error
    nav: list[NavItem] = []
    app.state.nav = nav
    warm_ups: list[tuple[str, AppHook]] = [("routes", build_routes)]
    app.state.warm_ups = warm_ups

    app.include_router(_openapi_router(app))
    for name in ROUTER_MODULES + tuple(sorted(OPTIONAL_ROUTER_MODULES)):
        module = _import_router_module(name)
        if module is None:
            continue
        app.include_router(module.router)
        nav.extend(getattr(module, "nav", ()))
        hook: AppHook | None = getattr(module, "configure_app", None)
        if hook is not None:
            hook(app)
        warm: AppHook | None = getattr(module, "warm_up", None)
        if warm is not None:
            warm_ups.append((name, warm))
    nav.sort(key=lambda item: (item.order, item.path))
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.add_middleware(LanguageCookieMiddleware, secure=settings.cookie_secure)
    # Inside the guard (so a 413 carries the correlation id and security headers), outside
    # everything that could read a body.
    app.add_middleware(BodySizeLimitMiddleware, default_limit=settings.max_body_bytes, route_limits=body_limits(settings))
    install_error_handlers(app, https=settings.cookie_secure)
    return app

"""HTTP API and pages of the safeguarding side.

JSON routes under ``/api/v1`` for search providers and campaign partners (API key or
session, with the permissions ``query_check:use``, ``campaigns:read`` and
``campaigns:manage``), public help pages under ``/help``, and campaign pages for analysts.
Every route declares its permission; the decisions, campaigns and counters live in
:mod:`vigil.safeguard`, which knows nothing of the web app.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Final

from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, ConfigDict, Field

from vigil import safeguard as safeguard_package
from vigil.errors import AuthError, InputError, PayloadTooLarge
from vigil.safeguard import campaigns as campaign_store
from vigil.safeguard.campaigns import AUDIENCES, GENDERS, MatchRequest
from vigil.safeguard.counters import Counters, query_stats
from vigil.safeguard.decision import QueryChecker
from vigil.safeguard.messages import load_default_catalog
from vigil.store import Store
from vigil.web.app import NavItem, RowId, add_template_dir, render
from vigil.web.audit import change_recorder
from vigil.web.i18n import LANGUAGE_PARAM, N_, parse_accept_language
from vigil.web.permissions import current_principal, public, require

#: Largest batch of ``POST /api/v1/query-check``; more is answered with 413.
MAX_BATCH: Final = 1000
#: Longest single query accepted (search queries are short; this bounds the work).
MAX_QUERY_LENGTH: Final = 1000
#: The help pages and campaign pages are the safeguarding package's own templates.
TEMPLATE_DIR: Final = Path(safeguard_package.__file__).parent / "templates"

_help_env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=select_autoescape(default=True))
router = APIRouter()


class QueryItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(max_length=MAX_QUERY_LENGTH, description="The search query as typed.")
    prior_deterrence: bool = Field(
        False,
        description=(
            "True when the provider already showed a deterrence message in this session. "
            "Only counted in aggregate; no session identifier is sent or kept."
        ),
    )


class QueryCheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    queries: list[Annotated[str, Field(max_length=MAX_QUERY_LENGTH)] | QueryItem] = Field(
        description=f"Up to {MAX_BATCH} queries, as strings or objects."
    )
    country: str | None = Field(
        None, pattern="^[A-Za-z]{2}$", description="ISO 3166-1 country of the searcher, for local help lines."
    )


class CampaignCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    messages: dict[str, dict[str, str]] = Field(description="lang -> {title, body, url?}")
    languages: list[str] = []
    countries: list[str] = []
    genders: list[str] = Field([], description=f"any of {', '.join(GENDERS)}; empty means all")
    audiences: list[str] = Field([], description=f"any of {', '.join(AUDIENCES)}; empty means all")
    helplines: list[str] = Field([], description="ids of sourced help lines; empty means the standard set")
    age_min: int | None = Field(None, ge=0, le=120)
    age_max: int | None = Field(None, ge=0, le=120)
    minors_ok: bool = Field(False, description="Reviewed as appropriate for people under 18.")
    priority: int = 0
    starts_on: date | None = None
    ends_on: date | None = None
    active: bool = True


class CampaignEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lang: str = Field("en", min_length=2, max_length=8)


def _checker(request: Request) -> QueryChecker:
    checker = getattr(request.app.state, "safeguard_checker", None)
    if checker is None:
        checker = QueryChecker()
        request.app.state.safeguard_checker = checker
    return checker


def _counters(request: Request) -> Counters:
    counters = getattr(request.app.state, "safeguard_counters", None)
    if counters is None:
        counters = Counters(getattr(request.app.state, "store", None))
        request.app.state.safeguard_counters = counters
    return counters


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _recorder(request: Request) -> campaign_store.ChangeRecorder:
    """Audit a campaign change as made by the request's principal (resolved by the route's permission)."""
    principal = current_principal(request)
    if principal is None:  # the route's permission dependency has run; without a principal nothing may change
        raise AuthError("log in to change campaigns")
    return change_recorder(principal, "campaign", request)


def _schedule_flush(counters: Counters, tasks: BackgroundTasks) -> None:
    if counters.due():
        tasks.add_task(counters.flush)


def _check(
    request: Request, tasks: BackgroundTasks, items: list[QueryItem], country: str | None
) -> list[dict[str, Any]]:
    checker = _checker(request)
    counters = _counters(request)
    results = []
    for item in items:
        result = checker.check(item.query, country)
        counters.count_query(result["category"], result["lang"], item.prior_deterrence)
        results.append(result)
    _schedule_flush(counters, tasks)
    return results


def _event_route(event: str) -> Callable[..., dict[str, Any]]:
    def count_event(
        campaign_id: RowId,
        body: CampaignEvent,
        request: Request,
        tasks: BackgroundTasks,
    ) -> dict[str, Any]:
        campaign_store.get_campaign(_store(request), campaign_id)
        counters = _counters(request)
        counters.count_campaign(campaign_id, body.lang, event)
        _schedule_flush(counters, tasks)
        return {"counted": event, "campaign_id": campaign_id}

    count_event.__name__ = f"count_campaign_{event}"
    return count_event


@router.post(
    "/api/v1/query-check",
    tags=["safeguarding"],
    summary="Check a batch of search queries",
    dependencies=[Depends(require("query_check:use"))],
)
# Plain functions: the check is CPU work, run in the thread pool so it never holds the event loop.
def post_query_check(
    body: QueryCheckRequest,
    request: Request,
    tasks: BackgroundTasks,
) -> dict[str, Any]:
    """One result per query, in input order: ``{query, lang, category, action, message}``."""
    if len(body.queries) > MAX_BATCH:
        raise PayloadTooLarge(f"at most {MAX_BATCH} queries per request, got {len(body.queries)}")
    if not body.queries:
        raise InputError("'queries' is empty")
    items = [QueryItem(query=q) if isinstance(q, str) else q for q in body.queries]
    return {"results": _check(request, tasks, items, body.country)}


@router.get(
    "/api/v1/query-check",
    tags=["safeguarding"],
    summary="Check one search query",
    dependencies=[Depends(require("query_check:use"))],
)
def get_query_check(
    request: Request,
    tasks: BackgroundTasks,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_LENGTH, description="The query.")],
    country: Annotated[str | None, Query(pattern="^[A-Za-z]{2}$")] = None,
    prior_deterrence: bool = False,
) -> dict[str, Any]:
    return _check(request, tasks, [QueryItem(query=q, prior_deterrence=prior_deterrence)], country)[0]


@router.get(
    "/api/v1/safeguard/stats",
    tags=["safeguarding"],
    summary="Exploitation share and repeat rate",
    dependencies=[Depends(require("query_check:use"))],
)
def get_stats(
    request: Request,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> dict[str, Any]:
    _counters(request).flush()
    return query_stats(_store(request), days)


@router.get(
    "/api/v1/campaigns/match",
    tags=["campaigns"],
    summary="Best campaign message for a person",
    dependencies=[Depends(require("campaigns:read"))],
)
def get_match(
    request: Request,
    lang: Annotated[str | None, Query(max_length=8)] = None,
    country: Annotated[str | None, Query(pattern="^[A-Za-z]{2}$")] = None,
    age: Annotated[int | None, Query(ge=0, le=120)] = None,
    gender: Annotated[str | None, Query(pattern="^(f|m|x)$")] = None,
    audience: Annotated[str | None, Query(pattern=f"^({'|'.join(AUDIENCES)})$")] = None,
) -> dict[str, Any]:
    """Minors (age < 18) only get campaigns reviewed as age-appropriate; no campaign
    fits -> ``campaign: null`` and the standard safety message."""
    req = MatchRequest(lang=lang, country=country, age=age, gender=gender, audience=audience)
    return campaign_store.match(campaign_store.list_campaigns(_store(request)), req, load_default_catalog())


@router.get(
    "/api/v1/campaigns",
    tags=["campaigns"],
    summary="List campaigns",
    dependencies=[Depends(require("campaigns:read"))],
)
def get_campaigns(request: Request) -> dict[str, Any]:
    return {"campaigns": [_spec_json(spec) for spec in campaign_store.list_campaigns(_store(request))]}


@router.post(
    "/api/v1/campaigns",
    tags=["campaigns"],
    summary="Create a campaign",
    status_code=201,
    dependencies=[Depends(require("campaigns:manage"))],
)
def post_campaign(body: CampaignCreate, request: Request) -> dict[str, Any]:
    spec = campaign_store.create_campaign(
        _store(request), body.model_dump(), load_default_catalog(), audit=_recorder(request)
    )
    return _spec_json(spec)


@router.get(
    "/api/v1/campaigns/{campaign_id}",
    tags=["campaigns"],
    summary="A campaign and its daily counts",
    dependencies=[Depends(require("campaigns:read"))],
)
def get_campaign(campaign_id: RowId, request: Request) -> dict[str, Any]:
    _counters(request).flush()
    spec = campaign_store.get_campaign(_store(request), campaign_id)
    return {**_spec_json(spec), "counts": campaign_store.campaign_counts(_store(request), campaign_id)}


@router.post(
    "/api/v1/campaigns/{campaign_id}/active",
    tags=["campaigns"],
    summary="Start or stop a campaign",
    dependencies=[Depends(require("campaigns:manage"))],
)
def post_active(
    campaign_id: RowId,
    request: Request,
    active: Annotated[bool, Query()],
) -> dict[str, Any]:
    return _spec_json(campaign_store.set_active(_store(request), campaign_id, active, audit=_recorder(request)))


for event in ("displays", "clicks"):
    router.add_api_route(
        f"/api/v1/campaigns/{{campaign_id}}/{event}",
        _event_route(event),
        methods=["POST"],
        tags=["campaigns"],
        summary=f"Count one of a campaign's {event}",
        status_code=202,
        dependencies=[Depends(require("campaigns:read"))],
    )


def _help_language(candidate: str, languages: tuple[str, ...]) -> str | None:
    """The help page for one requested tag: the exact tag (``pt-br``), else its primary language (``pt``)."""
    tag = candidate.strip().lower().replace("_", "-")
    for code in (tag, tag.split("-")[0]):
        if code in languages:
            return code
    return None


def best_help_language(request: Request, languages: tuple[str, ...]) -> str | None:
    """``?lang=`` wins, then the best ``Accept-Language`` tag with a help page; None when nothing matches."""
    candidates = [request.query_params.get(LANGUAGE_PARAM) or ""]
    candidates += parse_accept_language(request.headers.get("accept-language", ""))
    for candidate in candidates:
        if (lang := _help_language(candidate, languages)) is not None:
            return lang
    return None


@router.get("/help", response_class=HTMLResponse, include_in_schema=False, dependencies=[Depends(public())])
def help_index(request: Request) -> Response:
    """Send the visitor to the help page in their language; list every language when none of theirs has one."""
    catalog = load_default_catalog()
    headers = {"Vary": "Accept-Language"}
    if (lang := best_help_language(request, catalog.help_languages)) is not None:
        return RedirectResponse(f"/help/{lang}", status_code=302, headers=headers)
    pages = [(lang, catalog.help_page(lang)["title"]) for lang in catalog.help_languages]
    return HTMLResponse(_help_env.get_template("help_index.html").render(pages=pages), headers=headers)


@router.get("/help/{lang}", response_class=HTMLResponse, include_in_schema=False, dependencies=[Depends(public())])
def help_page(lang: str) -> Response:
    catalog = load_default_catalog()
    page = catalog.help_page(lang)
    return HTMLResponse(_help_env.get_template("help.html").render(page=page, languages=catalog.help_languages))


@router.get(
    "/safeguard/campaigns",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(require("campaigns:read"))],
)
def campaigns_page(request: Request) -> Response:
    specs = campaign_store.list_campaigns(_store(request))
    return render(request, "safeguard_campaigns.html", {"campaigns": specs})


@router.get(
    "/safeguard/campaigns/{campaign_id}",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(require("campaigns:read"))],
)
def campaign_page(campaign_id: RowId, request: Request) -> Response:
    _counters(request).flush()
    spec = campaign_store.get_campaign(_store(request), campaign_id)
    counts = campaign_store.campaign_counts(_store(request), campaign_id)
    return render(request, "safeguard_campaign.html", {"campaign": spec, "counts": counts})


def _spec_json(spec: campaign_store.CampaignSpec) -> dict[str, Any]:
    return {
        "id": spec.id,
        "name": spec.name,
        "messages": dict(spec.messages),
        "languages": list(spec.languages),
        "countries": list(spec.countries),
        "genders": list(spec.genders),
        "audiences": list(spec.audiences),
        "helplines": list(spec.helplines),
        "age_min": spec.age_min,
        "age_max": spec.age_max,
        "minors_ok": spec.minors_ok,
        "priority": spec.priority,
        "starts_on": spec.starts_on.isoformat() if spec.starts_on else None,
        "ends_on": spec.ends_on.isoformat() if spec.ends_on else None,
        "active": spec.active,
    }


#: A query the start-up check runs once, so the classifier's first real query finds everything loaded.
WARM_UP_QUERY: Final = "work abroad"


def warm_up(app: FastAPI) -> None:
    """The classifier's language model loaded, and one query checked, as the app starts."""
    checker: QueryChecker = app.state.safeguard_checker
    checker.classifier.warm()
    checker.check(WARM_UP_QUERY)


def configure_app(app: FastAPI) -> None:
    """Called by the app factory: state for counting, and the analyst templates."""
    app.state.safeguard_checker = QueryChecker()
    app.state.safeguard_counters = Counters(app.state.store)
    add_template_dir(TEMPLATE_DIR)
    nav_item = NavItem("/safeguard/campaigns", N_("Campaigns"), "campaigns:read", order=600)
    if nav_item not in app.state.nav:
        app.state.nav.append(nav_item)

"""Trend pages: a chart per segment with its alert periods, the alert list, and the series as JSON or SVG."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from vigil.errors import NotFoundError
from vigil.store import Store
from vigil.web.app import NavItem, render
from vigil.web.i18n import N_
from vigil.web.pages.trends_data import SeriesCache, TrendSeries, chart_data, load_segmenter, newest_alerts
from vigil.web.permissions import Principal, require

router = APIRouter()
nav = (NavItem("/trends", N_("Trends"), "trends:read", order=400),)

SEGMENTS_LISTED = 60
ALERTS_LISTED = 50
Freq = Literal["W", "D"]
SEGMENT_PATTERN = r"^[^\x00-\x1f]*$"
Segment = Annotated[
    str | None,
    Query(max_length=200, pattern=SEGMENT_PATTERN, description="Segment name, e.g. indicator:upfront_fee or city:Warsaw"),
]


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _series_cache(app: FastAPI) -> SeriesCache:
    cache: SeriesCache | None = getattr(app.state, "trend_series", None)
    if cache is None:
        cache = SeriesCache()
        app.state.trend_series = cache
    return cache


async def _series(request: Request, freq: str) -> TrendSeries:
    return await run_in_threadpool(_series_cache(request.app).get, _store(request), freq)


def warm_up(app: FastAPI) -> None:
    """The segmenter loaded and the weekly series (the pages' default) counted as the app starts."""
    load_segmenter()
    _series_cache(app).get(app.state.store, "W")


@router.get("/trends", include_in_schema=False)
async def trends_page(
    request: Request,
    principal: Annotated[Principal, Depends(require("trends:read"))],
    segment: Segment = None,
    freq: Annotated[Freq, Query()] = "W",
) -> Response:
    series = await _series(request, freq)
    segments = series.segments()
    chosen = segment if segment in series.rows_by_segment else (segments[0][0] if segments else None)
    stored = newest_alerts(_store(request), ALERTS_LISTED, freq=freq) if principal.can("alerts:read") else []
    context = {
        "freq": freq,
        "segments": segments[:SEGMENTS_LISTED],
        "segment": chosen,
        "unknown_segment": segment if segment and segment != chosen else None,
        "chart": chart_data(series, chosen, stored) if chosen else None,
        "alerts": stored,
        "segment_alerts": [a for a in series.alerts if a["segment"] == chosen],
    }
    return render(request, "pages/trends.html", context)


@router.get("/trends/chart.svg", include_in_schema=False)
async def trend_chart_svg(
    request: Request,
    _principal: Annotated[Principal, Depends(require("trends:read"))],
    segment: Annotated[str, Query(max_length=200, pattern=SEGMENT_PATTERN)],
    freq: Annotated[Freq, Query()] = "W",
) -> Response:
    """One segment's chart as SVG (drawn by the trends module), for reports."""
    series = await _series(request, freq)
    rows = series.rows_by_segment.get(segment)
    if not rows:
        raise NotFoundError(f"no series for segment {segment}")
    from vigil.trends.chart import ChartSeries, render_chart  # matplotlib: only when a chart is asked for

    alerts = [a for a in series.alerts if a["segment"] == segment]
    svg = await run_in_threadpool(render_chart, ChartSeries.from_rows(rows), alerts)
    return Response(svg, media_type="image/svg+xml", headers={"Content-Disposition": 'attachment; filename="trend.svg"'})


class SeriesPoint(BaseModel):
    period_start: str
    count: float | None
    total: float
    share: float | None
    expected: float | None
    level: float | None
    change_point: bool
    alert: str | None = Field(description="'up' or 'down' when this period raised an alert.")


class SeriesOut(BaseModel):
    segment: str
    freq: str
    points: list[SeriesPoint]


class SegmentOut(BaseModel):
    segment: str
    documents: int
    alerts: int


class SegmentsOut(BaseModel):
    freq: str
    segments: list[SegmentOut]


class AlertOut(BaseModel):
    id: int
    segment: str
    freq: str
    period_start: str = Field(description="First day of the alert's period (the last of the periods summed).")
    observed: float = Field(description="Documents counted, summed over `periods` periods.")
    expected: float = Field(description="Documents expected, summed over the same `periods` periods.")
    ratio: float | None
    p_value: float
    q_value: float
    direction: str
    test: str
    periods: int = Field(
        description=(
            "How many periods `observed` and `expected` are summed over: 1 for a single period, more for a "
            "sustained rise or fall (blocks of 2 and 4 weeks, or 7 and 14 days)."
        )
    )
    window_start: str = Field(description="First day of the periods summed; `period_start` for a single period.")


@router.get("/api/v1/trends/segments", response_model=SegmentsOut, tags=["trends"])
async def api_segments(
    request: Request,
    _principal: Annotated[Principal, Depends(require("trends:read"))],
    freq: Annotated[Freq, Query()] = "W",
) -> dict[str, Any]:
    """Every segment with a series: how many documents it counts and how many alerts detection raised."""
    series = await _series(request, freq)
    return {"freq": freq, "segments": [{"segment": s, "documents": n, "alerts": a} for s, n, a in series.segments()]}


@router.get("/api/v1/trends/series", response_model=SeriesOut, tags=["trends"])
async def api_series(
    request: Request,
    _principal: Annotated[Principal, Depends(require("trends:read"))],
    segment: Annotated[str, Query(max_length=200, pattern=SEGMENT_PATTERN, description="Segment name, e.g. indicator:upfront_fee")],
    freq: Annotated[Freq, Query()] = "W",
) -> dict[str, Any]:
    """One segment's counts per period, with expected counts, change-point levels and alert marks."""
    series = await _series(request, freq)
    rows = series.rows_by_segment.get(segment)
    if rows is None:
        raise NotFoundError(f"no series for segment {segment}")
    keys = SeriesPoint.model_fields
    return {"segment": segment, "freq": freq, "points": [{k: r.get(k) for k in keys} for r in rows]}


@router.get("/api/v1/trends/alerts", response_model=list[AlertOut], tags=["trends"])
def api_alerts(
    request: Request,
    _principal: Annotated[Principal, Depends(require("alerts:read"))],
    segment: Segment = None,
    freq: Annotated[Freq | None, Query()] = None,
    since: Annotated[date | None, Query(description="Only alerts for periods starting on or after this day.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """Stored trend alerts, newest period first."""
    return newest_alerts(_store(request), limit, segment=segment, freq=freq, since=since)

"""Aggregate counters and the measurements providers report (reThink-style figures).

Only counts are kept: checked queries per day x category x language, and campaign
displays and clicks per campaign x day x language. Counts are gathered in memory and
written in one transaction every few seconds, so the per-query path never waits on the
database.

Repeat-after-deterrence without identifiers: the search provider, which already keeps
its own session state, marks a query ``prior_deterrence: true`` when the same session was
shown a deterrence message before. Vigil never sees the session; it only counts flagged
exploitation queries per day. ``repeat_rate = flagged exploitation queries / deterrence
messages shown``; its complement estimates the share of warned sessions that did not
search again (reThink reported 82 %). The rate counts repeated *queries*, so one session
repeating twice counts twice: it is an upper bound on the share of sessions that repeat.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from vigil.safeguard.models import CampaignCount, QueryCount
from vigil.store import Store

#: Seconds between writes of the in-memory counts to the database.
FLUSH_INTERVAL_S: Final = 5.0


def today() -> date:
    return datetime.now(UTC).date()


def _upsert(session: Session, table: Any, keys: Mapping[str, Any], increments: Mapping[str, int]) -> None:
    """Add ``increments`` to the row with primary key ``keys`` (inserting it when new)."""
    dialect = session.get_bind().dialect.name
    values = {**keys, **increments}
    if dialect in ("sqlite", "postgresql"):
        insert = (sqlite.insert if dialect == "sqlite" else postgresql.insert)(table).values(**values)
        statement = insert.on_conflict_do_update(
            index_elements=list(keys),
            set_={name: getattr(table.c, name) + getattr(insert.excluded, name) for name in increments},
        )
        session.execute(statement)
        return
    conditions = [getattr(table.c, name) == value for name, value in keys.items()]
    updated = session.execute(
        sa.update(table).where(*conditions).values({n: getattr(table.c, n) + v for n, v in increments.items()})
    )
    if not getattr(updated, "rowcount", 0):
        session.execute(sa.insert(table).values(**values))


class Counters:
    """Thread-safe in-memory counts, flushed to the store in batches."""

    def __init__(self, store: Store | None, flush_interval: float = FLUSH_INTERVAL_S) -> None:
        self._store = store
        self._interval = flush_interval
        self._lock = threading.Lock()
        self._queries: Counter[tuple[date, str, str, str]] = Counter()
        self._campaigns: Counter[tuple[int, date, str, str]] = Counter()
        self._last_flush = time.monotonic()

    def count_query(self, category: str, lang: str, prior_deterrence: bool = False, day: date | None = None) -> None:
        key_day = day or today()
        with self._lock:
            self._queries[(key_day, category, lang, "queries")] += 1
            if prior_deterrence:
                self._queries[(key_day, category, lang, "repeats")] += 1

    def count_campaign(self, campaign_id: int, lang: str, what: str, day: date | None = None) -> None:
        if what not in ("displays", "clicks"):
            raise ValueError(what)
        with self._lock:
            self._campaigns[(campaign_id, day or today(), lang, what)] += 1

    def due(self) -> bool:
        return time.monotonic() - self._last_flush >= self._interval

    def flush(self) -> None:
        """Write pending counts in one transaction (no-op without a store)."""
        with self._lock:
            queries, self._queries = self._queries, Counter()
            campaigns, self._campaigns = self._campaigns, Counter()
            self._last_flush = time.monotonic()
        if self._store is None or not (queries or campaigns):
            return
        query_rows: dict[tuple[date, str, str], dict[str, int]] = {}
        for (day, category, lang, field), value in queries.items():
            query_rows.setdefault((day, category, lang), {"queries": 0, "repeats": 0})[field] += value
        campaign_rows: dict[tuple[int, date, str], dict[str, int]] = {}
        for (campaign_id, day, lang, field), value in campaigns.items():
            campaign_rows.setdefault((campaign_id, day, lang), {"displays": 0, "clicks": 0})[field] += value
        with self._store.session() as session:
            for (day, category, lang), increments in query_rows.items():
                _upsert(session, QueryCount.__table__, {"day": day, "category": category, "lang": lang}, increments)
            for (campaign_id, day, lang), increments in campaign_rows.items():
                keys = {"campaign_id": campaign_id, "day": day, "lang": lang}
                _upsert(session, CampaignCount.__table__, keys, increments)


def query_stats(store: Store, days: int = 30, until: date | None = None) -> dict[str, Any]:
    """Share of exploitation queries per day and the repeat rate after deterrence."""
    end = until or today()
    start = end - timedelta(days=days - 1)
    with store.session() as session:
        rows = (
            session.execute(
                sa.select(
                    QueryCount.day, QueryCount.category, QueryCount.lang, QueryCount.queries, QueryCount.repeats
                ).where(QueryCount.day >= start, QueryCount.day <= end)
            )
            .tuples()
            .all()
        )
    return summarize([(d, c, lang, q, r) for d, c, lang, q, r in rows], start, end)


def summarize(rows: list[tuple[date, str, str, int, int]], start: date, end: date) -> dict[str, Any]:
    """Pure aggregation of counter rows into the figures of ``GET /api/v1/safeguard/stats``."""
    per_day: dict[date, Counter[str]] = {}
    per_lang: dict[str, Counter[str]] = {}
    for day, category, lang, queries, repeats in rows:
        bucket = per_day.setdefault(day, Counter())
        bucket[category] += queries
        bucket["total"] += queries
        if category == "exploitation":
            bucket["repeats"] += repeats
        lang_bucket = per_lang.setdefault(lang, Counter())
        lang_bucket[category] += queries
        lang_bucket["total"] += queries
    series = []
    day = start
    while day <= end:
        counts = per_day.get(day, Counter())
        series.append(_figures(day.isoformat(), counts))
        day += timedelta(days=1)
    totals: Counter[str] = Counter()
    for counts in per_day.values():
        totals.update(counts)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "days": series,
        "total": _figures(None, totals),
        "by_lang": {lang: _figures(None, counts) for lang, counts in sorted(per_lang.items())},
        "repeat_measure": (
            "share of deterrence messages followed by another exploitation query that the provider "
            "flagged prior_deterrence=true in the same session; no identifiers reach Vigil"
        ),
    }


def _figures(day: str | None, counts: Mapping[str, int]) -> dict[str, Any]:
    total = counts.get("total", 0)
    exploitation = counts.get("exploitation", 0)
    repeats = counts.get("repeats", 0)
    figures: dict[str, Any] = {
        "queries": total,
        "exploitation": exploitation,
        "at_risk": counts.get("at_risk", 0),
        "neutral": counts.get("neutral", 0),
        "exploitation_share": exploitation / total if total else None,
    }
    if "repeats" in counts or day is not None:
        figures["deterrences"] = exploitation
        figures["repeats"] = repeats
        figures["repeat_rate"] = repeats / exploitation if exploitation else None
    if day is not None:
        figures = {"day": day, **figures}
    return figures

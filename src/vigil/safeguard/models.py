"""Tables of the safeguarding side: campaigns and aggregate counters.

Nothing here identifies a person: query counts are per day, category and language;
campaign counts per campaign, day and language. No query text and no user or session
identifier is ever stored.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from vigil.store.models import Base, utcnow


class Campaign(Base):
    """An awareness campaign: messages per language and who it is meant for."""

    __tablename__ = "safeguard_campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    messages: Mapped[dict[str, Any]] = mapped_column(default=dict)
    languages: Mapped[list[Any]] = mapped_column(default=list)
    countries: Mapped[list[Any]] = mapped_column(default=list)
    genders: Mapped[list[Any]] = mapped_column(default=list)
    audiences: Mapped[list[Any]] = mapped_column(default=list)
    helplines: Mapped[list[Any]] = mapped_column(default=list)
    age_min: Mapped[int | None] = mapped_column(sa.Integer)
    age_max: Mapped[int | None] = mapped_column(sa.Integer)
    minors_ok: Mapped[bool] = mapped_column(default=False)
    priority: Mapped[int] = mapped_column(default=0)
    starts_on: Mapped[date | None] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class CampaignCount(Base):
    """Displays and clicks of one campaign on one day in one language."""

    __tablename__ = "safeguard_campaign_counts"

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("safeguard_campaigns.id"), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    lang: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    displays: Mapped[int] = mapped_column(default=0)
    clicks: Mapped[int] = mapped_column(default=0)


class QueryCount(Base):
    """Checked queries per day, category and language; ``repeats`` counts queries the
    provider flagged as coming after a deterrence message in the same session."""

    __tablename__ = "safeguard_query_counts"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    lang: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    queries: Mapped[int] = mapped_column(default=0)
    repeats: Mapped[int] = mapped_column(default=0)

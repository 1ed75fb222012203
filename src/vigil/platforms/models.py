"""Tables of the platform map: registry entries, the domains that tie documents to them, and audits.

A platform's facts each carry their source (``sources``: fact name to source; ``source`` covers
every fact without one of its own). A domain belongs to one platform only, which the
``platform_domains`` primary key enforces. Each safety-defaults audit is kept, newest last.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from vigil.store.models import Base, utcnow


class PlatformRow(Base):
    """One platform on the map, with the source of every fact about it."""

    __tablename__ = "platforms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    category: Mapped[str] = mapped_column(sa.String(40))
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    url_patterns: Mapped[list[Any]] = mapped_column(default=list)
    countries: Mapped[list[Any]] = mapped_column(default=list)
    languages: Mapped[list[Any]] = mapped_column(default=list)
    operator: Mapped[str | None] = mapped_column(sa.Text)
    reporting_mechanism: Mapped[bool | None] = mapped_column()
    reporting_trafficking_option: Mapped[bool | None] = mapped_column()
    monitoring: Mapped[str] = mapped_column(sa.String(16), default="not_monitored")
    notes: Mapped[str | None] = mapped_column(sa.Text)
    source: Mapped[str] = mapped_column(sa.Text)
    sources: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlatformDomain(Base):
    """A web domain (without ``www.``) whose URLs belong to one platform."""

    __tablename__ = "platform_domains"
    __table_args__ = (sa.Index("ix_platform_domains_platform", "platform_id"),)

    domain: Mapped[str] = mapped_column(sa.String(253), primary_key=True)
    platform_id: Mapped[int] = mapped_column(sa.ForeignKey("platforms.id", ondelete="CASCADE"))


class PlatformAudit(Base):
    """One safety-defaults audit of a platform: the result of every check, with its requirement."""

    __tablename__ = "platform_audits"
    __table_args__ = (sa.Index("ix_platform_audits_platform", "platform_id", "audited_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(sa.ForeignKey("platforms.id", ondelete="CASCADE"))
    audited_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Where the described settings were observed (the settings file's ``source``).
    source: Mapped[str] = mapped_column(sa.Text)
    observed_on: Mapped[str | None] = mapped_column(sa.String(32))
    passed: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    unknown: Mapped[int] = mapped_column(default=0)
    checks: Mapped[list[Any]] = mapped_column(default=list)

"""Registry entries in the store: adding and importing (all or nothing), reading, and matching documents.

A document belongs to a platform when its ``platform`` field is the platform's name or one of
its aliases (case-insensitive), else when its URL's host is one of the platform's domains (or
a subdomain of one), else when its URL matches one of the platform's URL patterns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Final
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.errors import NotFoundError
from vigil.platforms.catalogue import (
    FACTS,
    LocatedEntry,
    PlatformEntry,
    Problem,
    catalogue_error,
    normalize_domain,
)
from vigil.platforms.models import PlatformAudit, PlatformDomain, PlatformRow
from vigil.store.models import utcnow

#: Longest URL whose host and path matching looks at (ad URLs are hostile input).
MAX_MATCHED_URL: Final = 2048


@dataclass(frozen=True)
class ImportResult:
    added: list[str]
    updated: list[str]

    def to_json(self) -> dict[str, object]:
        return {"added": self.added, "updated": self.updated}


def entry_of(row: PlatformRow, domains: Sequence[str]) -> PlatformEntry:
    """The registry row as a catalogue entry (for export and display)."""
    return PlatformEntry.model_validate({
        "name": row.name, "category": row.category, "aliases": row.aliases, "domains": sorted(domains),
        "url_patterns": row.url_patterns, "countries": row.countries, "languages": row.languages,
        "operator": row.operator, "reporting_mechanism": row.reporting_mechanism,
        "reporting_trafficking_option": row.reporting_trafficking_option, "monitoring": row.monitoring,
        "notes": row.notes, "source": row.source, "sources": row.sources,
    })


def domains_by_platform(session: Session) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for domain, platform_id in session.execute(sa.select(PlatformDomain.domain, PlatformDomain.platform_id)).tuples():
        out.setdefault(platform_id, []).append(domain)
    return out


def list_platforms(session: Session) -> list[tuple[PlatformRow, PlatformEntry]]:
    domains = domains_by_platform(session)
    rows = session.scalars(sa.select(PlatformRow).order_by(PlatformRow.name)).all()
    return [(row, entry_of(row, domains.get(row.id, []))) for row in rows]


def find_platform(session: Session, name: str) -> PlatformRow:
    """A platform by name or alias (case-insensitive) or by numeric id."""
    wanted = name.strip().casefold()
    for row in session.scalars(sa.select(PlatformRow)):
        if row.name.casefold() == wanted or wanted in (a.casefold() for a in row.aliases) or str(row.id) == wanted:
            return row
    raise NotFoundError(f"no platform {name!r} in the registry (vigil platforms list shows them)")


def save_entries(session: Session, entries: Sequence[LocatedEntry], label: str) -> ImportResult:
    """Add or update ``entries`` by name; refuses all of them if any domain belongs to another platform.

    Platforms not in ``entries`` are left as they are. On a refusal nothing is written, so
    what the store held before stays.
    """
    existing = {row.name.casefold(): row for row in session.scalars(sa.select(PlatformRow))}
    owners = dict(session.execute(sa.select(PlatformDomain.domain, PlatformDomain.platform_id)).tuples().all())
    problems: list[Problem] = []
    for located in entries:
        row = existing.get(located.entry.name.casefold())
        for domain in located.entry.domains:
            owner = owners.get(domain)
            if owner is not None and (row is None or owner != row.id):
                held_by = session.get(PlatformRow, owner)
                problems.append(Problem(located.line_of("domains"), "domains",
                                        f"domain {domain} already belongs to {held_by.name if held_by else owner}"))
    if problems:
        raise catalogue_error(label, problems)
    added, updated = [], []
    for located in entries:
        entry = located.entry
        row = existing.get(entry.name.casefold())
        if row is None:
            row = PlatformRow(name=entry.name, category=entry.category, source=entry.source)
            session.add(row)
            added.append(entry.name)
        else:
            updated.append(entry.name)
        _apply(row, entry)
        session.flush()
        session.execute(sa.delete(PlatformDomain).where(PlatformDomain.platform_id == row.id))
        session.add_all(PlatformDomain(domain=d, platform_id=row.id) for d in entry.domains)
        existing[entry.name.casefold()] = row
    session.flush()
    return ImportResult(added, updated)


def _apply(row: PlatformRow, entry: PlatformEntry) -> None:
    row.name = entry.name
    row.category = entry.category
    row.aliases = list(entry.aliases)
    row.url_patterns = list(entry.url_patterns)
    row.countries = list(entry.countries)
    row.languages = list(entry.languages)
    row.operator = entry.operator
    row.reporting_mechanism = entry.reporting_mechanism
    row.reporting_trafficking_option = entry.reporting_trafficking_option
    row.monitoring = entry.monitoring
    row.notes = entry.notes
    row.source = entry.source
    row.sources = {k: v for k, v in entry.sources.items() if k in FACTS}
    row.updated_at = utcnow()


def latest_audits(session: Session) -> dict[int, PlatformAudit]:
    """The newest audit of each audited platform."""
    newest: dict[int, PlatformAudit] = {}
    for audit in session.scalars(sa.select(PlatformAudit).order_by(PlatformAudit.audited_at, PlatformAudit.id)):
        newest[audit.platform_id] = audit
    return newest


class PlatformMatcher:
    """Ties a document's ``platform`` field and URL to a registry entry."""

    def __init__(self, rows: Iterable[PlatformRow], domains: dict[int, list[str]]) -> None:
        self.by_name: dict[str, int] = {}
        self.by_domain: dict[str, int] = {}
        self.patterns: list[tuple[str, int]] = []
        for row in rows:
            for name in (row.name, *row.aliases):
                self.by_name.setdefault(name.strip().casefold(), row.id)
            for domain in domains.get(row.id, []):
                self.by_domain[domain] = row.id
            self.patterns.extend((pattern, row.id) for pattern in row.url_patterns)

    @classmethod
    def from_session(cls, session: Session) -> PlatformMatcher:
        return cls(session.scalars(sa.select(PlatformRow)).all(), domains_by_platform(session))

    def names_of(self, platform_id: int) -> list[str]:
        return [name for name, pid in self.by_name.items() if pid == platform_id]

    def match(self, platform: str | None, url: str | None) -> int | None:
        if platform:
            found = self.by_name.get(platform.strip().casefold())
            if found is not None:
                return found
            found = self._host(normalize_domain(platform))
            if found is not None:
                return found
        if url and len(url) <= MAX_MATCHED_URL:
            return self._url(url)
        return None

    def _host(self, host: str) -> int | None:
        parts = host.split(".")
        for start in range(len(parts) - 1):
            found = self.by_domain.get(".".join(parts[start:]))
            if found is not None:
                return found
        return None

    def _url(self, url: str) -> int | None:
        try:
            parts = urlsplit(url if "//" in url else f"//{url}")
            host = (parts.hostname or "").removeprefix("www.")
        except ValueError:
            return None
        if not host:
            return None
        found = self._host(host)
        if found is not None:
            return found
        target = f"{host}{parts.path or '/'}"
        for pattern, platform_id in self.patterns:
            if fnmatchcase(target, pattern):
                return platform_id
        return None


def url_host(url: str | None) -> str | None:
    """The host of a document's URL without ``www.``, for the list of sites not on the map."""
    if not url or len(url) > MAX_MATCHED_URL:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None

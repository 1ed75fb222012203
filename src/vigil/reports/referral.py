"""Referral of reported items to partner organisations, and article 18 notifications.

Partners and their routing rules come from a YAML file (setting ``reports_routing_file``)::

    partners:
      pl_police_thb:
        name: Police unit against trafficking (Poland)
        kind: police            # police or ngo
        email: thb-unit@example.org
        countries: [PL]         # empty or absent: any country
        categories: [trafficking, sexual_exploitation, child_sexual_exploitation]

Vigil ships no partners: contact points are agreed with each organisation, never guessed.
A referral is always made by a named moderator; the software only suggests recipients.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import yaml
from sqlalchemy.orm import Session

from vigil.errors import ConfigError, InputError
from vigil.reports.models import ReportReferral
from vigil.reports.notice import CATEGORIES
from vigil.reports.sor import analysis_summary
from vigil.reports.triage import ItemView, Moderator

KINDS: Final = ("referral", "article_18")
PARTNER_KINDS: Final = ("police", "ngo")


@dataclass(frozen=True)
class Partner:
    id: str
    name: str
    kind: str
    email: str | None
    countries: frozenset[str]
    categories: frozenset[str]

    def takes(self, category: str, country: str | None) -> bool:
        in_category = not self.categories or category in self.categories
        in_country = not self.countries or (country is not None and country in self.countries)
        return in_category and in_country


def load_partners(path: Path | None) -> dict[str, Partner]:
    """Partners from the routing file; none when no file is set."""
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"cannot read the reports routing file {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"the reports routing file {path} is not valid YAML") from exc
    partners: dict[str, Partner] = {}
    raw_partners = data.get("partners") if isinstance(data, dict) else None
    if not isinstance(raw_partners, dict):
        raise ConfigError(f"the reports routing file {path} needs a 'partners' mapping")
    for pid, raw in raw_partners.items():
        if not isinstance(raw, dict) or not raw.get("name") or raw.get("kind") not in PARTNER_KINDS:
            raise ConfigError(f"partner {pid} in {path} needs a name and a kind (police or ngo)")
        categories = frozenset(raw.get("categories") or ())
        if not categories <= set(CATEGORIES):
            raise ConfigError(f"partner {pid} in {path} names unknown categories: {sorted(categories - set(CATEGORIES))}")
        partners[str(pid)] = Partner(
            id=str(pid), name=str(raw["name"]), kind=str(raw["kind"]), email=raw.get("email"),
            countries=frozenset(str(c).upper() for c in raw.get("countries") or ()), categories=categories,
        )
    return partners


def route(partners: dict[str, Partner], category: str, country: str | None) -> list[Partner]:
    """Partners whose rules take ``category`` in ``country``: police first, then NGOs, by name."""
    chosen = [p for p in partners.values() if p.takes(category, country)]
    return sorted(chosen, key=lambda p: (PARTNER_KINDS.index(p.kind), p.name))


def suggested_partners(partners: dict[str, Partner], view: ItemView) -> list[Partner]:
    seen: dict[str, Partner] = {}
    for report in view.reports:
        for partner in route(partners, report.category, report.country):
            seen.setdefault(partner.id, partner)
    return list(seen.values())


def referral_package(view: ItemView) -> dict[str, Any]:
    """What a partner receives: the reports' facts (no reporter contact), the document, its evidence hash and analysis."""
    document = view.document
    return {
        "url": view.item.url,
        "reports": [
            {"receipt": r.receipt, "category": r.category, "received_at": r.received_at.isoformat(), "explanation": r.explanation,
             "country": r.country, "platform": r.platform, "immediate_danger": r.immediate_danger}
            for r in view.reports
        ],
        "document": None if document is None else {
            "id": document.doc_id, "platform": document.platform, "url": document.url, "kind": document.kind,
            "posted_at": document.posted_at.isoformat() if document.posted_at else None,
            "captured_at": document.captured_at.isoformat() if document.captured_at else None,
            "evidence_sha256": document.evidence_sha256,
        },
        "analysis": analysis_summary(view.analysis),
    }


def record_referral(
    session: Session,
    view: ItemView,
    moderator: Moderator,
    *,
    kind: str,
    recipient: str,
    partner: Partner | None = None,
    note: str | None = None,
    case_ref: str | None = None,
    now: datetime,
) -> ReportReferral:
    """Record that ``moderator`` referred the item (or notified law enforcement under article 18) to ``recipient``."""
    if kind not in KINDS:
        raise InputError(f"kind must be one of {', '.join(KINDS)}")
    if not moderator.name.strip():
        raise InputError("a referral is made by a named moderator")
    who = recipient.strip() or (partner.name if partner else "")
    if not who or len(who) > 300:
        raise InputError("name the recipient (at most 300 characters)")
    referral = ReportReferral(
        item_id=view.item.id, kind=kind, partner=partner.id if partner else None, recipient=who,
        by_id=moderator.user_id, by_name=moderator.name.strip()[:100], note=(note or "").strip()[:5000] or None,
        package=referral_package(view), case_ref=(case_ref or "").strip()[:100] or None, sent_at=now, mailed=False,
    )
    session.add(referral)
    session.flush()
    return referral


def link_to_case(
    session: Session, view: ItemView, actor: str, audit: Any, *, case_id: int | None = None, title: str | None = None,
    viewer_is_admin: bool = False,
) -> int:
    """Open a case for the reported item (``title``) or join an existing one (``case_id``): the stored document
    (when ingested) becomes a case item, and a note records the reports (receipts, categories, no contact)."""
    from vigil.casework.cases import add_item, add_note, create_case, get_case, require_member
    from vigil.casework.models import DOCUMENT

    if case_id is not None:
        case = get_case(session, case_id, None if viewer_is_admin else actor)
        require_member(case, actor, viewer_is_admin)
    else:
        case = create_case(session, (title or f"Report: {view.item.url}")[:300], actor, audit)
    if view.document is not None:
        add_item(session, case, DOCUMENT, str(view.document.pk), actor, audit)
    lines = [f"Reported location {view.item.url} ({view.item.report_count} reports)"]
    lines += [f"- {r.receipt}: {r.category}, received {r.received_at.isoformat()}" for r in view.reports]
    add_note(session, case, "\n".join(lines)[:10_000], actor, audit)
    return case.id

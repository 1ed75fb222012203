"""Triage and decisions: the moderators' queue, one item with its reports and analysis, decisions
by a named moderator, complaints decided by someone else, and what a reporter may see.

The queue is ordered by priority (trusted flagger, immediate danger, minors, trafficking,
other), then by age. Nothing here decides on its own: a decision needs a moderator's name,
an action and a ground.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.errors import InputError, NotFoundError, PermissionDenied
from vigil.reports.intake import _aware, find_document
from vigil.reports.models import Report, ReportComplaint, ReportDecision, ReportedItem, ReportItemLink, ReportReferral
from vigil.store.models import AnalysisRow, DocumentRow

#: Decisions a moderator can take; every one but ``no_action`` restricts visibility and owes a statement of reasons.
ACTIONS: Final = ("remove", "disable", "demote", "age_restrict", "label", "no_action")
RESTRICTING: Final = frozenset(ACTIONS) - {"no_action"}
GROUNDS: Final = ("illegal", "terms")
#: Complaints are open this long after the reporter is told the decision (DSA article 20(1): at least six months).
COMPLAINT_PERIOD: Final = timedelta(days=183)
MAX_GROUND_CHARS: Final = 500
MAX_DECISION_TEXT_CHARS: Final = 2000
#: EU and EEA countries the Transparency Database accepts in ``territorial_scope``.
EEA_COUNTRIES: Final = frozenset(
    ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK"]
)


@dataclass(frozen=True)
class Moderator:
    """Who decides: an account id (None at the terminal) and the name recorded with the decision."""

    user_id: int | None
    name: str


@dataclass
class ItemView:
    item: ReportedItem
    reports: list[Report] = field(default_factory=list)
    decisions: list[ReportDecision] = field(default_factory=list)
    referrals: list[ReportReferral] = field(default_factory=list)
    complaints: list[ReportComplaint] = field(default_factory=list)
    document: DocumentRow | None = None
    analysis: AnalysisRow | None = None

    @property
    def current_decision(self) -> ReportDecision | None:
        live = [d for d in self.decisions if d.reversed_at is None]
        return live[-1] if live else None

    @property
    def needs_article_18(self) -> bool:
        return self.item.immediate_danger and not any(r.kind == "article_18" for r in self.referrals)


def relink_documents(session: Session, limit: int = 500) -> int:
    """Link items still waiting for collection to documents ingested since; returns how many were linked."""
    linked = 0
    waiting = session.scalars(sa.select(ReportedItem).where(ReportedItem.document_pk.is_(None)).limit(limit)).all()
    for item in waiting:
        pk = find_document(session, item.url)
        if pk is not None:
            item.document_pk = pk
            linked += 1
    return linked


def queue(session: Session, status: str | None = "open", limit: int = 200) -> list[ReportedItem]:
    """Items by priority, then oldest first; ``status=None`` lists every item."""
    query = sa.select(ReportedItem)
    if status is not None:
        query = query.where(ReportedItem.status == status)
    query = query.order_by(ReportedItem.priority, ReportedItem.first_reported_at, ReportedItem.id).limit(limit)
    return list(session.scalars(query).all())


def collection_queue(session: Session) -> list[ReportedItem]:
    """Reported URLs Vigil has not ingested yet, for the crawler to collect."""
    return list(session.scalars(sa.select(ReportedItem).where(ReportedItem.document_pk.is_(None)).order_by(ReportedItem.id)).all())


def item_view(session: Session, item_id: int) -> ItemView:
    item = session.get(ReportedItem, item_id)
    if item is None:
        raise NotFoundError(f"no reported item {item_id}")
    if item.document_pk is None:
        item.document_pk = find_document(session, item.url)
    view = ItemView(item)
    view.reports = list(
        session.scalars(
            sa.select(Report).join(ReportItemLink, ReportItemLink.report_id == Report.id)
            .where(ReportItemLink.item_id == item_id).order_by(Report.priority, Report.received_at)
        ).all()
    )
    view.decisions = list(session.scalars(sa.select(ReportDecision).where(ReportDecision.item_id == item_id).order_by(ReportDecision.id)).all())
    view.referrals = list(session.scalars(sa.select(ReportReferral).where(ReportReferral.item_id == item_id).order_by(ReportReferral.id)).all())
    decision_ids = [d.id for d in view.decisions]
    if decision_ids:
        view.complaints = list(
            session.scalars(sa.select(ReportComplaint).where(ReportComplaint.decision_id.in_(decision_ids)).order_by(ReportComplaint.id)).all()
        )
    if item.document_pk is not None:
        view.document = session.get(DocumentRow, item.document_pk)
        view.analysis = session.get(AnalysisRow, item.document_pk)
    return view


def _text(value: str, name: str, limit: int) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise InputError(f"the decision needs its {name}")
    if len(cleaned) > limit:
        raise InputError(f"the {name} is longer than {limit} characters")
    return cleaned


def decide(
    session: Session,
    item_id: int,
    moderator: Moderator,
    *,
    action: str,
    ground: str,
    ground_reference: str,
    explanation: str,
    territorial_scope: list[str] | None = None,
    ground_url: str | None = None,
    now: datetime,
) -> ReportDecision:
    """Record a moderator's decision on an open item; it stands for every report naming the item."""
    if not moderator.name.strip():
        raise InputError("a decision is taken by a named moderator")
    if action not in ACTIONS:
        raise InputError(f"action must be one of {', '.join(ACTIONS)}")
    if ground not in GROUNDS:
        raise InputError("ground must be 'illegal' (a law) or 'terms' (terms of service)")
    scope = sorted({c.strip().upper() for c in territorial_scope or [] if c.strip()})
    unknown = [c for c in scope if c not in EEA_COUNTRIES]
    if unknown:
        raise InputError(f"territorial scope takes EU/EEA country codes only, not {', '.join(unknown)}")
    if ground_url and (len(ground_url) > MAX_GROUND_CHARS or not ground_url.startswith(("https://", "http://"))):
        raise InputError("the ground's reference must be an http(s) URL of at most 500 characters")
    item = session.get(ReportedItem, item_id, with_for_update=True)
    if item is None:
        raise NotFoundError(f"no reported item {item_id}")
    if item.status != "open":
        raise InputError("this item is already decided; a complaint can reopen it")
    decision = ReportDecision(
        item_id=item_id,
        moderator_id=moderator.user_id,
        moderator_name=moderator.name.strip()[:100],
        action=action,
        ground=ground,
        ground_reference=_text(ground_reference, "legal or terms-of-service ground", MAX_GROUND_CHARS),
        ground_url=ground_url or None,
        explanation=_text(explanation, "explanation", MAX_DECISION_TEXT_CHARS),
        territorial_scope=scope,
        puid=f"vigil-sor-{uuid.uuid4().hex}",
        decided_at=now,
    )
    session.add(decision)
    item.status = "decided"
    session.flush()
    return decision


def report_by_receipt(session: Session, receipt: str) -> Report:
    report = session.scalars(sa.select(Report).where(Report.receipt == receipt.strip().upper())).first()
    if report is None:
        raise NotFoundError("no report with this receipt")
    return report


def items_of(session: Session, report_id: int) -> list[ReportedItem]:
    return list(
        session.scalars(
            sa.select(ReportedItem).join(ReportItemLink, ReportItemLink.item_id == ReportedItem.id)
            .where(ReportItemLink.report_id == report_id).order_by(ReportedItem.id)
        ).all()
    )


def live_decision(session: Session, item_id: int) -> ReportDecision | None:
    return session.scalars(
        sa.select(ReportDecision).where(ReportDecision.item_id == item_id, ReportDecision.reversed_at.is_(None))
        .order_by(ReportDecision.id.desc()).limit(1)
    ).first()


def reporter_status(session: Session, receipt: str, now: datetime) -> dict[str, Any]:
    """What the reporter sees: status and decision per location, and how to complain. Nothing internal
    (no moderator, no analysis, no other reports, no contact details)."""
    report = report_by_receipt(session, receipt)
    items = []
    for item in items_of(session, report.id):
        decision = live_decision(session, item.id)
        entry: dict[str, Any] = {"url": item.url, "status": "decided" if decision else "open", "decision": None}
        if decision is not None:
            entry["decision"] = {
                "action": decision.action,
                "ground": decision.ground,
                "ground_reference": decision.ground_reference,
                "decided_at": _aware(decision.decided_at).isoformat(),
                "complaint_until": (_aware(decision.decided_at) + COMPLAINT_PERIOD).date().isoformat(),
                "can_complain": now < _aware(decision.decided_at) + COMPLAINT_PERIOD,
            }
        items.append(entry)
    decided = all(i["decision"] is not None for i in items)
    complaints = session.scalars(sa.select(ReportComplaint).where(ReportComplaint.report_id == report.id).order_by(ReportComplaint.id)).all()
    return {
        "receipt": report.receipt,
        "category": report.category,
        "received_at": _aware(report.received_at).isoformat(),
        "status": "decided" if decided else "in_review",
        "items": items,
        "complaints": [{"status": c.status, "lodged_at": _aware(c.lodged_at).isoformat()} for c in complaints],
    }


def lodge_complaint(session: Session, receipt: str, text: str, now: datetime) -> ReportComplaint:
    """A complaint by the reporter against the decisions on their report (DSA article 20), within six months."""
    cleaned = text.strip()
    if len(cleaned) < 10 or len(cleaned) > 5000:
        raise InputError("a complaint needs between 10 and 5000 characters")
    report = report_by_receipt(session, receipt)
    decisions = [d for d in (live_decision(session, i.id) for i in items_of(session, report.id)) if d is not None]
    open_ones = [d for d in decisions if now < _aware(d.decided_at) + COMPLAINT_PERIOD]
    if not open_ones:
        raise InputError("there is no decision on this report that can still be complained about")
    complaint = ReportComplaint(report_id=report.id, decision_id=open_ones[-1].id, text=cleaned, lodged_at=now, status="open")
    session.add(complaint)
    session.flush()
    return complaint


def open_complaints(session: Session) -> list[ReportComplaint]:
    return list(session.scalars(sa.select(ReportComplaint).where(ReportComplaint.status == "open").order_by(ReportComplaint.lodged_at)).all())


def decide_complaint(
    session: Session, complaint_id: int, moderator: Moderator, *, reverse: bool, reasons: str, now: datetime
) -> ReportComplaint:
    """Uphold or reverse; never by the moderator who took the decision complained about (article 20(6))."""
    complaint = session.get(ReportComplaint, complaint_id)
    if complaint is None:
        raise NotFoundError(f"no complaint {complaint_id}")
    if complaint.status != "open":
        raise InputError("this complaint is already decided")
    decision = session.get(ReportDecision, complaint.decision_id)
    assert decision is not None  # a foreign key with cascade
    same_person = (
        decision.moderator_id == moderator.user_id if moderator.user_id is not None and decision.moderator_id is not None
        else decision.moderator_name.casefold() == moderator.name.strip().casefold()
    )
    if same_person:
        raise PermissionDenied("a complaint is decided by someone other than the moderator who took the decision")
    complaint.status = "reversed" if reverse else "upheld"
    complaint.handler_id = moderator.user_id
    complaint.handler_name = moderator.name.strip()[:100]
    complaint.reasons = _text(reasons, "reasons", MAX_DECISION_TEXT_CHARS)
    complaint.decided_at = now
    if reverse:
        decision.reversed_at = now
        item = session.get(ReportedItem, decision.item_id)
        if item is not None:
            item.status = "open"
    return complaint
